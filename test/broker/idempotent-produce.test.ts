// Idempotent producers over the wire: InitProducerId hands out ids that are never reused, across
// restarts too; a resent Produce is answered with the original offset and stored once; and the
// clients that turn idempotence on (kafkajs idempotent: true, kcat and confluent-kafka with
// enable.idempotence=true, both librdkafka) write through sluice exactly as to Kafka.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { ApiKey, ErrorCode, defaultProduceRequest } from '../../src/protocol/index.js';
import { defaultInitProducerIdRequest } from '../../src/protocol/generated/init-producer-id.js';
import { decodeRecordBatches } from '../../src/records/index.js';
import { jsHotPath } from '../helpers/backends.js';
import { tempDir } from '../helpers/batches.js';
import { pythonWith, runPython } from '../helpers/python-client.js';
import { RawClient } from '../helpers/raw-client.js';

const { Kafka, logLevel } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');

let broker: RunningBroker;
let raw: RawClient;
beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent', groupInitialRebalanceDelayMs: 0 });
  raw = await RawClient.connect(broker.port);
});
afterAll(async () => {
  raw.close();
  await broker.close();
});

function producerBatch(producerId: number, baseSequence: number, values: string[]): Buffer {
  const timestamp = Date.now();
  const records = values.map((value) => ({ key: null, value: Buffer.from(value), headers: [], timestamp }));
  return jsHotPath.encodeBatch(records, { baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, baseTimestamp: timestamp, producerId, producerEpoch: 0, baseSequence });
}

async function initProducerId(client: RawClient, version: number): Promise<{ errorCode: number; producerId: number; producerEpoch: number }> {
  return client.request(ApiKey.InitProducerId, version, { ...defaultInitProducerIdRequest(), transactionalId: null, transactionTimeoutMs: 60_000 });
}

function produce(topic: string, records: Buffer) {
  return raw.request(ApiKey.Produce, 9, { ...defaultProduceRequest(), acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
}

/** Every record value of partition 0, in offset order. */
async function storedValues(topic: string): Promise<string[]> {
  const log = broker.registry.get(topic)?.logs[0];
  if (log === undefined) return [];
  return decodeRecordBatches(await log.read(0, 64 << 20)).flatMap((batch) => batch.records.map((record) => String(record.value)));
}

describe('InitProducerId', () => {
  it('gives a new producer id with epoch 0 in every version, never the same twice, across a restart too', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const first = await startBroker({ logLevel: 'silent', dataDir: dir });
      const client = await RawClient.connect(first.port);
      const before = [];
      for (const version of [0, 1, 2, 3, 4, 5]) before.push(await initProducerId(client, version));
      client.close();
      await first.close();
      expect(before.every((answer) => answer.errorCode === ErrorCode.NONE && answer.producerEpoch === 0)).toBe(true);
      expect(new Set(before.map((answer) => answer.producerId)).size).toBe(6);
      const second = await startBroker({ logLevel: 'silent', dataDir: dir });
      const again = await RawClient.connect(second.port);
      const after = await initProducerId(again, 4);
      again.close();
      await second.close();
      expect(after.producerId).toBeGreaterThan(Math.max(...before.map((answer) => answer.producerId)));
    } finally {
      cleanup();
    }
  });
});

describe('Produce from an idempotent producer', () => {
  it('answers a resent request with the original offset and stores it once', async () => {
    await broker.registry.create('resent', 1);
    const { producerId } = await initProducerId(raw, 4);
    await produce('resent', producerBatch(producerId, 0, ['a', 'b']));
    const batch = producerBatch(producerId, 2, ['c']);
    const original = (await produce('resent', Buffer.from(batch))).responses[0].partitionResponses[0];
    const resent = (await produce('resent', Buffer.from(batch))).responses[0].partitionResponses[0];
    expect(original).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 2 });
    expect(resent).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 2 });
    expect(await storedValues('resent')).toEqual(['a', 'b', 'c']);
  });

  it('answers a gap with OUT_OF_ORDER_SEQUENCE_NUMBER and writes nothing', async () => {
    await broker.registry.create('gapped', 1);
    const { producerId } = await initProducerId(raw, 4);
    await produce('gapped', producerBatch(producerId, 0, ['a']));
    const gap = (await produce('gapped', producerBatch(producerId, 5, ['f']))).responses[0].partitionResponses[0];
    expect(gap).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 });
    expect(await storedValues('gapped')).toEqual(['a']);
  });
});

describe('clients with idempotence on', () => {
  it('kafkajs (idempotent: true) writes every message once, in order', async () => {
    const kafka = new Kafka({ clientId: 'idempotent', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kafkajs-idempotent', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 500 }, (_, i) => `m${i}`);
    for (let i = 0; i < sent.length; i += 50) await producer.send({ topic: 'kafkajs-idempotent', acks: -1, messages: sent.slice(i, i + 50).map((value) => ({ value })) });
    await producer.disconnect();
    expect(await storedValues('kafkajs-idempotent')).toEqual(sent);
  });

  it('kcat (-X enable.idempotence=true) writes every line once', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line-${i}`);
    await new Promise<void>((resolve, reject) => {
      const child = execFile('kcat', ['-b', broker.bootstrap, '-P', '-t', 'kcat-idempotent', '-X', 'enable.idempotence=true'], { timeout: 20_000 }, (error, _stdout, stderr) =>
        error ? reject(new Error(`kcat failed: ${error.message}\n${stderr}`)) : resolve(),
      );
      child.stdin?.end(`${lines.join('\n')}\n`);
    });
    expect(await storedValues('kcat-idempotent')).toEqual(lines);
  });

  const python = pythonWith('confluent_kafka');
  it.skipIf(python === null)('confluent-kafka (enable.idempotence=True) delivers 2,000 messages without an error', async () => {
    const script = `
import sys
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': sys.argv[1], 'enable.idempotence': True, 'linger.ms': 2})
errors = []
for i in range(2000):
    p.produce(sys.argv[2], value=b'p%d' % i, on_delivery=lambda err, msg: err and errors.append(str(err)))
    p.poll(0)
assert p.flush(20) == 0
print(len(errors), errors[:1])
`;
    await broker.registry.create('python-idempotent', 1);
    expect((await runPython(python as string, script, [broker.bootstrap, 'python-idempotent'])).trim()).toBe('0 []');
    expect(await storedValues('python-idempotent')).toEqual(Array.from({ length: 2000 }, (_, i) => `p${i}`));
  }, 40_000);
});
