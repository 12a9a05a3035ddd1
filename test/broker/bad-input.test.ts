// Bad input gets a Kafka error code or a closed connection, the broker keeps serving everyone
// else, and nothing partial is stored.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { ApiKey, ErrorCode, defaultMetadataRequest, defaultProduceRequest } from '../../src/protocol/index.js';
import { jsHotPath } from '../helpers/backends.js';
import { makeBatch } from '../helpers/batches.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent', maxRequestBytes: 1024 * 1024, log: { maxMessageBytes: 100_000 } });
});
afterAll(async () => {
  await broker.close();
});

async function client(): Promise<RawClient> {
  return RawClient.connect(broker.port);
}

/** Proves the broker still answers: a fresh connection gets an ApiVersions response. */
async function brokerStillServes(): Promise<void> {
  const probe = await client();
  const response = await probe.request(ApiKey.ApiVersions, 2, { clientSoftwareName: '', clientSoftwareVersion: '' });
  expect(response.errorCode).toBe(ErrorCode.NONE);
  probe.close();
}

function produceRequest(topic: string, records: Buffer, acks = 1) {
  return { ...defaultProduceRequest(), acks, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] };
}

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

describe('bad input', () => {
  it('closes on a frame larger than maxRequestBytes without waiting for its bytes', async () => {
    const raw = await client();
    const header = Buffer.alloc(4);
    header.writeInt32BE(2 * 1024 * 1024 * 1024 - 1);
    raw.send(header);
    expect(await raw.waitForClose(2000)).toBe(true);
    await brokerStillServes();
  });

  it('closes on a negative or too short frame length', async () => {
    for (const size of [-1, 0, 3]) {
      const raw = await client();
      const header = Buffer.alloc(4);
      header.writeInt32BE(size);
      raw.send(Buffer.concat([header, Buffer.alloc(8)]));
      expect(await raw.waitForClose(2000)).toBe(true);
    }
    await brokerStillServes();
  });

  it('closes on an unknown API key and on an unsupported version', async () => {
    const unknown = await client();
    unknown.send(frame(Buffer.from([0x03, 0xe7, 0, 0, 0, 0, 0, 1, 0xff, 0xff])));
    expect(await unknown.waitForClose(2000)).toBe(true);
    const tooNew = await client();
    tooNew.send(frame(Buffer.from([0, 3, 0, 99, 0, 0, 0, 1, 0xff, 0xff])));
    expect(await tooNew.waitForClose(2000)).toBe(true);
    await brokerStillServes();
  });

  it('answers an ApiVersions request above its range with the v0 fallback', async () => {
    const raw = await client();
    raw.send(frame(Buffer.from([0, 18, 0, 9, 0, 0, 0, 7, 0xff, 0xff, 0])));
    const response = await raw.readFrame(2000);
    expect(response?.readInt32BE(0)).toBe(7);
    expect(response?.readInt16BE(4)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    raw.close();
  });

  it('closes on a truncated body and on an absurd array count', async () => {
    const truncated = await client();
    truncated.send(frame(Buffer.from([0, 3, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0, 0, 0, 5, 0, 3])));
    expect(await truncated.waitForClose(2000)).toBe(true);
    const absurd = await client();
    absurd.send(frame(Buffer.from([0, 3, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff])));
    expect(await absurd.waitForClose(2000)).toBe(true);
    await brokerStillServes();
  });

  it('refuses a corrupt batch with CORRUPT_MESSAGE and stores nothing of it', async () => {
    const raw = await client();
    await raw.request(ApiKey.Metadata, 4, { ...defaultMetadataRequest(), topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'crc' }], allowAutoTopicCreation: true });
    const bad = makeBatch(jsHotPath, { records: 3 });
    bad[bad.length - 2] ^= 0x40;
    const refused = await raw.request(ApiKey.Produce, 7, produceRequest('crc', bad));
    expect(refused.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(broker.registry.get('crc')?.logs[0].logEndOffset).toBe(0);
    const good = await raw.request(ApiKey.Produce, 7, produceRequest('crc', makeBatch(jsHotPath, { records: 2 })));
    expect(good.responses[0].partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0 });
    raw.close();
  });

  it('refuses illegal topic names before any path is built', async () => {
    const raw = await client();
    const names = ['../x', 'x'.repeat(300), '', '..', 'a/b'];
    const response = await raw.request(ApiKey.Metadata, 4, {
      ...defaultMetadataRequest(),
      topics: names.map((name) => ({ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name })),
      allowAutoTopicCreation: true,
    });
    expect(response.topics.map((t) => t.errorCode)).toEqual(names.map(() => ErrorCode.INVALID_TOPIC_EXCEPTION));
    expect(readdirSync(broker.dataDir).some((entry) => entry.includes('x-0') || entry.startsWith('.'))).toBe(false);
    raw.close();
  });

  it('answers produce to an unknown topic with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const raw = await client();
    const response = await raw.request(ApiKey.Produce, 7, produceRequest('never-created', makeBatch(jsHotPath)));
    expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    raw.close();
  });

  it('refuses a batch above max.message.bytes with MESSAGE_TOO_LARGE', async () => {
    const raw = await client();
    await raw.request(ApiKey.Metadata, 4, { ...defaultMetadataRequest(), topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'big' }], allowAutoTopicCreation: true });
    const huge = makeBatch(jsHotPath, { records: 2, valueBytes: 100_000 });
    const response = await raw.request(ApiKey.Produce, 7, produceRequest('big', huge));
    expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(broker.registry.get('big')?.logs[0].logEndOffset).toBe(0);
    raw.close();
  });

  it('sends no response to acks=0 but still appends', async () => {
    const raw = await client();
    await raw.request(ApiKey.Metadata, 4, { ...defaultMetadataRequest(), topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'fire' }], allowAutoTopicCreation: true });
    raw.send((await import('../../src/protocol/index.js')).encodeRequestFrame(ApiKey.Produce, 7, 99, null, produceRequest('fire', makeBatch(jsHotPath, { records: 4 }), 0)));
    const next = await raw.request(ApiKey.ApiVersions, 2, { clientSoftwareName: '', clientSoftwareVersion: '' });
    expect(next.errorCode).toBe(ErrorCode.NONE);
    expect(broker.registry.get('fire')?.logs[0].logEndOffset).toBe(4);
    raw.close();
  });
});
