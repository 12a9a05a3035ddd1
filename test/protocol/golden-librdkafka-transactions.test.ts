// Golden bytes of librdkafka's transaction requests (test/fixtures/protocol/
// librdkafka-transaction-requests.json, recorded by scripts/capture-librdkafka-transactions.ts
// from confluent-kafka against sluice): our decoder yields the values written by hand from the
// client's inputs, and our encoder gives back the identical frames, classic and flexible alike.
import { describe, expect, it } from 'vitest';
import { decodeRequestBody, encodeRequestFrame, readRequestFrame } from '../../src/protocol/frame.js';
import type { ApiKey } from '../../src/protocol/generated/index.js';
import { fromJsonSafe, loadFixture, type GoldenRequest } from './golden.js';

const fixture = loadFixture<{ librdkafkaVersion: string; requests: GoldenRequest[] }>('librdkafka-transaction-requests.json');
const frameOf = (golden: GoldenRequest): Buffer => Buffer.from(golden.frameHex, 'hex').subarray(4);

describe(`golden transaction requests from librdkafka ${fixture.librdkafkaVersion}`, () => {
  it('covers the transaction APIs librdkafka sends', () => {
    expect(fixture.requests.map((r) => r.name.split(' ')[0])).toEqual(['InitProducerId', 'AddPartitionsToTxn', 'AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn']);
  });

  it.each(fixture.requests)('$name decodes to the expected value, consuming every byte', (golden) => {
    const parsed = readRequestFrame(frameOf(golden));
    expect(parsed.header).toMatchObject({ requestApiKey: golden.apiKey, requestApiVersion: golden.apiVersion, correlationId: golden.correlationId });
    expect(decodeRequestBody(parsed).body).toMatchObject(fromJsonSafe(golden.expected) as object);
    expect(parsed.body.remaining).toBe(0);
  });

  it.each(fixture.requests)('$name re-encodes to the identical bytes', (golden) => {
    const body = decodeRequestBody(readRequestFrame(frameOf(golden))).body;
    expect(encodeRequestFrame(golden.apiKey as ApiKey, golden.apiVersion, golden.correlationId, golden.clientId, body as never).toString('hex')).toBe(golden.frameHex);
  });
});
