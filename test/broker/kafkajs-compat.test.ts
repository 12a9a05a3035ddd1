// kafkajs (the most used Node client) against an in-process broker: admin, producer with gzip
// and keys, the offsets it sees, and its group consumer reading everything back in order. The
// stored bytes are also read with raw Fetch requests and our decoder, partition by partition.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { partitionForKey } from '../../src/client/partitioner.js';
import { ApiKey, defaultFetchRequest } from '../../src/protocol/index.js';
import { decodeRecordBatches } from '../../src/records/index.js';
import { RawClient } from '../helpers/raw-client.js';

const require = createRequire(import.meta.url);
const { Kafka, CompressionTypes, ConfigResourceTypes, logLevel } = require('kafkajs') as typeof import('kafkajs');

let broker: RunningBroker;
let kafka: InstanceType<typeof Kafka>;

beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent', groupInitialRebalanceDelayMs: 50 });
  kafka = new Kafka({ clientId: 'compat', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
});
afterAll(async () => {
  await broker.close();
});

/** Every record of one partition, read with Fetch v11 from offset 0 to the end. */
async function readPartition(topic: string, partition: number): Promise<Array<{ key: string; value: string; offset: number }>> {
  const raw = await RawClient.connect(broker.port);
  const records: Array<{ key: string; value: string; offset: number }> = [];
  try {
    for (;;) {
      const response = await raw.request(ApiKey.Fetch, 11, {
        ...defaultFetchRequest(),
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 4 << 20,
        topics: [{ topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: records.length === 0 ? 0 : records[records.length - 1].offset + 1, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA' }] }],
      });
      const data = response.responses[0].partitions[0];
      const before = records.length;
      for (const batch of decodeRecordBatches(data.records ?? Buffer.alloc(0))) {
        for (const record of batch.records) records.push({ key: String(record.key), value: String(record.value), offset: record.offset });
      }
      if (records.length === before) return records;
    }
  } finally {
    raw.close();
  }
}

describe('kafkajs', () => {
  it('creates, lists and describes topics with the admin client', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })).toBe(true);
      expect(await admin.listTopics()).toContain('orders');
      const metadata = await admin.fetchTopicMetadata({ topics: ['orders'] });
      expect(metadata.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
      expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })).toBe(false);
    } finally {
      await admin.disconnect();
    }
  });

  it('produces 10,000 keyed gzip messages that land by murmur2 with per-key order kept', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'keyed', numPartitions: 3 }] });
    const producer = kafka.producer();
    await producer.connect();
    const keys = Array.from({ length: 50 }, (_, i) => `customer-${i}`);
    for (let round = 0; round < 20; round++) {
      const messages = Array.from({ length: 500 }, (_, i) => {
        const n = round * 500 + i;
        return { key: keys[n % keys.length], value: `event-${n}` };
      });
      await producer.send({ topic: 'keyed', compression: CompressionTypes.GZIP, acks: -1, messages });
    }
    const offsets = await admin.fetchTopicOffsets('keyed');
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(10_000);
    await producer.disconnect();
    await admin.disconnect();

    const seen = new Map<string, number>();
    let total = 0;
    for (let partition = 0; partition < 3; partition++) {
      const records = await readPartition('keyed', partition);
      total += records.length;
      for (const record of records) {
        expect(partitionForKey(Buffer.from(record.key), 3)).toBe(partition);
        const n = Number(record.value.slice('event-'.length));
        expect(n).toBeGreaterThan(seen.get(record.key) ?? -1);
        seen.set(record.key, n);
      }
    }
    expect(total).toBe(10_000);

    // kafkajs's own consumer, in a group, reads the same 10,000 back with per-key order kept.
    const consumer = kafka.consumer({ groupId: 'keyed-readers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'keyed', fromBeginning: true });
    const lastByKey = new Map<string, number>();
    let consumed = 0;
    let outOfOrder = 0;
    let misplaced = 0;
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = String(message.key);
        const n = Number(String(message.value).slice('event-'.length));
        if (n <= (lastByKey.get(key) ?? -1)) outOfOrder++;
        if (partitionForKey(Buffer.from(key), 3) !== partition) misplaced++;
        lastByKey.set(key, n);
        consumed++;
      },
    });
    await expect.poll(() => consumed, { timeout: 20_000 }).toBe(10_000);
    await consumer.disconnect();
    expect(outOfOrder).toBe(0);
    expect(misplaced).toBe(0);
  });

  it('describes configs with synonyms as Kafka does (kafkajs broker/describeConfigs)', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'configured' }] });
      const described = await admin.describeConfigs({
        includeSynonyms: true,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'configured', configNames: ['compression.type', 'retention.ms'] }],
      });
      expect(described.resources[0].configEntries).toEqual([
        { configName: 'compression.type', configValue: 'producer', isDefault: true, configSource: 5, isSensitive: false, readOnly: false, configSynonyms: [{ configName: 'compression.type', configValue: 'producer', configSource: 5 }] },
        { configName: 'retention.ms', configValue: '604800000', isDefault: true, configSource: 5, isSensitive: false, readOnly: false, configSynonyms: [] },
      ]);
    } finally {
      await admin.disconnect();
    }
  });

  it('sees earliest and latest offsets and deletes topics', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    await producer.connect();
    await admin.createTopics({ topics: [{ topic: 'short-lived', numPartitions: 1 }] });
    await producer.send({ topic: 'short-lived', messages: [{ value: 'a' }, { value: 'b' }] });
    expect(await admin.fetchTopicOffsets('short-lived')).toEqual([{ partition: 0, offset: '2', high: '2', low: '0' }]);
    await admin.deleteTopics({ topics: ['short-lived'] });
    expect(await admin.listTopics()).not.toContain('short-lived');
    await producer.disconnect();
    await admin.disconnect();
  });
});
