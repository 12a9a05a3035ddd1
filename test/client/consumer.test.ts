import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import type { Consumer, ConsumedMessage } from '../../src/client/consumer.js';
import { KafkaClientError } from '../../src/client/errors.js';
import { hotpath } from '../../src/hotpath/index.js';
import { ApiKey, ErrorCode, defaultFetchResponse, type FetchRequest } from '../../src/protocol/index.js';
import { Attributes, BatchField, CRC_START, encodeRecordBatch } from '../../src/records/index.js';
import { FakeBroker, until, type ReceivedRequest } from './fake-broker.js';

let broker: FakeBroker;
let client: Client;

beforeEach(async () => {
  broker = await FakeBroker.start();
  client = createClient({ brokers: [broker.bootstrap], retry: { initialRetryTime: 1, retries: 3 } });
});

afterEach(async () => {
  await client.close();
  await broker.close();
});

function appendValues(topic: string, partition: number, values: string[]): void {
  broker.append(topic, partition, encodeRecordBatch(values.map((value) => ({ key: `k-${value}`, value, headers: { n: value } }))));
}

async function take(consumer: Consumer, count: number): Promise<ConsumedMessage[]> {
  const taken: ConsumedMessage[] = [];
  if (count === 0) return taken;
  for await (const message of consumer) {
    taken.push(message);
    if (taken.length === count) break;
  }
  return taken;
}

const show = (messages: ConsumedMessage[]) => messages.map((m) => `${m.partition}@${m.offset}:${m.value?.toString()}`);

