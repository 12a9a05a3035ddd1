// The DeleteTopics / auto-create race as clients met it (librdkafka's 0033_regex_subscribe): a
// 4-partition topic is deleted 25 times while two connections keep asking Metadata with
// auto-creation for the same name; then 400 records are produced with acks=all by kafkajs. After
// a clean stop and a restart on the same data directory, all 400 are there.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { startBroker } from '../../src/broker/broker.js';
import { ApiKey, defaultMetadataRequest } from '../../src/protocol/index.js';
import { tempDir } from '../helpers/batches.js';
import { RawClient } from '../helpers/raw-client.js';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');

const TOPIC = 'regex_subscribe_race';

/** Asks Metadata v9 for the topic, auto-creation allowed, until `stop` says so. */
async function keepAutoCreating(port: number, stop: () => boolean): Promise<number> {
  const raw = await RawClient.connect(port);
  let asked = 0;
  try {
    while (!stop()) {
      await raw.request(ApiKey.Metadata, 9, { ...defaultMetadataRequest(), topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: TOPIC }], allowAutoTopicCreation: true });
      asked++;
    }
  } finally {
    raw.close();
  }
  return asked;
}

describe('DeleteTopics while clients auto-create the same topic', () => {
  it('keeps every acknowledged record and stops cleanly', async () => {
    const temp = tempDir();
    try {
      const broker = await startBroker({ dataDir: temp.dir, numPartitions: 4, logLevel: 'silent' });
      const kafka = new Kafka({ clientId: 'race', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 20 } });
      const admin = kafka.admin();
      await admin.connect();
      let done = false;
      const askers = [keepAutoCreating(broker.port, () => done), keepAutoCreating(broker.port, () => done)];
      for (let round = 0; round < 25; round++) {
        await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 4 }] });
        await admin.deleteTopics({ topics: [TOPIC], timeout: 5000 }).catch(() => undefined);
      }
      done = true;
      expect(Math.min(...(await Promise.all(askers)))).toBeGreaterThan(0);
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 4 }] });

      const producer = kafka.producer();
      await producer.connect();
      const sent = Array.from({ length: 400 }, (_, i) => `record-${i}`);
      for (let i = 0; i < sent.length; i += 40) {
        await producer.send({ topic: TOPIC, acks: -1, messages: sent.slice(i, i + 40).map((value, j) => ({ value, partition: (i + j) % 4 })) });
      }
      await producer.disconnect();
      await admin.disconnect();
      await expect(broker.close()).resolves.toBeUndefined();

      const again = await startBroker({ dataDir: temp.dir, logLevel: 'silent' });
      const topic = again.registry.get(TOPIC);
      expect(topic?.logs.map((log) => log.logEndOffset)).toEqual([100, 100, 100, 100]);
      await again.close();
    } finally {
      temp.cleanup();
    }
  }, 60_000);
});
