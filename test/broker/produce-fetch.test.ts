// Produce, Fetch and ListOffsets through the wire protocol, in classic and flexible versions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { ApiKey, ErrorCode, defaultFetchRequest, defaultListOffsetsRequest, defaultMetadataRequest, defaultProduceRequest } from '../../src/protocol/index.js';
import { decodeRecordBatches } from '../../src/records/index.js';
import { jsHotPath } from '../helpers/backends.js';
import { batchBaseOffsets, makeBatch, tempDir } from '../helpers/batches.js';
import { RawClient } from '../helpers/raw-client.js';

const NO_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
let broker: RunningBroker;
let raw: RawClient;

beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent' });
  raw = await RawClient.connect(broker.port);
});
afterAll(async () => {
  raw.close();
  await broker.close();
});

function produce(topic: string, records: Buffer, version = 9, acks = -1) {
  return raw.request(ApiKey.Produce, version, { ...defaultProduceRequest(), acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
}

function fetchPartition(version: number, topic: { name: string; id: string }, fetchOffset: number, wait = { maxWaitMs: 0, minBytes: 0 }) {
  return raw.request(ApiKey.Fetch, version, {
    ...defaultFetchRequest(),
    ...wait,
    maxBytes: 1 << 20,
    topics: [{ topic: topic.name, topicId: topic.id, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20, replicaDirectoryId: NO_ID }] }],
  });
}

function listOffset(topic: string, timestamp: number, version = 7) {
  return raw.request(ApiKey.ListOffsets, version, {
    ...defaultListOffsetsRequest(),
    replicaId: -1,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }] }],
  });
}

async function createTopic(name: string): Promise<{ name: string; id: string }> {
  const metadata = await raw.request(ApiKey.Metadata, 12, { ...defaultMetadataRequest(), topics: [{ topicId: NO_ID, name }], allowAutoTopicCreation: true });
  return { name, id: metadata.topics[0].topicId };
}

