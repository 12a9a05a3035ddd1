// Every supported API, every supported version, request and response: a sample message built
// from the JSON spec (not by hand) is sized, encoded into exactly that many bytes, decoded back
// to the same value, with every byte consumed and no reader error.
import { describe, expect, it } from 'vitest';
import { apiCodec } from '../../src/protocol/frame.js';
import { Reader } from '../../src/protocol/reader.js';
import { SUPPORTED_APIS } from '../../src/protocol/supported-apis.js';
import { Writer } from '../../src/protocol/writer.js';
import { sampleMessage, type SampleMode } from './sample-message.js';

interface Case {
  api: string;
  apiKey: number;
  side: 'Request' | 'Response';
  version: number;
}

const cases: Case[] = SUPPORTED_APIS.flatMap((api) =>
  (['Request', 'Response'] as const).flatMap((side) =>
    Array.from({ length: api.maxVersion - api.minVersion + 1 }, (_, i) => ({
      api: api.name,
      apiKey: api.apiKey,
      side,
      version: api.minVersion + i,
    })),
  ),
);

function roundTrip({ apiKey, side, version }: Case, message: unknown): { bytes: Buffer; decoded: unknown; reader: Reader } {
  const codec = apiCodec(apiKey);
  if (codec === undefined) throw new Error(`no codec for ${apiKey}`);
  const size = side === 'Request' ? codec.sizeRequest(message, version) : codec.sizeResponse(message, version);
  const writer = new Writer(Buffer.alloc(size));
  if (side === 'Request') codec.encodeRequest(writer, message, version);
  else codec.encodeResponse(writer, message, version);
  writer.finish(size);
  const reader = new Reader(writer.buf);
  const decoded = side === 'Request' ? codec.decodeRequest(reader, version) : codec.decodeResponse(reader, version);
  return { bytes: writer.buf, decoded, reader };
}

describe.each(['values', 'nulls'] as SampleMode[])('codec round trip with %s', (mode) => {
  it.each(cases)('$api $side v$version', (c) => {
    const message = sampleMessage(`${c.api}${c.side}`, c.version, mode);
    const { bytes, decoded, reader } = roundTrip(c, message);

    expect(reader.error).toBeNull();
    expect(reader.offset).toBe(bytes.length);
    expect(decoded).toEqual(message);
  });
});

describe('codec coverage', () => {
  it('covers every version of every supported API, both directions', () => {
    const total = SUPPORTED_APIS.reduce((n, api) => n + api.maxVersion - api.minVersion + 1, 0);
    expect(cases).toHaveLength(total * 2);
    expect(total).toBe(193);
  });
});
