// Our producer's idempotence: on by default with acks -1, as in the Java client since 3.0. It
// gets one producer id, numbers each partition's records, resends a batch with the same bytes,
// starts a new epoch at sequence 0 after giving a batch up, and goes on without idempotence
// (warning once) against a broker that offers no InitProducerId. Against sluice, a Produce
// answer lost on the way back makes the producer resend, and the record is stored once, at the
// offset it reports.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBroker } from '../../src/broker/broker.js';
import { createClient, type Client } from '../../src/client/client.js';
import { ApiKey, type ProduceRequest } from '../../src/protocol/index.js';
import { decodeRecordBatches } from '../../src/records/index.js';
import { startLossyProxy } from '../helpers/lossy-proxy.js';
import { FakeBroker } from './fake-broker.js';

const fastRetry = { initialRetryTime: 1, retries: 2 };

describe('idempotent producer against a scripted broker', () => {
  let broker: FakeBroker;
  let client: Client;
  beforeEach(async () => {
    broker = await FakeBroker.start();
    client = createClient({ brokers: [broker.bootstrap], clientId: 'idempotence-test', retry: fastRetry });
  });
  afterEach(async () => {
    await client.close();
    await broker.close();
  });

  /** Producer id, epoch and base sequence of every batch the broker received, per partition, in order. */
  function sentIdentities(): Array<{ partition: number; producerId: number; epoch: number; sequence: number; count: number }> {
    return broker.requestsOf(ApiKey.Produce).flatMap((request) =>
      (request.body as ProduceRequest).topicData.flatMap((topic) =>
        topic.partitionData.map((data) => {
          const [batch] = decodeRecordBatches(data.records as Buffer);
          return { partition: data.index, producerId: batch.producerId, epoch: batch.producerEpoch, sequence: batch.baseSequence, count: batch.records.length };
        }),
      ),
    );
  }

  it('asks for one producer id and numbers each partition\'s records from 0', async () => {
    broker.createTopic('t', 2);
    const producer = client.producer({ lingerMs: 0 });
    for (let i = 0; i < 3; i++) {
      await producer.send({ topic: 't', messages: [{ value: `a${i}`, partition: 0 }, { value: `b${i}`, partition: 0 }, { value: `c${i}`, partition: 1 }] });
    }
    expect(broker.requestsOf(ApiKey.InitProducerId)).toHaveLength(1);
    const sent = sentIdentities();
    expect(sent.every((batch) => batch.producerId === 1001 && batch.epoch === 0)).toBe(true);
    expect(sent.filter((b) => b.partition === 0).map((b) => b.sequence)).toEqual([0, 2, 4]);
    expect(sent.filter((b) => b.partition === 1).map((b) => b.sequence)).toEqual([0, 1, 2]);
  });

  it('resends a batch whose answer was lost with the same producer id and sequence', async () => {
    broker.createTopic('t', 1);
    let drops = 1;
    broker.intercept = (request) => (request.apiKey === ApiKey.Produce && drops-- > 0 ? 'close' : undefined);
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 't', messages: [{ value: 'x' }, { value: 'y' }] });
    const [first, second] = broker.requestsOf(ApiKey.Produce).map((request) => (request.body as ProduceRequest).topicData[0].partitionData[0].records as Buffer);
    expect(second.subarray(16).equals(first.subarray(16))).toBe(true);
    expect(sentIdentities().map((b) => b.sequence)).toEqual([0, 0]);
  });

  it('starts a new epoch at sequence 0 after giving a batch up', async () => {
    broker.createTopic('t', 1);
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 't', messages: [{ value: 'ok' }] });
    broker.intercept = (request) => (request.apiKey === ApiKey.Produce ? 'close' : undefined);
    await expect(producer.send({ topic: 't', messages: [{ value: 'lost?' }] })).rejects.toThrow();
    broker.intercept = () => undefined;
    await producer.send({ topic: 't', messages: [{ value: 'after' }] });
    const sent = sentIdentities();
    expect(sent[0]).toMatchObject({ epoch: 0, sequence: 0 });
    expect(sent.at(-1)).toMatchObject({ epoch: 1, sequence: 0 });
  });

  it('is off with acks 0 or 1 unless asked for, and refuses to be on with them', async () => {
    broker.createTopic('t', 1);
    await client.producer({ lingerMs: 0, acks: 1 }).send({ topic: 't', messages: [{ value: 'plain' }] });
    expect(broker.requestsOf(ApiKey.InitProducerId)).toHaveLength(0);
    expect(sentIdentities()[0].producerId).toBe(-1);
    expect(() => client.producer({ acks: 1, idempotent: true })).toThrow(/needs acks -1/);
    await expect(client.producer().send({ topic: 't', acks: 0, messages: [{ value: 'x' }] })).rejects.toThrow(/acks -1/);
  });

  it('warns once and sends without a producer id when the broker offers no InitProducerId', async () => {
    broker.createTopic('t', 1);
    broker.advertised = broker.advertised.filter((api) => api.apiKey !== ApiKey.InitProducerId);
    const warnings: string[] = [];
    const producer = client.producer({ lingerMs: 0, warn: (message) => warnings.push(message) });
    await producer.send({ topic: 't', messages: [{ value: 'a' }] });
    await producer.send({ topic: 't', messages: [{ value: 'b' }] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/offers no InitProducerId/);
    expect(sentIdentities().map((b) => b.producerId)).toEqual([-1, -1]);
  });
});

describe('idempotent producer against sluice, with an answer lost on the way back', () => {
  it('stores the resent batch once and reports its original offset', async () => {
    let brokerPort = 0;
    const proxy = await startLossyProxy(() => ({ host: '127.0.0.1', port: brokerPort }), (apiKey, seenBefore) => apiKey === ApiKey.Produce && seenBefore === 1);
    const broker = await startBroker({ logLevel: 'silent', advertisedPort: proxy.port });
    brokerPort = broker.port;
    const client = createClient({ brokers: [`127.0.0.1:${proxy.port}`], retry: fastRetry });
    try {
      const producer = client.producer({ lingerMs: 0 });
      const first = await producer.send({ topic: 'lossy', messages: [{ value: 'one' }] });
      const second = await producer.send({ topic: 'lossy', messages: [{ value: 'two' }, { value: 'three' }] });
      expect(first[0].baseOffset).toBe(0);
      expect(second[0]).toMatchObject({ baseOffset: 1, count: 2 });
      // The second batch went out twice: once answered into the void, once as a retry.
      expect(proxy.seen.filter((key) => key === ApiKey.Produce)).toHaveLength(3);
      const bytes = await broker.registry.get('lossy')?.logs[0].read(0, 1 << 20);
      const stored = decodeRecordBatches(bytes ?? Buffer.alloc(0)).flatMap((b) => b.records.map((r) => `${r.offset}:${String(r.value)}`));
      expect(stored).toEqual(['0:one', '1:two', '2:three']);
    } finally {
      await client.close();
      await broker.close();
      await proxy.close();
    }
  });
});