describe('produce and fetch', () => {
  it('appends with flexible Produce v9 and reads back with Fetch v11 by name and v13 by topic id', async () => {
    const topic = await createTopic('wire');
    expect(topic.id).not.toBe(NO_ID);
    const first = await produce('wire', makeBatch(jsHotPath, { records: 3, tag: 'a' }));
    const second = await produce('wire', makeBatch(jsHotPath, { records: 2, tag: 'b' }), 7, 1);
    expect(first.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(second.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 3 });
    for (const version of [11, 13, 17]) {
      const response = await fetchPartition(version, topic, 1);
      const data = response.responses[0].partitions[0];
      expect(data).toMatchObject({ errorCode: 0, highWatermark: 5, lastStableOffset: 5, logStartOffset: 0 });
      expect(batchBaseOffsets(data.records as Buffer)).toEqual([0, 3]);
      const values = decodeRecordBatches(data.records as Buffer).flatMap((b) => b.records.map((r) => String(r.value).slice(0, 2)));
      expect(values).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
    }
  });

  it('returns large batches (spliced into the response, not copied) byte for byte, offsets assigned', async () => {
    const topic = await createTopic('spliced');
    const batches = [makeBatch(jsHotPath, { records: 40, valueBytes: 1000, tag: 'x' }), makeBatch(jsHotPath, { records: 30, valueBytes: 2000, tag: 'y' })];
    for (const batch of batches) await produce('spliced', batch);
    for (const version of [4, 12, 17]) {
      const data = (await fetchPartition(version, topic, 0)).responses[0].partitions[0];
      const records = data.records as Buffer;
      expect(records.length).toBe(batches[0].length + batches[1].length);
      expect(batchBaseOffsets(records)).toEqual([0, 40]);
      // Base offset and leader epoch are stamped in place; every byte from the magic on is as produced.
      expect(records.subarray(16, batches[0].length).equals(batches[0].subarray(16))).toBe(true);
      expect(records.subarray(batches[0].length + 16).equals(batches[1].subarray(16))).toBe(true);
    }
  });

  it('keeps a large response intact while its client is slow to read, whatever other fetches read meanwhile', async () => {
    // Fetch reads borrow memory from a pool and give it back once the socket has taken the
    // response: a second fetch must not reuse the memory of one still being written.
    const eightMiB = 8 << 20;
    const fetchAll = (client: RawClient, topic: { name: string; id: string }) =>
      client.request(ApiKey.Fetch, 12, {
        ...defaultFetchRequest(),
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: eightMiB,
        topics: [{ topic: topic.name, topicId: topic.id, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: eightMiB, replicaDirectoryId: NO_ID }] }],
      });
    const topics = [await createTopic('slow-reader'), await createTopic('fast-reader')];
    for (const [t, topic] of topics.entries()) {
      for (let i = 0; i < 9; i++) await produce(topic.name, makeBatch(jsHotPath, { records: 100, valueBytes: 10_000, tag: t === 0 ? 'S' : 'F' }));
    }
    const slow = await RawClient.connect(broker.port);
    slow.socket.pause();
    const slowResponse = fetchAll(slow, topics[0]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 0; i < 3; i++) expect(((await fetchAll(raw, topics[1])).responses[0].partitions[0].records as Buffer).length).toBeGreaterThan(7 << 20);
    slow.socket.resume();
    const records = (await slowResponse).responses[0].partitions[0].records as Buffer;
    slow.close();
    expect(records.length).toBeGreaterThan(7 << 20);
    const values = decodeRecordBatches(records).flatMap((b) => b.records.map((r) => String(r.value).charAt(0)));
    expect(values.length).toBeGreaterThan(700);
    expect(values.every((v) => v === 'S')).toBe(true);
  });

  it('answers an unknown topic id with UNKNOWN_TOPIC_ID and a bad offset with OFFSET_OUT_OF_RANGE', async () => {
    const unknown = await fetchPartition(13, { name: '', id: 'AQIDBAUGBwgJCgsMDQ4PEA' }, 0);
    expect(unknown.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
    const topic = await createTopic('ranges');
    await produce('ranges', makeBatch(jsHotPath, { records: 2 }));
    const beyond = await fetchPartition(11, topic, 7);
    expect(beyond.responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: 2 });
  });

  it('holds a fetch until data arrives (long poll) and returns at once when it is there', async () => {
    const topic = await createTopic('poll');
    const waiting = fetchPartition(11, topic, 0, { maxWaitMs: 10_000, minBytes: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = await RawClient.connect(broker.port);
    await other.request(ApiKey.Produce, 7, { ...defaultProduceRequest(), acks: 1, timeoutMs: 1000, topicData: [{ name: 'poll', partitionData: [{ index: 0, records: makeBatch(jsHotPath, { records: 1 }) }] }] });
    other.close();
    const response = await waiting;
    expect(batchBaseOffsets(response.responses[0].partitions[0].records as Buffer)).toEqual([0]);
  });

  it('ends a long poll after max_wait_ms with an empty answer', async () => {
    const topic = await createTopic('quiet');
    const response = await fetchPartition(11, topic, 0, { maxWaitMs: 100, minBytes: 1 });
    expect(response.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0 });
    expect(response.responses[0].partitions[0].records?.length).toBe(0);
  });
});

describe('list offsets', () => {
  it('answers earliest, latest, max timestamp and by timestamp', async () => {
    await createTopic('times');
    const base = Date.now() - 60_000;
    for (let i = 0; i < 5; i++) await produce('times', makeBatch(jsHotPath, { records: 2, timestamp: base + i * 1000 }));
    const offsetOf = async (timestamp: number, version?: number) => (await listOffset('times', timestamp, version)).topics[0].partitions[0];
    expect(await offsetOf(-2)).toMatchObject({ errorCode: 0, offset: 0 });
    expect(await offsetOf(-1)).toMatchObject({ errorCode: 0, offset: 10 });
    expect(await offsetOf(-3)).toMatchObject({ offset: 9, timestamp: base + 4001 });
    expect(await offsetOf(base + 2001)).toMatchObject({ offset: 5, timestamp: base + 2001 });
    expect(await offsetOf(base + 1500)).toMatchObject({ offset: 4, timestamp: base + 2000 });
    expect(await offsetOf(base + 99_000)).toMatchObject({ offset: -1, timestamp: -1 });
    expect(await offsetOf(-1, 1)).toMatchObject({ offset: 10 });
  });
});

/** One batch whose records carry these timestamps, in this order. */
function batchWithTimestamps(timestamps: number[]): Buffer {
  const records = timestamps.map((timestamp, i) => ({ key: null, value: Buffer.from(`t${i}`), headers: [], timestamp }));
  return jsHotPath.encodeBatch(records, { baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, baseTimestamp: timestamps[0], producerId: -1, producerEpoch: -1, baseSequence: -1 });
}

