// Spliced frames: records fields from the splice threshold on are left out of the frame's buffer
// and written as pieces of their own. The pieces, joined, must be the very bytes of the one-buffer
// frame, in every version, and the spliced pieces must be the records Buffers themselves.
import { describe, expect, it } from 'vitest';
import {
  API_CODECS,
  ApiKey,
  defaultFetchResponse,
  defaultProduceRequest,
  encodeRequestFrame,
  encodeRequestFramePieces,
  encodeResponseFrame,
  encodeResponseFramePieces,
  Writer,
  type FetchResponse,
  type ProduceRequest,
} from '../../src/protocol/index.js';

const SPLICE_FROM = 1000;
const filled = (length: number, byte: number): Buffer => Buffer.alloc(length, byte);
const big = [filled(1000, 1), filled(5000, 2), filled(1500, 3)];
const small = [filled(999, 4), Buffer.alloc(0)];

function fetchResponse(): FetchResponse {
  const response = defaultFetchResponse();
  const partition = (partitionIndex: number, records: Buffer | null) => ({ ...partitionDefaults(), partitionIndex, records });
  response.responses = [
    { topic: 'a', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: [partition(0, big[0]), partition(1, small[0]), partition(2, null)] },
    { topic: 'b', topicId: 'AAAAAAAAAAAAAAAAAAAAAg', partitions: [partition(0, big[1]), partition(1, small[1]), partition(2, big[2])] },
  ] as FetchResponse['responses'];
  return response;
}

function partitionDefaults() {
  return { errorCode: 0, highWatermark: 10, lastStableOffset: 10, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1, divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: -1, leaderEpoch: -1 }, snapshotId: { endOffset: -1, epoch: -1 } };
}

function produceRequest(): ProduceRequest {
  const request = defaultProduceRequest();
  request.acks = -1;
  request.timeoutMs = 1000;
  request.topicData = [
    { name: 'a', partitionData: [{ index: 0, records: big[0] }, { index: 1, records: small[0] }] },
    { name: 'b', partitionData: [{ index: 0, records: big[1] }, { index: 1, records: big[2] }] },
  ];
  return request;
}

const versions = (apiKey: ApiKey): number[] => {
  const codec = API_CODECS[apiKey];
  return Array.from({ length: codec.maxVersion - codec.minVersion + 1 }, (_, i) => codec.minVersion + i);
};

describe('spliced frames', () => {
  it.each(versions(ApiKey.Fetch))('Fetch response v%i: pieces join to the one-buffer frame; big records are pieces as they are', (version) => {
    const body = fetchResponse();
    const pieces = encodeResponseFramePieces(ApiKey.Fetch, version, 7, body, SPLICE_FROM);
    expect(Buffer.concat(pieces).equals(encodeResponseFrame(ApiKey.Fetch, version, 7, body))).toBe(true);
    for (const records of big) expect(pieces).toContain(records);
    for (const records of small) expect(pieces.includes(records)).toBe(false);
  });

  it.each(versions(ApiKey.Produce))('Produce request v%i: pieces join to the one-buffer frame', (version) => {
    const body = produceRequest();
    const pieces = encodeRequestFramePieces(ApiKey.Produce, version, 9, 'client', body, SPLICE_FROM);
    expect(Buffer.concat(pieces).equals(encodeRequestFrame(ApiKey.Produce, version, 9, 'client', body))).toBe(true);
    expect(pieces.filter((piece) => big.includes(piece))).toEqual(big);
  });

  it('a message without records, or below the threshold, is one piece', () => {
    expect(encodeResponseFramePieces(ApiKey.Fetch, 12, 1, defaultFetchResponse(), SPLICE_FROM)).toHaveLength(1);
    expect(encodeResponseFramePieces(ApiKey.Fetch, 12, 1, fetchResponse(), 10_000)).toHaveLength(1);
  });

  it('counts spliced bytes toward the size check', () => {
    const writer = new Writer(Buffer.alloc(8), 0, 4);
    writer.records(filled(10, 9), false);
    expect(() => writer.finish(14)).not.toThrow();
    expect(() => writer.finish(4)).toThrow(/wrote 14 byte/);
    expect(Buffer.concat(writer.pieces())).toEqual(Buffer.concat([Buffer.from([0, 0, 0, 10]), filled(10, 9)]));
  });
});
