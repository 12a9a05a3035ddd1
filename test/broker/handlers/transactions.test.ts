// What the transaction handlers answer older clients: PRODUCER_FENCED is INVALID_PRODUCER_EPOCH
// before the versions that know it (kafkajs speaks EndTxn v1 and AddOffsetsToTxn v1, and reads
// error 90 as unknown), as Kafka's KafkaApis maps it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProducerIdHandler } from '../../../src/broker/handlers/producer-id.js';
import { addOffsetsToTxnHandler, addPartitionsToTxnHandler, endTxnHandler } from '../../../src/broker/handlers/transactions.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { defaultAddOffsetsToTxnRequest } from '../../../src/protocol/generated/add-offsets-to-txn.js';
import { defaultAddPartitionsToTxnRequest } from '../../../src/protocol/generated/add-partitions-to-txn.js';
import { defaultEndTxnRequest } from '../../../src/protocol/generated/end-txn.js';
import { defaultInitProducerIdRequest } from '../../../src/protocol/generated/init-producer-id.js';
import { openTestBroker, type TestBroker } from './context.js';

let broker: TestBroker;
let fenced: { producerId: number; producerEpoch: number };
beforeEach(async () => {
  broker = await openTestBroker();
  await broker.registry.create('orders', 1);
  const init = async () => (await initProducerIdHandler({ ...defaultInitProducerIdRequest(), transactionalId: 'tx', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 }, broker.context(4)))!;
  const first = await init();
  await init(); // bumps the epoch: the first producer is fenced
  fenced = { producerId: first.producerId, producerEpoch: first.producerEpoch };
});
afterEach(async () => {
  await broker.close();
});

describe('a fenced producer', () => {
  it.each([
    [1, ErrorCode.INVALID_PRODUCER_EPOCH],
    [2, ErrorCode.PRODUCER_FENCED],
  ])('EndTxn v%i answers %i', async (version, expected) => {
    const response = await endTxnHandler({ ...defaultEndTxnRequest(), transactionalId: 'tx', ...fenced, committed: true }, broker.context(version));
    expect(response?.errorCode).toBe(expected);
  });

  it.each([
    [1, ErrorCode.INVALID_PRODUCER_EPOCH],
    [2, ErrorCode.PRODUCER_FENCED],
  ])('AddOffsetsToTxn v%i answers %i', async (version, expected) => {
    const response = await addOffsetsToTxnHandler({ ...defaultAddOffsetsToTxnRequest(), transactionalId: 'tx', ...fenced, groupId: 'g' }, broker.context(version));
    expect(response?.errorCode).toBe(expected);
  });

  it.each([
    [1, ErrorCode.INVALID_PRODUCER_EPOCH],
    [3, ErrorCode.PRODUCER_FENCED],
  ])('AddPartitionsToTxn v%i answers %i', async (version, expected) => {
    const request = { ...defaultAddPartitionsToTxnRequest(), v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: fenced.producerId, v3AndBelowProducerEpoch: fenced.producerEpoch, v3AndBelowTopics: [{ name: 'orders', partitions: [0] }] };
    const response = await addPartitionsToTxnHandler(request, broker.context(version));
    expect(response?.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).toBe(expected);
  });

  it.each([
    [3, ErrorCode.INVALID_PRODUCER_EPOCH],
    [4, ErrorCode.PRODUCER_FENCED],
  ])('InitProducerId v%i naming a stale producer answers %i', async (version, expected) => {
    const response = await initProducerIdHandler({ ...defaultInitProducerIdRequest(), transactionalId: 'tx', transactionTimeoutMs: 60_000, producerId: fenced.producerId + 99, producerEpoch: 0 }, broker.context(version));
    expect(response?.errorCode).toBe(expected);
  });
});
