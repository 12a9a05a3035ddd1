// The client against the real broker (src/broker), in this process on a free port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createClient, type Client } from '../../src/client/client.js';
import type { Consumer, ConsumedMessage } from '../../src/client/consumer.js';
import { KafkaClientError } from '../../src/client/errors.js';
import { partitionForKey } from '../../src/client/partitioner.js';
import { ErrorCode } from '../../src/protocol/index.js';

let broker: RunningBroker;
let client: Client;

beforeAll(async () => {
  broker = await startBroker({ port: 0, logLevel: 'silent' });
  client = createClient({ brokers: [broker.bootstrap], clientId: 'e2e', retry: { initialRetryTime: 10, retries: 5 } });
});

afterAll(async () => {
  await client?.close();
  await broker?.close();
});

async function take(consumer: Consumer, count: number): Promise<ConsumedMessage[]> {
  const taken: ConsumedMessage[] = [];
  for await (const message of consumer) {
    taken.push(message);
    if (taken.length === count) break;
  }
  return taken;
}

describe('client against the sluice broker', () => {
  it('produces 1000 keyed messages to 3 partitions and reads them back in per-key order', async () => {
    const admin = client.admin();
    await admin.createTopics([{ topic: 'keyed', numPartitions: 3 }]);
    const producer = client.producer();
    const messages = Array.from({ length: 1000 }, (_, i) => ({ key: `user-${i % 37}`, value: `${i}` }));
    const sent = await Promise.all([
      producer.send({ topic: 'keyed', messages: messages.slice(0, 500) }),
      producer.send({ topic: 'keyed', messages: messages.slice(500) }),
    ]);
    expect(sent.flat().reduce((sum, r) => sum + r.count, 0)).toBe(1000);

    const consumer = client.consumer({ maxWaitMs: 100 });
    consumer.assign([0, 1, 2].map((partition) => ({ topic: 'keyed', partition, offset: 'earliest' as const })));
    const received = await take(consumer, 1000);
    const byKey = new Map<string, number[]>();
    for (const message of received) {
      const key = message.key?.toString() as string;
      expect(message.partition).toBe(partitionForKey(Buffer.from(key), 3));
      byKey.set(key, [...(byKey.get(key) ?? []), Number(message.value?.toString())]);
    }
    expect(byKey.size).toBe(37);
    for (const values of byKey.values()) expect(values).toEqual([...values].sort((a, b) => a - b));
    const offsets = await admin.listOffsets('keyed', 'latest');
    expect(offsets.reduce((sum, p) => sum + p.offset, 0)).toBe(1000);
    await consumer.close();
  });

  it('round-trips gzip batches with headers and null keys', async () => {
    const producer = client.producer({ compression: 'gzip', lingerMs: 0 });
    await producer.send({ topic: 'zipped', messages: [{ value: 'one', headers: { h: 'x' } }, { value: null, key: 'tombstone' }] });
    const consumer = client.consumer();
    consumer.assign([{ topic: 'zipped', partition: 0, offset: 0 }]);
    const [first, second] = await take(consumer, 2);
    expect(first).toMatchObject({ offset: 0, key: null, value: Buffer.from('one'), headers: [{ key: 'h', value: Buffer.from('x') }] });
    expect(second).toMatchObject({ offset: 1, key: Buffer.from('tombstone'), value: null });
    await consumer.close();
  });

  it('seeks, and resets an out-of-range offset', async () => {
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 'seeking', messages: ['a', 'b', 'c', 'd'].map((value) => ({ value })) });
    const consumer = client.consumer({ autoOffsetReset: 'earliest' });
    consumer.assign([{ topic: 'seeking', partition: 0, offset: 3 }]);
    expect((await take(consumer, 1))[0].value?.toString()).toBe('d');
    consumer.seek('seeking', 0, 1);
    expect((await take(consumer, 2)).map((m) => m.value?.toString())).toEqual(['b', 'c']);
    consumer.seek('seeking', 0, 1000);
    expect((await take(consumer, 1))[0].offset).toBe(0);
    await consumer.close();

    const strict = client.consumer({ autoOffsetReset: 'none' });
    strict.assign([{ topic: 'seeking', partition: 0, offset: 1000 }]);
    await expect(take(strict, 1)).rejects.toMatchObject({ code: ErrorCode.OFFSET_OUT_OF_RANGE });
    await strict.close();
  });

  it('administers topics', async () => {
    const admin = client.admin();
    const [created] = await admin.createTopics([{ topic: 'admin-a', numPartitions: 2, configs: { 'retention.ms': '60000' } }]);
    expect(created).toMatchObject({ topic: 'admin-a', numPartitions: 2 });
    expect(created.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await expect(admin.createTopics([{ topic: 'admin-a' }])).rejects.toMatchObject({ type: 'TOPIC_ALREADY_EXISTS' });
    expect(await admin.listTopics()).toContain('admin-a');

    const [description] = await admin.describeTopics(['admin-a']);
    expect(description.topicId).toBe(created.topicId);
    expect(description.partitions.map((p) => p.partition)).toEqual([0, 1]);

    const [configs] = await admin.describeConfigs([{ type: 'topic', name: 'admin-a', keys: ['retention.ms'] }]);
    expect(configs.configs.find((c) => c.name === 'retention.ms')?.value).toBe('60000');

    await admin.createPartitions([{ topic: 'admin-a', count: 4 }]);
    expect((await admin.describeTopics(['admin-a']))[0].partitions).toHaveLength(4);

    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 'admin-a', messages: ['a', 'b', 'c'].map((value) => ({ value, partition: 0 })) });
    expect(await admin.deleteRecords('admin-a', [{ partition: 0, offset: 2 }])).toEqual([{ partition: 0, offset: 2 }]);
    expect((await admin.listOffsets('admin-a', 'earliest'))[0]).toEqual({ partition: 0, offset: 2 });

    await admin.deleteTopics(['admin-a']);
    expect(await admin.listTopics()).not.toContain('admin-a');
    const error = await admin.describeTopics(['admin-a']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaClientError);
    expect(error).toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });
});