describe('max timestamp (librdkafka 0081, KAFKA-16310)', () => {
  it("names the record with the largest timestamp inside its batch, not the batch's last offset", async () => {
    await createTopic('max-inside');
    const base = Date.now() - 10_000;
    await produce('max-inside', makeBatch(jsHotPath, { records: 2, timestamp: base - 5000 }));
    await produce('max-inside', batchWithTimestamps([base + 100, base + 400, base + 250]));
    await produce('max-inside', batchWithTimestamps([base + 300, base + 400]));
    const answer = (await listOffset('max-inside', -3)).topics[0].partitions[0];
    expect(answer).toMatchObject({ errorCode: 0, offset: 3, timestamp: base + 400, leaderEpoch: 0 });
  });

  it('answers -1 on an empty partition', async () => {
    await createTopic('max-empty');
    expect((await listOffset('max-empty', -3)).topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: -1, timestamp: -1 });
  });
});

describe('message.timestamp.type=LogAppendTime (librdkafka 0052)', () => {
  it('stamps the append time into the batch, answers it in Produce, and lists offsets by it', async () => {
    await broker.registry.create('appended', 1, { 'message.timestamp.type': 'LogAppendTime' });
    const producerTime = Date.now() - 3_600_000;
    const sent = batchWithTimestamps([producerTime, producerTime + 5, producerTime + 2]);
    const before = Date.now();
    const produced = (await produce('appended', sent)).responses[0].partitionResponses[0];
    const after = Date.now();
    expect(produced.errorCode).toBe(0);
    expect(produced.logAppendTimeMs).toBeGreaterThanOrEqual(before);
    expect(produced.logAppendTimeMs).toBeLessThanOrEqual(after);

    const stored = (await fetchPartition(11, { name: 'appended', id: NO_ID }, 0)).responses[0].partitions[0].records as Buffer;
    const [batch] = decodeRecordBatches(stored);
    expect(batch).toMatchObject({ timestampType: 'log-append', maxTimestamp: produced.logAppendTimeMs, baseTimestamp: producerTime });
    expect(batch.records.map((record) => record.timestamp)).toEqual([produced.logAppendTimeMs, produced.logAppendTimeMs, produced.logAppendTimeMs]);
    // The records' own bytes are as sent: only attributes, maxTimestamp and the CRC changed.
    expect(stored.subarray(61).equals(sent.subarray(61))).toBe(true);

    expect((await listOffset('appended', -3)).topics[0].partitions[0]).toMatchObject({ offset: 0, timestamp: produced.logAppendTimeMs });
    expect((await listOffset('appended', producerTime + 1)).topics[0].partitions[0]).toMatchObject({ offset: 0, timestamp: produced.logAppendTimeMs });
    expect((await listOffset('appended', after + 60_000)).topics[0].partitions[0]).toMatchObject({ offset: -1 });
  });

  it('leaves CreateTime topics as produced, with log_append_time_ms -1', async () => {
    await createTopic('created');
    const sent = batchWithTimestamps([1_000_000, 1_000_009]);
    const produced = (await produce('created', sent)).responses[0].partitionResponses[0];
    expect(produced.logAppendTimeMs).toBe(-1);
    const stored = (await fetchPartition(11, { name: 'created', id: NO_ID }, 0)).responses[0].partitions[0].records as Buffer;
    expect(stored.subarray(16).equals(sent.subarray(16))).toBe(true);
  });
});

describe('restart', () => {
  it('keeps topics, their ids and data across a restart', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const first = await startBroker({ logLevel: 'silent', dataDir: dir });
      await first.registry.create('durable', 2);
      const id = first.registry.get('durable')?.id;
      await first.registry.get('durable')?.logs[1].append(makeBatch(jsHotPath, { records: 7 }));
      await first.close();
      const second = await startBroker({ logLevel: 'silent', dataDir: dir });
      expect(second.clusterId).toBe(first.clusterId);
      expect(second.registry.get('durable')?.id).toBe(id);
      expect(second.registry.get('durable')?.logs[1].logEndOffset).toBe(7);
      await second.close();
    } finally {
      cleanup();
    }
  });
});