describe('Consumer', () => {
  it('reads assigned partitions from the earliest offset with keys, headers and timestamps', async () => {
    broker.createTopic('t', 2);
    appendValues('t', 0, ['a', 'b']);
    appendValues('t', 1, ['c']);
    const consumer = client.consumer();
    consumer.assign([{ topic: 't', partition: 0, offset: 'earliest' }, { topic: 't', partition: 1, offset: 'earliest' }]);
    const messages = await take(consumer, 3);
    expect(show(messages).sort()).toEqual(['0@0:a', '0@1:b', '1@0:c']);
    const first = messages.find((m) => m.value?.toString() === 'a');
    expect(first).toMatchObject({ topic: 't', key: Buffer.from('k-a'), headers: [{ key: 'n', value: Buffer.from('a') }] });
    expect(first?.timestamp).toBeGreaterThan(0);
    expect(consumer.position('t', 0)).toBe(2);
  });

  it('starts inside a batch by skipping the records below the offset', async () => {
    broker.createTopic('t', 1);
    appendValues('t', 0, ['a', 'b', 'c', 'd', 'e']);
    const consumer = client.consumer();
    consumer.assign([{ topic: 't', partition: 0, offset: 2 }]);
    expect(show(await take(consumer, 3))).toEqual(['0@2:c', '0@3:d', '0@4:e']);
  });

  it('skips control batches', async () => {
    broker.createTopic('t', 1);
    appendValues('t', 0, ['a']);
    const marker = encodeRecordBatch([{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.alloc(6) }], { producerId: 1, producerEpoch: 0, transactional: true });
    marker.writeInt16BE(marker.readInt16BE(BatchField.ATTRIBUTES) | Attributes.CONTROL, BatchField.ATTRIBUTES);
    marker.writeUInt32BE(hotpath.crc32c(marker.subarray(CRC_START), 0), BatchField.CRC);
    broker.append('t', 0, marker);
    appendValues('t', 0, ['b']);
    const consumer = client.consumer();
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    expect(show(await take(consumer, 2))).toEqual(['0@0:a', '0@2:b']);
  });

  it('fetches a cut-off trailing batch again', async () => {
    broker.createTopic('t', 1);
    appendValues('t', 0, ['a', 'b']);
    appendValues('t', 0, ['c', 'd']);
    let cut = true;
    broker.intercept = (request) => {
      if (request.apiKey !== ApiKey.Fetch || !cut) return undefined;
      cut = false;
      const [first, second] = broker.topics.get('t')?.partitions[0] ?? [];
      return { respond: fetchAnswer(request, Buffer.concat([first.bytes, second.bytes.subarray(0, second.bytes.length - 3)])) };
    };
    const consumer = client.consumer();
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    expect(show(await take(consumer, 4))).toEqual(['0@0:a', '0@1:b', '0@2:c', '0@3:d']);
    expect(broker.requestsOf(ApiKey.Fetch).map((r) => (r.body as FetchRequest).topics[0].partitions[0].fetchOffset).slice(0, 2)).toEqual([0, 2]);
  });

  it('resets an out-of-range offset per autoOffsetReset', async () => {
    broker.createTopic('t', 1);
    appendValues('t', 0, ['a', 'b']);
    const consumer = client.consumer({ autoOffsetReset: 'earliest' });
    consumer.assign([{ topic: 't', partition: 0, offset: 50 }]);
    expect(show(await take(consumer, 2))).toEqual(['0@0:a', '0@1:b']);
  });

  it("throws OFFSET_OUT_OF_RANGE with autoOffsetReset 'none'", async () => {
    broker.createTopic('t', 1);
    const consumer = client.consumer({ autoOffsetReset: 'none' });
    consumer.assign([{ topic: 't', partition: 0, offset: 50 }]);
    const error = await take(consumer, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaClientError);
    expect(error).toMatchObject({ code: ErrorCode.OFFSET_OUT_OF_RANGE, topic: 't', partition: 0 });
    expect(() => consumer.assign([{ topic: 'u', partition: 0 }])).toThrow(RangeError);
  });

  it('an iterator is done after a failure it threw and after return(); a new one goes on from the position', async () => {
    broker.createTopic('t', 1);
    appendValues('t', 0, ['a', 'b', 'c']);
    const consumer = client.consumer();
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const first = consumer[Symbol.asyncIterator]();
    expect((await first.next()).value?.offset).toBe(0);
    expect(await first.return?.()).toEqual({ value: undefined, done: true });
    expect(await first.next()).toEqual({ value: undefined, done: true });
    expect(show(await take(consumer, 2))).toEqual(['0@1:b', '0@2:c']);

    const failing = client.consumer({ autoOffsetReset: 'none' });
    failing.assign([{ topic: 't', partition: 0, offset: 50 }]);
    const iterator = failing[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toMatchObject({ code: ErrorCode.OFFSET_OUT_OF_RANGE });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    await failing.close();
    await consumer.close();
  });

  it("starts at the end with 'latest'", async () => {
    broker.createTopic('t', 1);
    appendValues('t', 0, ['old']);
    const consumer = client.consumer();
    consumer.assign([{ topic: 't', partition: 0, offset: 'latest' }]);
    const next = take(consumer, 1);
    await until(() => broker.requestsOf(ApiKey.Fetch).length > 0);
    appendValues('t', 0, ['new']);
    expect(show(await next)).toEqual(['0@1:new']);
  });

  it('seeks back and reads again, dropping what was buffered', async () => {
    broker.createTopic('t', 1);
    appendValues('t', 0, ['a', 'b', 'c']);
    const consumer = client.consumer();
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    expect(show(await take(consumer, 1))).toEqual(['0@0:a']);
    expect(consumer.position('t', 0)).toBe(1);
    consumer.seek('t', 0, 0);
    expect(consumer.position('t', 0)).toBe(0);
    expect(show(await take(consumer, 3))).toEqual(['0@0:a', '0@1:b', '0@2:c']);
    consumer.seek('t', 0, 'earliest');
    expect(show(await take(consumer, 1))).toEqual(['0@0:a']);
    expect(() => consumer.seek('t', 5, 0)).toThrow(RangeError);
  });

  it('fetches the next round while handing out the last, but not further ahead of a slow application', async () => {
    broker.createTopic('t', 1);
    for (let b = 0; b < 20; b++) appendValues('t', 0, [`${b}-a`, `${b}-b`]);
    const oneBatch = encodeRecordBatch([{ key: 'k-0-a', value: '0-a', headers: { n: '0-a' } }, { key: 'k-0-b', value: '0-b', headers: { n: '0-b' } }]).length;
    const consumer = client.consumer({ maxBytesPerPartition: oneBatch }); // one batch (two messages) per round
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const iterator = consumer[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.offset).toBe(0);
    // The application now holds on to message 0 for a while: one more round is fetched, no more.
    const fetchOffsets = () => broker.requestsOf(ApiKey.Fetch).map((r) => (r.body as FetchRequest).topics[0].partitions[0].fetchOffset);
    await until(() => fetchOffsets().length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fetchOffsets()).toEqual([0, 2]);
    const offsets: number[] = [];
    for (let i = 0; i < 39; i++) offsets.push((await iterator.next()).value?.offset as number);
    expect(offsets).toEqual(Array.from({ length: 39 }, (_, i) => i + 1));
    await consumer.close();
  });

  it('pauses and resumes partitions', async () => {
    broker.createTopic('t', 2);
    appendValues('t', 0, ['p0']);
    appendValues('t', 1, ['p1']);
    const consumer = client.consumer();
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }, { topic: 't', partition: 1, offset: 0 }]);
    consumer.pause([{ topic: 't', partition: 0 }]);
    expect(consumer.paused()).toEqual([{ topic: 't', partition: 0 }]);
    expect(show(await take(consumer, 1))).toEqual(['1@0:p1']);
    const fetched = broker.requestsOf(ApiKey.Fetch).map((r) => (r.body as FetchRequest).topics[0].partitions.map((p) => p.partition));
    expect(fetched.every((partitions) => !partitions.includes(0))).toBe(true);
    consumer.resume([{ topic: 't', partition: 0 }]);
    expect(show(await take(consumer, 1))).toEqual(['0@0:p0']);
  });

  it('fetches by topic id at Fetch v13+ and by name below', async () => {
    broker.createTopic('t', 1);
    appendValues('t', 0, ['a']);
    const consumer = client.consumer();
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    await take(consumer, 1);
    const modern = broker.requestsOf(ApiKey.Fetch)[0];
    expect(modern.apiVersion).toBe(17);
    expect((modern.body as FetchRequest).topics[0].topicId).toBe(broker.topics.get('t')?.topicId);

    broker.advertised = broker.advertised.map((api) => (api.apiKey === ApiKey.Metadata ? { ...api, maxVersion: 9 } : api));
    const old = client.consumer({ isolationLevel: 'read_committed' });
    old.assign([{ topic: 't', partition: 0, offset: 0 }]);
    expect(show(await take(old, 1))).toEqual(['0@0:a']);
    const byName = broker.requestsOf(ApiKey.Fetch).at(-1) as ReceivedRequest;
    expect(byName.apiVersion).toBe(12);
    expect((byName.body as FetchRequest).topics[0].topic).toBe('t');
    expect((byName.body as FetchRequest).isolationLevel).toBe(1);
  });

  it('keeps consuming across a dropped connection', async () => {
    broker.createTopic('t', 1);
    appendValues('t', 0, ['before']);
    const consumer = client.consumer();
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    expect(show(await take(consumer, 1))).toEqual(['0@0:before']);
    broker.dropConnections();
    appendValues('t', 0, ['after']);
    expect(show(await take(consumer, 1))).toEqual(['0@1:after']);
    expect(broker.connections).toBe(2);
  });

  it('ends the iteration on close, even during a fetch that never returns', async () => {
    broker.createTopic('t', 1);
    broker.intercept = (request) => (request.apiKey === ApiKey.Fetch ? 'silent' : undefined);
    const consumer = client.consumer();
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const iterating = take(consumer, 1);
    await until(() => broker.requestsOf(ApiKey.Fetch).length > 0);
    await consumer.close();
    expect(await iterating).toEqual([]);
  });
});

/** A Fetch answer for one partition carrying exactly `records`. */
function fetchAnswer(request: ReceivedRequest, records: Buffer) {
  const body = request.body as FetchRequest;
  const topic = body.topics[0];
  return {
    ...defaultFetchResponse(),
    responses: [{
      topic: topic.topic,
      topicId: topic.topicId,
      partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 4, lastStableOffset: 4, logStartOffset: 0, divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: -1, leaderEpoch: -1 }, snapshotId: { endOffset: -1, epoch: -1 }, abortedTransactions: null, preferredReadReplica: -1, records }],
    }],
  };
}
