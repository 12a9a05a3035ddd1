// Hostile input: random bytes, and valid encodings truncated or with bytes flipped, fed to every
// request and response decoder of every supported version. Decoders must never throw (bad input
// surfaces only as the Reader's ProtocolError) and must never build more array elements than
// the input has bytes, i.e. no allocation driven by a length the input cannot back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiCodec, decodeRequestBody, readRequestFrame } from '../../src/protocol/frame.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { Reader } from '../../src/protocol/reader.js';
import { SUPPORTED_APIS } from '../../src/protocol/supported-apis.js';
import { Writer } from '../../src/protocol/writer.js';
import { sampleMessage } from './sample-message.js';

const RUNS = 40;
const versions = SUPPORTED_APIS.flatMap((api) =>
  Array.from({ length: api.maxVersion - api.minVersion + 1 }, (_, i) => ({ name: api.name, apiKey: api.apiKey, version: api.minVersion + i })),
);

type Side = 'Request' | 'Response';

function decode(apiKey: number, side: Side, version: number, bytes: Uint8Array): { reader: Reader; value: unknown } {
  const codec = apiCodec(apiKey);
  if (codec === undefined) throw new Error(`no codec ${apiKey}`);
  const reader = new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const value = side === 'Request' ? codec.decodeRequest(reader, version) : codec.decodeResponse(reader, version);
  return { reader, value };
}

function encodeSample(name: string, apiKey: number, side: Side, version: number): Buffer {
  const codec = apiCodec(apiKey);
  if (codec === undefined) throw new Error(`no codec ${apiKey}`);
  const message = sampleMessage(`${name}${side}`, version, 'values');
  const size = side === 'Request' ? codec.sizeRequest(message, version) : codec.sizeResponse(message, version);
  const writer = new Writer(Buffer.alloc(size));
  if (side === 'Request') codec.encodeRequest(writer, message, version);
  else codec.encodeResponse(writer, message, version);
  return writer.buf;
}

/** Total elements of every array in a decoded value. */
function arrayElements(value: unknown): number {
  if (Array.isArray(value)) return value.length + value.reduce((n: number, v) => n + arrayElements(v), 0);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.values(value).reduce((n: number, v) => n + arrayElements(v), 0);
  }
  return 0;
}

function expectContained({ reader, value }: { reader: Reader; value: unknown }, inputLength: number): void {
  if (reader.error !== null) expect(reader.error).toBeInstanceOf(ProtocolError);
  expect(reader.offset).toBeLessThanOrEqual(inputLength);
  expect(arrayElements(value)).toBeLessThanOrEqual(inputLength + 8);
}

describe.each(['Request', 'Response'] as Side[])('decode%s on hostile bytes', (side) => {
  it.each(versions)('$name v$version: random bytes', ({ apiKey, version }) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        expectContained(decode(apiKey, side, version, bytes), bytes.length);
      }),
      { numRuns: RUNS, seed: apiKey * 1000 + version },
    );
  });

  it.each(versions)('$name v$version: truncated and corrupted valid encodings', ({ name, apiKey, version }) => {
    const valid = encodeSample(name, apiKey, side, version);
    fc.assert(
      fc.property(
        fc.nat({ max: valid.length }),
        fc.array(fc.tuple(fc.nat({ max: Math.max(0, valid.length - 1) }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (cut, flips) => {
          const bytes = Buffer.from(valid.subarray(0, cut));
          for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
          const result = decode(apiKey, side, version, bytes);
          expectContained(result, bytes.length);
          // A cut valid encoding is always noticed (as TRUNCATED, or INVALID_LENGTH when a count no longer fits).
          if (cut < valid.length && flips.length === 0) expect(result.reader.error).not.toBeNull();
        },
      ),
      { numRuns: RUNS, seed: apiKey * 1000 + version + 1 },
    );
  });
});

describe('request frames on hostile bytes', () => {
  it('readRequestFrame + decodeRequestBody throw nothing but ProtocolError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...versions),
        fc.uint8Array({ maxLength: 64 }),
        ({ apiKey, version }, tail) => {
          const head = Buffer.from([apiKey >> 8, apiKey & 0xff, 0, version, 0, 0, 0, 1, 0, 1, 0x63]);
          try {
            decodeRequestBody(readRequestFrame(Buffer.concat([head, tail])));
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });

  it('an array count of 0x7fffffff in a real request is refused at once', () => {
    // Produce v7: null transactional id, acks -1, timeout, then a topic count of 2^31-1.
    const body = Buffer.from('ffff' + 'ffff' + '00007530' + '7fffffff' + '0001', 'hex');
    const reader = new Reader(body);
    const decoded = apiCodec(0)?.decodeRequest(reader, 7);
    expect(reader.error?.kind).toBe('INVALID_LENGTH');
    expect(decoded).toMatchObject({ topicData: [] });
  });
});
