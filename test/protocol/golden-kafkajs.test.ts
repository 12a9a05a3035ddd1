// Golden bytes from kafkajs (test/fixtures/protocol/kafkajs-requests.json, captured by
// scripts/capture-kafkajs-requests.ts): our decoder turns each frame into the expected value,
// and our encoder turns that value back into the identical frame.
import { describe, expect, it } from 'vitest';
import { decodeRecordBatches } from '../../src/records/decode.js';
import { decodeRequestBody, encodeRequestFrame, readRequestFrame } from '../../src/protocol/frame.js';
import type { ApiKey, ProduceRequest } from '../../src/protocol/generated/index.js';
import { CLIENT_ID, PRODUCE_RECORDS, fromJsonSafe, loadFixture, type GoldenRequest } from './golden.js';

const fixture = loadFixture<{ kafkajsVersion: string; requests: GoldenRequest[] }>('kafkajs-requests.json');

describe(`golden request frames from kafkajs ${fixture.kafkajsVersion}`, () => {
  it('covers the versions kafkajs actually sends', () => {
    expect(fixture.requests.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'ApiVersions v2', 'Metadata v6', 'Produce v7', 'Fetch v11', 'ListOffsets v3', 'CreateTopics v3',
        'JoinGroup v5', 'SyncGroup v3', 'OffsetCommit v5', 'OffsetFetch v4', 'Heartbeat v3', 'FindCoordinator v2',
        'FindCoordinator v2 transaction', 'InitProducerId v1', 'AddPartitionsToTxn v1', 'AddOffsetsToTxn v1', 'TxnOffsetCommit v1', 'EndTxn v1',
      ]),
    );
  });

  it.each(fixture.requests)('$name decodes to the expected value', (golden) => {
    const frame = Buffer.from(golden.frameHex, 'hex');
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);

    const parsed = readRequestFrame(frame.subarray(4));
    expect(parsed.headerVersion).toBe(1);
    expect(parsed.header).toEqual({
      requestApiKey: golden.apiKey,
      requestApiVersion: golden.apiVersion,
      correlationId: golden.correlationId,
      clientId: CLIENT_ID,
    });
    const decoded = decodeRequestBody(parsed);
    expect(decoded.apiKey).toBe(golden.apiKey);
    expect(decoded.body).toEqual(fromJsonSafe(golden.expected));
    expect(parsed.body.remaining).toBe(0);
  });

  it.each(fixture.requests)('$name re-encodes to the identical bytes', (golden) => {
    const body = fromJsonSafe(golden.expected);
    const frame = encodeRequestFrame(golden.apiKey as ApiKey, golden.apiVersion, golden.correlationId, golden.clientId, body as never);
    expect(frame.toString('hex')).toBe(golden.frameHex);
  });

  it('Produce v7 carries the record batch kafkajs built, readable by src/records', () => {
    const golden = fixture.requests.find((r) => r.name === 'Produce v7');
    if (golden === undefined) throw new Error('Produce v7 fixture missing');
    const decoded = decodeRequestBody(readRequestFrame(Buffer.from(golden.frameHex, 'hex').subarray(4)));
    const records = (decoded.body as ProduceRequest).topicData[0].partitionData[0].records;
    if (records === null) throw new Error('records are null');

    const [batch] = decodeRecordBatches(records);
    expect(batch.records.map((r) => r.key?.toString() ?? null)).toEqual(PRODUCE_RECORDS.map((r) => r.key));
    expect(batch.records.map((r) => r.value?.toString())).toEqual(PRODUCE_RECORDS.map((r) => r.value));
    expect(batch.records.map((r) => r.timestamp)).toEqual(PRODUCE_RECORDS.map((r) => r.timestamp));
    expect(batch.records[0].headers.map((h) => [h.key, h.value?.toString()])).toEqual([['source', 'web']]);
  });
});
