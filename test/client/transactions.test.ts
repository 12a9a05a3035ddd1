// Our client's transactions against sluice: a consume-transform-produce loop whose output and
// consumed offsets commit together, a transaction that throws and is aborted (its output never
// reaches a read_committed reader, its offsets are not committed), and a producer fenced by a
// newer one of its transactional id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createClient, ProducerFencedError, type Client, type ConsumedMessage } from '../../src/client/index.js';

let broker: RunningBroker;
let client: Client;

beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent', groupInitialRebalanceDelayMs: 0 });
  client = createClient({ brokers: [broker.bootstrap], clientId: 'txn-client', retry: { retries: 5, initialRetryTime: 20 } });
  await client.admin().createTopics([{ topic: 'in', numPartitions: 1 }, { topic: 'out', numPartitions: 2 }, { topic: 'fenced', numPartitions: 1 }]);
  const producer = client.producer({ idempotent: false, acks: 1 });
  await producer.send({ topic: 'in', messages: Array.from({ length: 6 }, (_, i) => ({ value: `in-${i}` })) });
  await producer.close();
});
afterAll(async () => {
  await client.close();
  await broker.close();
});

/** The values a read_committed consumer finds in the topic, once it has `expected` of them (or after 2 s). */
async function committedValues(topic: string, partitions: number, expected: number): Promise<string[]> {
  const reader = client.consumer({ isolationLevel: 'read_committed', maxWaitMs: 50 });
  reader.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 'earliest' as const })));
  const values: string[] = [];
  const deadline = Date.now() + 2000;
  const iterator = reader[Symbol.asyncIterator]();
  const stop = setTimeout(() => void reader.close(), 2000);
  for (let next = await iterator.next(); !next.done && Date.now() < deadline; next = await iterator.next()) {
    values.push(String((next.value as ConsumedMessage).value));
    if (values.length === expected) break;
  }
  clearTimeout(stop);
  await reader.close();
  return values.sort();
}

describe('transactions with our client', () => {
  it('commits the output of a consume-transform-produce loop with the consumed offsets, and aborts a transaction that throws', async () => {
    const consumer = client.consumer({ groupId: 'transformers', autoOffsetReset: 'earliest', autoCommit: false, maxWaitMs: 50 });
    consumer.subscribe(['in']);
    const producer = client.producer({ transactionalId: 'transformer-1' });
    const iterator = consumer[Symbol.asyncIterator]();
    for (let round = 0; round < 3; round++) {
      const batch: ConsumedMessage[] = [];
      while (batch.length < 2) batch.push((await iterator.next()).value as ConsumedMessage);
      const work = producer.transaction(async (tx) => {
        await tx.send({ topic: 'out', messages: batch.map((m) => ({ value: String(m.value).replace('in', 'out') })) });
        await tx.sendOffsets(consumer.groupMetadata(), [{ topic: 'in', partition: 0, offset: batch[1].offset + 1 }]);
        if (round === 1) throw new Error('transform failed');
      });
      if (round === 1) await expect(work).rejects.toThrow('transform failed');
      else await work;
    }
    await consumer.close();
    await producer.close();
    expect(await committedValues('out', 2, 4)).toEqual(['out-0', 'out-1', 'out-4', 'out-5']);
    const [committed] = await client.admin().fetchOffsets('transformers');
    expect(committed).toMatchObject({ topic: 'in', partition: 0, offset: 6 });
  });

  it('refuses sends outside a transaction on a transactional producer', async () => {
    const producer = client.producer({ transactionalId: 'strict' });
    await expect(producer.send({ topic: 'out', messages: [{ value: 'x' }] })).rejects.toThrow(/inside producer.transaction/);
    await producer.close();
  });

  it('fences the older of two producers of one transactional id with ProducerFencedError', async () => {
    const older = client.producer({ transactionalId: 'twins' });
    await older.transaction(async (tx) => void (await tx.send({ topic: 'fenced', messages: [{ value: 'first' }] })));
    const newer = client.producer({ transactionalId: 'twins' });
    await newer.connect();
    await expect(older.transaction(async (tx) => void (await tx.send({ topic: 'fenced', messages: [{ value: 'zombie' }] })))).rejects.toBeInstanceOf(ProducerFencedError);
    await newer.transaction(async (tx) => void (await tx.send({ topic: 'fenced', messages: [{ value: 'second' }] })));
    await Promise.allSettled([older.close(), newer.close()]);
    expect(await committedValues('fenced', 1, 2)).toEqual(['first', 'second']);
  });
});
