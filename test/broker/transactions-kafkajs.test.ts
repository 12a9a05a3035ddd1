// Transactions as kafkajs uses them, against sluice: commit, abort, sendOffsets, a second
// producer with the same transactional id fencing the first, and a read_committed kafkajs
// consumer (its default isolation) that sees only committed data, in order.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { ApiKey, defaultFetchRequest } from '../../src/protocol/index.js';
import { decodeRecordBatches } from '../../src/records/index.js';
import { RawClient } from '../helpers/raw-client.js';

const { Kafka, logLevel } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
type KafkaInstance = InstanceType<typeof Kafka>;

let broker: RunningBroker;
let kafka: KafkaInstance;

beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent', groupInitialRebalanceDelayMs: 0 });
  kafka = new Kafka({ clientId: 'txn', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: ['txn-a', 'txn-b', 'txn-offsets', 'txn-fenced'].map((topic) => ({ topic, numPartitions: 2 })) });
  await admin.disconnect();
});
afterAll(async () => {
  await broker.close();
});

function transactionalProducer(transactionalId: string) {
  return kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
}

/** What a read_committed kafkajs consumer of a new group reads from the start until it has `count` values (or waits `ms`). */
async function readCommitted(topics: string[], count: number, ms = 5000): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${Math.random()}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
  const deadline = Date.now() + ms;
  while (seen.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await consumer.disconnect();
  return seen;
}

/** Values of one partition as a read_uncommitted raw Fetch sees them, control batches left out. */
async function allValues(topic: string, partition: number): Promise<string[]> {
  const raw = await RawClient.connect(broker.port);
  try {
    const response = await raw.request(ApiKey.Fetch, 11, {
      ...defaultFetchRequest(),
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      topics: [{ topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA' }] }],
    });
    const records = response.responses[0].partitions[0].records ?? Buffer.alloc(0);
    return decodeRecordBatches(records).filter((b) => !b.isControl).flatMap((b) => b.records.map((r) => String(r.value)));
  } finally {
    raw.close();
  }
}

describe('kafkajs transactions', () => {
  it('commits and aborts: a read_committed consumer sees only the committed messages, in order', async () => {
    const producer = transactionalProducer('tx-commit-abort');
    await producer.connect();
    const committed = await producer.transaction();
    await committed.send({ topic: 'txn-a', messages: [{ value: 'c1', partition: 0 }, { value: 'c2', partition: 1 }] });
    await committed.send({ topic: 'txn-b', messages: [{ value: 'c3', partition: 0 }] });
    await committed.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic: 'txn-a', messages: [{ value: 'x1', partition: 0 }, { value: 'x2', partition: 1 }] });
    await aborted.abort();
    const later = await producer.transaction();
    await later.send({ topic: 'txn-a', messages: [{ value: 'c4', partition: 0 }] });
    await later.commit();
    await producer.disconnect();

    expect(await allValues('txn-a', 0)).toEqual(['c1', 'x1', 'c4']);
    const seen = await readCommitted(['txn-a', 'txn-b'], 4);
    expect([...seen].sort()).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(seen.indexOf('c1')).toBeLessThan(seen.indexOf('c4'));
  });

  it('commits consumed offsets with sendOffsets only when the transaction commits', async () => {
    const producer = transactionalProducer('tx-offsets');
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    const aborted = await producer.transaction();
    await aborted.send({ topic: 'txn-offsets', messages: [{ value: 'o1', partition: 0 }] });
    await aborted.sendOffsets({ consumerGroupId: 'offset-group', topics: [{ topic: 'txn-offsets', partitions: [{ partition: 0, offset: '7' }] }] });
    await aborted.abort();
    expect((await admin.fetchOffsets({ groupId: 'offset-group', topics: ['txn-offsets'] }))[0].partitions.find((p) => p.partition === 0)?.offset).toBe('-1');
    const committed = await producer.transaction();
    await committed.send({ topic: 'txn-offsets', messages: [{ value: 'o2', partition: 0 }] });
    await committed.sendOffsets({ consumerGroupId: 'offset-group', topics: [{ topic: 'txn-offsets', partitions: [{ partition: 0, offset: '9' }] }] });
    await committed.commit();
    expect((await admin.fetchOffsets({ groupId: 'offset-group', topics: ['txn-offsets'] }))[0].partitions.find((p) => p.partition === 0)?.offset).toBe('9');
    await admin.disconnect();
    await producer.disconnect();
  });

  it('fences the older of two producers with one transactional id, and aborts what it left open', async () => {
    const first = transactionalProducer('tx-fenced');
    await first.connect();
    const open = await first.transaction();
    await open.send({ topic: 'txn-fenced', messages: [{ value: 'zombie', partition: 0 }] });
    const second = transactionalProducer('tx-fenced');
    await second.connect();
    // kafkajs calls InitProducerId when the first transaction begins.
    const fresh = await second.transaction();
    await expect(open.send({ topic: 'txn-fenced', messages: [{ value: 'late', partition: 0 }] }).then(() => open.commit())).rejects.toThrow();
    await fresh.send({ topic: 'txn-fenced', messages: [{ value: 'winner', partition: 0 }] });
    await fresh.commit();
    await second.disconnect();
    await first.disconnect().catch(() => undefined);
    expect(await readCommitted(['txn-fenced'], 1, 3000)).toEqual(['winner']);
  });
});
