import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection, decodeApiVersionsResponse } from '../../src/client/connection.js';
import { KafkaClientError } from '../../src/client/errors.js';
import { ApiKey, ErrorCode, ZERO_UUID, defaultMetadataResponse, encodeResponseFrame } from '../../src/protocol/index.js';
import { encodeRecordBatch } from '../../src/records/index.js';
import { FakeBroker, until } from './fake-broker.js';

let broker: FakeBroker;
const open: Connection[] = [];

function connect(options: Partial<ConstructorParameters<typeof Connection>[0]> = {}): Connection {
  const connection = new Connection({ host: '127.0.0.1', port: broker.port, clientId: 'test', retry: { initialRetryTime: 1, retries: 3 }, ...options });
  open.push(connection);
  return connection;
}

const metadataFor = (name: string) => () => ({
  topics: [{ topicId: ZERO_UUID, name }],
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
});

beforeEach(async () => {
  broker = await FakeBroker.start();
});

afterEach(async () => {
  for (const connection of open.splice(0)) connection.close();
  await broker.close();
});

describe('Connection', () => {
  it('negotiates with ApiVersions v3 and keeps the advertised ranges', async () => {
    const connection = connect();
    await connection.connect();
    const [apiVersions] = broker.requestsOf(ApiKey.ApiVersions);
    expect(apiVersions.apiVersion).toBe(3);
    expect(apiVersions.body).toMatchObject({ clientSoftwareName: 'sluice' });
    expect(connection.apiVersions?.get(ApiKey.Fetch)).toEqual({ min: 4, max: 17 });
    expect(await connection.versionFor(ApiKey.Metadata)).toBe(12);
  });

  it('retries ApiVersions lower after the v0 UNSUPPORTED_VERSION answer', async () => {
    broker.apiVersionsMax = 0;
    const connection = connect();
    await connection.connect();
    expect(broker.requestsOf(ApiKey.ApiVersions).map((r) => r.apiVersion)).toEqual([3, 0]);
    expect(connection.apiVersions?.get(ApiKey.Produce)).toEqual({ min: 0, max: 11 });
  });

  it('sends each request at the highest version both sides speak', async () => {
    broker.advertised = broker.advertised.map((api) => (api.apiKey === ApiKey.Metadata ? { ...api, maxVersion: 5 } : api));
    const connection = connect();
    const response = await connection.request(ApiKey.Metadata, metadataFor('x'));
    expect(response.version).toBe(5);
    expect(broker.requestsOf(ApiKey.Metadata)[0].apiVersion).toBe(5);
  });

  it('pipelines many requests on one socket and matches answers by correlation id', async () => {
    broker.intercept = (request) =>
      request.apiKey === ApiKey.Metadata ? { respond: { ...defaultMetadataResponse(), clusterId: request.body.topics?.[0]?.name ?? null } } : undefined;
    const connection = connect();
    const names = Array.from({ length: 50 }, (_, i) => `topic-${i}`);
    const responses = await Promise.all(names.map((name) => connection.request(ApiKey.Metadata, metadataFor(name))));
    expect(responses.map((r) => r.body.clusterId)).toEqual(names);
    expect(broker.connections).toBe(1);
    const ids = broker.requestsOf(ApiKey.Metadata).map((r) => r.correlationId);
    expect(new Set(ids).size).toBe(50);
  });

  it('fails a request without answer with a retriable REQUEST_TIMED_OUT and keeps the socket', async () => {
    let silent = true;
    broker.intercept = (request) => (request.apiKey === ApiKey.Metadata && silent ? 'silent' : undefined);
    const connection = connect({ requestTimeoutMs: 50, retry: { retries: 0 } });
    const error = await connection.request(ApiKey.Metadata, metadataFor('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaClientError);
    expect(error).toMatchObject({ code: ErrorCode.REQUEST_TIMED_OUT, retriable: true });
    silent = false;
    await connection.request(ApiKey.Metadata, metadataFor('y'));
    expect(broker.connections).toBe(1);
  });

  it('resolves Produce with acks=0 without waiting for a response', async () => {
    broker.createTopic('t', 1);
    const connection = connect();
    const records = encodeRecordBatch([{ value: 'fire and forget' }]);
    const response = await connection.request(ApiKey.Produce, () => ({ transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] }), { expectResponse: false });
    expect(response.body).toBeUndefined();
    await until(() => broker.requestsOf(ApiKey.Produce).length === 1);
    expect(broker.topics.get('t')?.nextOffsets[0]).toBe(1);
  });

  it('reconnects and resends an idempotent request after the socket drops', async () => {
    let drops = 1;
    broker.intercept = (request) => (request.apiKey === ApiKey.Metadata && drops-- > 0 ? 'close' : undefined);
    const connection = connect();
    const response = await connection.request(ApiKey.Metadata, metadataFor('x'));
    expect(response.body.brokers[0].port).toBe(broker.port);
    expect(broker.connections).toBe(2);
    expect(connection.connectCount).toBe(2);
  });

  it('does not resend a non-idempotent request after the socket drops', async () => {
    broker.intercept = (request) => (request.apiKey === ApiKey.CreateTopics ? 'close' : undefined);
    const connection = connect();
    const create = connection.request(ApiKey.CreateTopics, () => ({ topics: [{ name: 'x', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false }));
    await expect(create).rejects.toMatchObject({ code: ErrorCode.NETWORK_EXCEPTION, retriable: true });
    expect(broker.requestsOf(ApiKey.CreateTopics)).toHaveLength(1);
  });

  it('retries connecting with backoff, then gives up with NETWORK_EXCEPTION', async () => {
    const port = broker.port;
    await broker.close();
    const connection = connect({ port, retry: { initialRetryTime: 1, retries: 2 } });
    await expect(connection.connect()).rejects.toMatchObject({ code: ErrorCode.NETWORK_EXCEPTION });
    broker = await FakeBroker.start(); // for afterEach
  });

  it('fails requests in flight when closed, and refuses new ones', async () => {
    broker.intercept = (request) => (request.apiKey === ApiKey.Metadata ? 'silent' : undefined);
    const connection = connect();
    const pending = connection.request(ApiKey.Metadata, metadataFor('x'));
    await until(() => broker.requestsOf(ApiKey.Metadata).length === 1);
    connection.close();
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.NETWORK_EXCEPTION });
    await expect(connection.request(ApiKey.Metadata, metadataFor('x'))).rejects.toMatchObject({ code: ErrorCode.NETWORK_EXCEPTION });
  });

  it('decodes the v0 fallback layout even when a newer version was asked', () => {
    const frame = encodeResponseFrame(ApiKey.ApiVersions, 0, 7, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }], throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1, finalizedFeatures: [], zkMigrationReady: false });
    const decoded = decodeApiVersionsResponse(frame.subarray(4), 3);
    expect(decoded.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(decoded.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 2 }]);
  });
});
