import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import { Cluster } from '../../src/client/cluster.js';
import { estimateRecordBytes } from '../../src/client/accumulator.js';
import { partitionForKey } from '../../src/client/partitioner.js';
import { Producer } from '../../src/client/producer.js';
import { ApiKey, ErrorCode, defaultProduceResponse, type ProduceRequest } from '../../src/protocol/index.js';
import { decodeRecordBatches } from '../../src/records/index.js';
import { FakeBroker, until, type ReceivedRequest } from './fake-broker.js';

let broker: FakeBroker;
let client: Client;
const fastRetry = { initialRetryTime: 1, retries: 3 };

beforeEach(async () => {
  broker = await FakeBroker.start();
  client = createClient({ brokers: [broker.bootstrap], clientId: 'producer-test', retry: fastRetry });
});

afterEach(async () => {
  await client.close();
  await broker.close();
});

/** The records the broker stored for a partition, as strings. */
function stored(topic: string, partition: number): string[] {
  const batches = broker.topics.get(topic)?.partitions[partition] ?? [];
  return batches.flatMap((b) => decodeRecordBatches(b.bytes)[0].records.map((r) => r.value?.toString() ?? 'null'));
}

function produceRequests(): Array<ReceivedRequest & { body: ProduceRequest }> {
  return broker.requestsOf(ApiKey.Produce) as Array<ReceivedRequest & { body: ProduceRequest }>;
}

/** A Produce answer giving every partition of the request the same error. */
function failAll(request: ReceivedRequest, errorCode: number) {
  const body = request.body as ProduceRequest;
  return {
    respond: {
      ...defaultProduceResponse(),
      responses: body.topicData.map((t) => ({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } })),
      })),
    },
  };
}

