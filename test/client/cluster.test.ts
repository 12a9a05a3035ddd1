import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cluster, parseHostPort } from '../../src/client/cluster.js';
import { ApiKey, ErrorCode, type MetadataRequest } from '../../src/protocol/index.js';
import { FakeBroker } from './fake-broker.js';

let broker: FakeBroker;
let cluster: Cluster;

beforeEach(async () => {
  broker = await FakeBroker.start();
  cluster = new Cluster({ brokers: [broker.bootstrap], retry: { initialRetryTime: 1, retries: 2 } });
});

afterEach(async () => {
  cluster.close();
  await broker.close();
});

describe('parseHostPort', () => {
  it('reads host:port and bracketed IPv6', () => {
    expect(parseHostPort('localhost:9092')).toEqual({ host: 'localhost', port: 9092 });
    expect(parseHostPort('[::1]:19092')).toEqual({ host: '::1', port: 19092 });
  });

  it('rejects addresses without a usable port', () => {
    for (const bad of ['localhost', 'localhost:0', 'host:70000', ':9092x']) expect(() => parseHostPort(bad)).toThrow(RangeError);
  });
});

describe('Cluster', () => {
  it('caches topic metadata with its topic id and reuses the bootstrap connection for the node', async () => {
    broker.createTopic('t', 3);
    const topic = await cluster.topic('t');
    expect(topic.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(topic.topicId).toBe(broker.topics.get('t')?.topicId);
    expect(cluster.metadata.topicNameById(topic.topicId as string)).toBe('t');
    await cluster.topic('t');
    expect(broker.requestsOf(ApiKey.Metadata)).toHaveLength(1);
    const { connection } = await cluster.leaderFor('t', 2);
    await connection.connect();
    expect(broker.connections).toBe(1);
  });

  it('asks for all topics with a null list and forgets topics that disappeared', async () => {
    broker.createTopic('a', 1);
    broker.createTopic('b', 1);
    await cluster.refreshMetadata(null);
    expect((broker.requestsOf(ApiKey.Metadata)[0].body as MetadataRequest).topics).toBeNull();
    expect(cluster.metadata.topics().map((t) => t.name).sort()).toEqual(['a', 'b']);
    broker.topics.delete('b');
    await cluster.refreshMetadata(null);
    expect(cluster.metadata.topics().map((t) => t.name)).toEqual(['a']);
  });

  it('shares one request between concurrent refreshes of the same topics', async () => {
    broker.createTopic('t', 1);
    await Promise.all([cluster.refreshMetadata(['t']), cluster.refreshMetadata(['t']), cluster.refreshMetadata(['t'])]);
    expect(broker.requestsOf(ApiKey.Metadata)).toHaveLength(1);
  });

  it('gives up on an unknown topic after the retries, with a retriable error', async () => {
    await expect(cluster.topic('missing')).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, retriable: true, topic: 'missing' });
    expect(broker.requestsOf(ApiKey.Metadata)).toHaveLength(3);
  });

  it('falls over to the next bootstrap address', async () => {
    const dead = await FakeBroker.start();
    const deadAddress = dead.bootstrap;
    await dead.close();
    const twoAddresses = new Cluster({ brokers: [deadAddress, broker.bootstrap], retry: { initialRetryTime: 1, retries: 1 } });
    const connection = await twoAddresses.anyConnection();
    expect(connection.address).toBe(broker.bootstrap);
    twoAddresses.close();
  });
});
