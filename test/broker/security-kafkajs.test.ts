// kafkajs on secured listeners, configured as applications configure it for Kafka: SASL PLAIN and
// SCRAM-SHA-512 over TLS; wrong passwords and unknown users refused alike; ACLs made with
// admin.createAcls refusing a topic, a group and a transactional id, a deny beating an allow;
// ACLs surviving a restart.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { tempDir } from '../helpers/batches.js';
import { hasOpenssl, makeTestCertificates, type TestCertificates } from '../helpers/certs.js';

const kafkajs = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
const { Kafka, logLevel, AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;
type SASLOptions = import('kafkajs').SASLOptions;

const haveOpenssl = hasOpenssl();
if (!haveOpenssl) console.warn('test/broker/security-kafkajs.test.ts: openssl not found, kafkajs TLS tests skipped');

describe.skipIf(!haveOpenssl)('kafkajs with SASL_SSL', () => {
  let certs: TestCertificates;
  let data: ReturnType<typeof tempDir>;
  let broker: RunningBroker;
  const brokerOptions = () => ({
    logLevel: 'silent' as const,
    dataDir: data.dir,
    groupInitialRebalanceDelayMs: 0,
    listeners: ['SASL_SSL://127.0.0.1:0'],
    tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile },
    users: [
      { name: 'admin', password: 'admin-secret' },
      { name: 'alice', password: 'alice-secret' },
    ],
    superUsers: ['User:admin'],
  });

  beforeAll(async () => {
    certs = makeTestCertificates();
    data = tempDir('sluice-security-');
    broker = await startBroker(brokerOptions());
  });
  afterAll(async () => {
    await broker?.close();
    data?.cleanup();
    certs?.cleanup();
  });

  const kafkaAs = (sasl: SASLOptions) =>
    new Kafka({ clientId: 'security', brokers: [broker.bootstrap], ssl: { ca: [certs.ca] }, sasl, logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
  const admin = () => kafkaAs({ mechanism: 'scram-sha-512', username: 'admin', password: 'admin-secret' });
  const alice = () => kafkaAs({ mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' });

  async function allow(resourceType: number, resourceName: string, operation: number, permissionType: number = AclPermissionTypes.ALLOW): Promise<void> {
    const client = admin().admin();
    await client.connect();
    await client.createAcls({ acl: [{ resourceType, resourceName, resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:alice', host: '*', operation, permissionType }] });
    await client.disconnect();
  }

  async function produceAs(kafka: InstanceType<typeof Kafka>, topic: string, value: string): Promise<void> {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ value }] });
    } finally {
      await producer.disconnect();
    }
  }

  it.each<SASLOptions['mechanism']>(['plain', 'scram-sha-512'])('produces and consumes with %s over TLS', async (mechanism) => {
    const kafka = kafkaAs({ mechanism, username: 'admin', password: 'admin-secret' } as SASLOptions);
    const topic = `tls-${mechanism}`;
    const setup = kafka.admin();
    await setup.connect();
    await setup.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await setup.disconnect();
    await produceAs(kafka, topic, 'over tls');
    const consumer = kafka.consumer({ groupId: `readers-${mechanism}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const read = new Promise<string>((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) }));
    expect(await read).toBe('over tls');
    await consumer.disconnect();
  });

  it('refuses a wrong password and an unknown user with the same error', async () => {
    const attempt = async (username: string, password: string) => {
      const client = kafkaAs({ mechanism: 'scram-sha-512', username, password }).admin();
      const error = await client.connect().catch((e: Error) => e);
      await client.disconnect();
      return error instanceof Error ? `${error.name}: ${error.message}` : 'connected';
    };
    const wrongPassword = await attempt('alice', 'not-alices');
    expect(wrongPassword).toMatch(/KafkaJSSASLAuthenticationError/);
    expect((await attempt('mallory', 'anything')).replace('mallory', 'alice')).toBe(wrongPassword);
  });

  it('refuses alice a topic she has no ACL for, then lets her write once allowed', async () => {
    const setup = admin().admin();
    await setup.connect();
    await setup.createTopics({ topics: [{ topic: 'guarded', numPartitions: 1 }] });
    await setup.disconnect();
    await expect(produceAs(alice(), 'guarded', 'x')).rejects.toThrow(/not authorized|TOPIC_AUTHORIZATION_FAILED|authorization/i);
    await allow(AclResourceTypes.TOPIC, 'guarded', AclOperationTypes.WRITE);
    await expect(produceAs(alice(), 'guarded', 'x')).resolves.toBeUndefined();
  });

  it('lets a DENY beat an ALLOW', async () => {
    await allow(AclResourceTypes.TOPIC, 'denied', AclOperationTypes.ALL);
    await allow(AclResourceTypes.TOPIC, 'denied', AclOperationTypes.WRITE, AclPermissionTypes.DENY);
    const setup = admin().admin();
    await setup.connect();
    await setup.createTopics({ topics: [{ topic: 'denied', numPartitions: 1 }] });
    await setup.disconnect();
    await expect(produceAs(alice(), 'denied', 'x')).rejects.toThrow(/authoriz/i);
  });

  it('refuses a group alice may describe but not read', async () => {
    await allow(AclResourceTypes.TOPIC, 'guarded', AclOperationTypes.READ);
    // DESCRIBE lets FindCoordinator through (without it kafkajs reports no coordinator); JoinGroup needs READ.
    await allow(AclResourceTypes.GROUP, 'not-alices', AclOperationTypes.DESCRIBE);
    const consumer = alice().consumer({ groupId: 'not-alices', maxWaitTimeInMs: 100, retry: { retries: 0 } });
    await consumer.connect();
    await consumer.subscribe({ topic: 'guarded', fromBeginning: true });
    const crashed = new Promise<string>((resolve) => consumer.on(consumer.events.CRASH, (event) => resolve(String(event.payload.error))));
    void consumer.run({ eachMessage: async () => {} });
    expect(await crashed).toMatch(/group authorization|GROUP_AUTHORIZATION_FAILED|not authorized/i);
    await consumer.disconnect();
  });

  it('refuses a transactional id alice may describe but not write', async () => {
    await allow(AclResourceTypes.TRANSACTIONAL_ID, 'not-alices-tx', AclOperationTypes.DESCRIBE);
    const producer = alice().producer({ transactionalId: 'not-alices-tx', idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    await producer.connect();
    await expect(producer.transaction()).rejects.toThrow(/transactional id|TRANSACTIONAL_ID_AUTHORIZATION_FAILED|not authorized/i);
    await producer.disconnect();
  });

  it('keeps ACLs across a restart', async () => {
    const before = admin().admin();
    await before.connect();
    const filter = { resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY };
    const listed = (await before.describeAcls(filter)).resources.map((r) => r.resourceName).sort();
    await before.disconnect();
    await broker.close();
    broker = await startBroker(brokerOptions());
    const after = admin().admin();
    await after.connect();
    expect((await after.describeAcls(filter)).resources.map((r) => r.resourceName).sort()).toEqual(listed);
    await after.disconnect();
    await expect(produceAs(alice(), 'guarded', 'after restart')).resolves.toBeUndefined();
  });
});