describe('Producer', () => {
  it('puts keyed messages on murmur2 partitions and reports per-partition base offsets', async () => {
    broker.createTopic('keys', 3);
    const producer = client.producer({ lingerMs: 0 });
    const messages = Array.from({ length: 30 }, (_, i) => ({ key: `key-${i % 7}`, value: `v${i}` }));
    const result = await producer.send({ topic: 'keys', messages });
    for (const message of messages) {
      const partition = partitionForKey(Buffer.from(message.key), 3);
      expect(stored('keys', partition)).toContain(message.value);
    }
    expect(result.reduce((sum, r) => sum + r.count, 0)).toBe(30);
    expect(result.every((r) => r.baseOffset === 0 && r.topic === 'keys')).toBe(true);
    const second = await producer.send({ topic: 'keys', messages: [{ key: 'key-0', value: 'again' }] });
    const partition = partitionForKey(Buffer.from('key-0'), 3);
    expect(second).toEqual([{ topic: 'keys', partition, baseOffset: stored('keys', partition).length - 1, count: 1, logAppendTime: -1 }]);
  });

  it('gathers concurrent sends to a partition into one batch until linger or flush', async () => {
    broker.createTopic('t', 1);
    const cluster = new Cluster({ brokers: [broker.bootstrap], retry: fastRetry });
    const producer = new Producer(cluster, { lingerMs: 60_000 });
    await producer.connect();
    await cluster.topic('t');
    const sends = ['a', 'b', 'c'].map((value) => producer.send({ topic: 't', messages: [{ value }] }));
    await new Promise((resolve) => setImmediate(resolve)); // the sends have appended (metadata is cached)
    expect(produceRequests()).toHaveLength(0);
    await producer.flush();
    const results = await Promise.all(sends);
    expect(results.map((r) => r[0].baseOffset)).toEqual([0, 1, 2]);
    expect(produceRequests()).toHaveLength(1);
    expect(stored('t', 0)).toEqual(['a', 'b', 'c']);
    await producer.close();
  });

  it('sends a batch as soon as it reaches batch.size', async () => {
    broker.createTopic('t', 1);
    const record = { value: 'x'.repeat(50) };
    const producer = client.producer({ lingerMs: 60_000, batchSize: 61 + 10 * estimateRecordBytes(record) });
    const result = await producer.send({ topic: 't', messages: Array.from({ length: 20 }, () => record) });
    expect(result).toEqual([{ topic: 't', partition: 0, baseOffset: 0, count: 20, logAppendTime: -1 }]);
    const batches = produceRequests().map((r) => decodeRecordBatches(r.body.topicData[0].partitionData[0].records as Buffer)[0].records.length);
    expect(batches).toEqual([10, 10]);
  });

  it('keeps the order of a partition across many batches', async () => {
    broker.createTopic('t', 1);
    const producer = client.producer({ lingerMs: 0, batchSize: 200 });
    const values = Array.from({ length: 100 }, (_, i) => `m${i}`);
    await Promise.all(values.map((value) => producer.send({ topic: 't', messages: [{ value }] })));
    expect(stored('t', 0)).toEqual(values);
  });

  it('retries a retriable error after refreshing metadata', async () => {
    broker.createTopic('t', 1);
    let failures = 1;
    broker.intercept = (request) => (request.apiKey === ApiKey.Produce && failures-- > 0 ? failAll(request, ErrorCode.NOT_LEADER_OR_FOLLOWER) : undefined);
    const producer = client.producer({ lingerMs: 0 });
    const result = await producer.send({ topic: 't', messages: [{ value: 'once' }] });
    expect(result[0].baseOffset).toBe(0);
    expect(produceRequests()).toHaveLength(2);
    expect(broker.requestsOf(ApiKey.Metadata).length).toBeGreaterThanOrEqual(2);
    expect(stored('t', 0)).toEqual(['once']);
  });

  it('sends again when the connection drops before the answer', async () => {
    broker.createTopic('t', 1);
    let drops = 1;
    broker.intercept = (request) => (request.apiKey === ApiKey.Produce && drops-- > 0 ? 'close' : undefined);
    const producer = client.producer({ lingerMs: 0 });
    const result = await producer.send({ topic: 't', messages: [{ value: 'persistent' }] });
    expect(result[0].baseOffset).toBe(0);
    expect(produceRequests()).toHaveLength(2);
    expect(broker.connections).toBe(2);
  });

  it('waits for an auto-created topic to get its leaders', async () => {
    broker.autoCreatePartitions = 2;
    const producer = client.producer({ lingerMs: 0 });
    const result = await producer.send({ topic: 'fresh', messages: [{ value: 'first', partition: 1 }] });
    expect(result).toEqual([{ topic: 'fresh', partition: 1, baseOffset: 0, count: 1, logAppendTime: -1 }]);
    const metadata = broker.requestsOf(ApiKey.Metadata);
    expect(metadata.length).toBeGreaterThanOrEqual(2);
    expect(metadata[0].body).toMatchObject({ allowAutoTopicCreation: true });
  });

  it('fails at once on an error that is not retriable', async () => {
    broker.createTopic('t', 1);
    broker.intercept = (request) => (request.apiKey === ApiKey.Produce ? failAll(request, ErrorCode.MESSAGE_TOO_LARGE) : undefined);
    const producer = client.producer({ lingerMs: 0 });
    await expect(producer.send({ topic: 't', messages: [{ value: 'big' }] })).rejects.toMatchObject({
      name: 'KafkaClientError',
      code: ErrorCode.MESSAGE_TOO_LARGE,
      type: 'MESSAGE_TOO_LARGE',
      retriable: false,
      topic: 't',
      partition: 0,
    });
    expect(produceRequests()).toHaveLength(1);
  });

  it('gives up on a retriable error after the configured retries', async () => {
    broker.createTopic('t', 1);
    broker.intercept = (request) => (request.apiKey === ApiKey.Produce ? failAll(request, ErrorCode.NOT_ENOUGH_REPLICAS) : undefined);
    const producer = client.producer({ lingerMs: 0 });
    await expect(producer.send({ topic: 't', messages: [{ value: 'x' }] })).rejects.toMatchObject({ type: 'NOT_ENOUGH_REPLICAS', retriable: true });
    expect(produceRequests()).toHaveLength(1 + fastRetry.retries);
  });

  it('with acks=0 resolves without offsets', async () => {
    broker.createTopic('t', 1);
    const producer = client.producer({ lingerMs: 0, idempotent: false });
    const result = await producer.send({ topic: 't', acks: 0, messages: [{ value: 'fire' }] });
    expect(result).toEqual([{ topic: 't', partition: 0, baseOffset: -1, count: 1, logAppendTime: -1 }]);
    await until(() => produceRequests().length === 1);
    expect(produceRequests()[0].body.acks).toBe(0);
    expect(stored('t', 0)).toEqual(['fire']);
  });

  it('compresses with gzip', async () => {
    broker.createTopic('t', 1);
    const producer = client.producer({ lingerMs: 0, compression: 'gzip' });
    await producer.send({ topic: 't', messages: [{ value: 'squeeze me'.repeat(20), headers: { h: 'v' } }] });
    const [batch] = decodeRecordBatches(broker.topics.get('t')?.partitions[0][0].bytes as Buffer);
    expect(batch.compression).toBe('gzip');
    expect(batch.records[0].value?.toString()).toBe('squeeze me'.repeat(20));
    expect(batch.records[0].headers).toEqual([{ key: 'h', value: Buffer.from('v') }]);
  });

  it('refuses partitions the topic does not have and codecs it cannot apply', async () => {
    broker.createTopic('t', 2);
    const producer = client.producer({ lingerMs: 0 });
    await expect(producer.send({ topic: 't', messages: [{ value: 'ok', partition: 0 }, { value: 'x', partition: 2 }] })).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await expect(producer.send({ topic: 't', compression: 'brotli' as 'gzip', messages: [{ value: 'x' }] })).rejects.toThrow(/brotli/);
    await expect(producer.send({ topic: 't', messages: [{ value: undefined as unknown as string }] })).rejects.toThrow(TypeError);
    await producer.flush();
    expect(produceRequests()).toHaveLength(0); // nothing of the refused sends went out
  });

  it('uses the newest Produce version the broker offers', async () => {
    broker.createTopic('t', 1);
    broker.advertised = broker.advertised.map((api) => (api.apiKey === ApiKey.Produce ? { ...api, maxVersion: 7 } : api));
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 't', messages: [{ value: 'x' }] });
    expect(produceRequests()[0].apiVersion).toBe(7);
  });
});
