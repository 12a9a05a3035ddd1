// The transaction coordinator on a broker's real logs and groups: Kafka's answers to each state,
// KIP-360's producer checks, the timeout abort, and a transaction caught between the markers of
// its two partitions by a crash, finished when the broker opens again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProducerIdAllocator } from '../../src/group/producer-ids.js';
import { TransactionCoordinator } from '../../src/group/txn-coordinator.js';
import type { TransactionEnds } from '../../src/group/txn-completion.js';
import { transactionEnds } from '../../src/broker/transaction-ends.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { openTestBroker, type TestBroker } from '../broker/handlers/context.js';
import { pino } from 'pino';
import { jsHotPath } from '../helpers/backends.js';

let broker: TestBroker;
beforeEach(async () => {
  broker = await openTestBroker();
  await broker.registry.create('a', 1);
  await broker.registry.create('b', 1);
});
afterEach(async () => {
  await broker.close();
});

/** A transactional batch of `producer` on a partition: what the client writes before EndTxn. */
async function writeInTransaction(topic: string, producer: { producerId: number; epoch: number }, sequence = 0): Promise<void> {
  const records = [{ key: null, value: Buffer.from(`${topic}-${sequence}`), headers: [], timestamp: Date.now() }];
  const batch = jsHotPath.encodeBatch(records, { baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0x10, baseTimestamp: Date.now(), producerId: producer.producerId, producerEpoch: producer.epoch, baseSequence: sequence });
  await broker.registry.get(topic)?.logs[0].append(batch);
}

async function init(id: string, timeoutMs = 60_000, expected: { producerId: number; epoch: number } | null = null): Promise<{ producerId: number; epoch: number }> {
  const result = await broker.transactions.initProducerId(id, timeoutMs, expected);
  if (!('value' in result)) throw new Error(`InitProducerId failed with ${result.errorCode}`);
  return result.value;
}

const log = (topic: string) => broker.registry.get(topic)?.logs[0];

describe('the transaction coordinator', () => {
  it('bumps the epoch on every InitProducerId and answers a retry of the last one again (KIP-360)', async () => {
    const first = await init('bump');
    const second = await init('bump', 60_000, first);
    expect(second).toEqual({ producerId: first.producerId, epoch: first.epoch + 1 });
    // The same request again (its answer was lost): the same answer.
    expect(await init('bump', 60_000, first)).toEqual(second);
    expect(await broker.transactions.initProducerId('bump', 60_000, { producerId: first.producerId + 99, epoch: 0 })).toEqual({ errorCode: ErrorCode.PRODUCER_FENCED });
    expect(await broker.transactions.initProducerId('bump', 900_001, null)).toEqual({ errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT });
    expect(await broker.transactions.initProducerId('', 1000, null)).toEqual({ errorCode: ErrorCode.INVALID_REQUEST });
  });

  it('answers each state as Kafka does', async () => {
    const producer = await init('states');
    const stale = { ...producer, epoch: producer.epoch - 1 };
    expect(await broker.transactions.endTransaction('states', producer, true)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await broker.transactions.addPartitions('nobody', producer, [{ topic: 'a', partition: 0 }])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await broker.transactions.addPartitions('states', stale, [{ topic: 'a', partition: 0 }])).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await broker.transactions.addPartitions('states', producer, [{ topic: 'a', partition: 0 }])).toBe(ErrorCode.NONE);
    expect(broker.transactions.get('states')?.state).toBe('Ongoing');
    await writeInTransaction('a', producer);
    expect(await broker.transactions.endTransaction('states', producer, true)).toBe(ErrorCode.NONE);
    expect(broker.transactions.get('states')).toMatchObject({ state: 'CompleteCommit', partitions: [] });
    expect(await broker.transactions.endTransaction('states', producer, true)).toBe(ErrorCode.NONE);
    expect(await broker.transactions.endTransaction('states', producer, false)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(log('a')?.lastStableOffset).toBe(log('a')?.logEndOffset);
  });

  it('aborts a transaction open past its timeout and fences its producer', async () => {
    const producer = await init('slow', 1000);
    await broker.transactions.addPartitions('slow', producer, [{ topic: 'a', partition: 0 }]);
    await writeInTransaction('a', producer);
    expect(log('a')?.lastStableOffset).toBe(0);
    await broker.transactions.abortTimedOut(Date.now() + 1500);
    expect(broker.transactions.get('slow')).toMatchObject({ state: 'CompleteAbort', producerEpoch: producer.epoch + 1 });
    expect(log('a')?.lastStableOffset).toBe(log('a')?.logEndOffset);
    expect(log('a')?.abortedTransactions(0, 10)).toHaveLength(1);
    expect(await broker.transactions.endTransaction('slow', producer, true)).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('finishes, when it opens again, a transaction a crash caught between the markers of its partitions', async () => {
    const producer = await init('crash');
    await broker.transactions.addPartitions('crash', producer, [{ topic: 'a', partition: 0 }, { topic: 'b', partition: 0 }]);
    await writeInTransaction('a', producer);
    await writeInTransaction('b', producer);
    // A coordinator whose second marker never lands, as if the process died there.
    await broker.transactions.close();
    const real = transactionEnds(broker.registry, () => broker.groups);
    let markers = 0;
    const dying: TransactionEnds = { ...real, writeMarker: async (...args) => (++markers === 2 ? new Promise<boolean>(() => undefined) : real.writeMarker(...args)) };
    const doomed = await TransactionCoordinator.open(broker.dataDir, ProducerIdAllocator.open(broker.dataDir), dying, pino({ level: 'silent' }));
    void doomed.endTransaction('crash', producer, true);
    await expect.poll(() => markers).toBe(2);
    expect([log('a')?.lastStableOffset === log('a')?.logEndOffset, log('b')?.lastStableOffset === log('b')?.logEndOffset].filter(Boolean)).toHaveLength(1);
    expect(doomed.get('crash')?.state).toBe('PrepareCommit');

    broker.transactions = await TransactionCoordinator.open(broker.dataDir, ProducerIdAllocator.open(broker.dataDir), real, pino({ level: 'silent' }));
    expect(broker.transactions.get('crash')?.state).toBe('CompleteCommit');
    for (const topic of ['a', 'b']) {
      expect(log(topic)?.lastStableOffset).toBe(log(topic)?.logEndOffset);
      expect(log(topic)?.abortedTransactions(0, 100)).toEqual([]);
    }
  });

  it('stages offsets until the transaction commits, and drops them when it aborts', async () => {
    const producer = await init('offsets');
    const commit = (offset: number) => [{ topic: 'a', partitions: [{ partition: 0, offset, leaderEpoch: -1, metadata: null }] }];
    const who = { generationId: -1, memberId: '', groupInstanceId: null };
    for (const [offset, outcome] of [[5, false], [8, true]] as const) {
      await broker.transactions.addOffsets('offsets', producer, 'g');
      await broker.groups.stageTransactionalOffsets('g', producer.producerId, who, commit(offset), () => true);
      expect(broker.groups.hasPendingOffset('g', 'a', 0)).toBe(true);
      await broker.transactions.endTransaction('offsets', producer, outcome);
      expect(broker.groups.hasPendingOffset('g', 'a', 0)).toBe(false);
    }
    expect(broker.groups.fetchOffsets('g', [{ topic: 'a', partitions: [0] }])[0].partitions[0].offset).toBe(8);
  });
});
