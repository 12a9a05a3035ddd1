// Our client on secured listeners: TLS with the broker's CA, SASL PLAIN and SCRAM-SHA-256/512 over
// it, a client certificate as the principal on an SSL listener with clientAuth required, and a
// wrong password failing at once with SASL_AUTHENTICATION_FAILED instead of being retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createClient, type ClientOptions } from '../../src/client/client.js';
import { KafkaClientError } from '../../src/client/errors.js';
import type { SaslOptions } from '../../src/client/sasl-client.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { CLIENT_SUBJECT, brokerTls, hasOpenssl, makeTestCertificates, type TestCertificates } from '../helpers/certs.js';

const haveOpenssl = hasOpenssl();
if (!haveOpenssl) console.warn('test/client/security.test.ts: openssl not found, TLS client tests skipped');

describe.skipIf(!haveOpenssl)('client security', () => {
  let certs: TestCertificates;
  let broker: RunningBroker;
  const bootstrapOf = (name: string) => broker.listeners.find((l) => l.name === name)?.bootstrap ?? '';

  beforeAll(async () => {
    certs = makeTestCertificates();
    broker = await startBroker({
      logLevel: 'silent',
      listeners: ['SASL_SSL://127.0.0.1:0', 'SSL://127.0.0.1:0'],
      tls: brokerTls(certs, 'requested'),
      users: [{ name: 'alice', password: 'alice-secret' }],
      superUsers: ['User:alice', `User:${CLIENT_SUBJECT}`],
    });
  });
  afterAll(async () => {
    await broker?.close();
    certs?.cleanup();
  });

  async function roundTrip(options: Omit<ClientOptions, 'clientId'>, topic: string): Promise<string[]> {
    const client = createClient({ ...options, clientId: 'security-test', retry: { initialRetryTime: 10, retries: 1 } });
    try {
      await client.admin().createTopics([{ topic, numPartitions: 1 }]);
      await client.producer().send({ topic, messages: [{ value: 'sealed' }] });
      const consumer = client.consumer({ maxWaitMs: 100 });
      consumer.assign([{ topic, partition: 0, offset: 'earliest' }]);
      for await (const message of consumer) return [message.value?.toString() ?? ''];
      return [];
    } finally {
      await client.close();
    }
  }

  it.each<SaslOptions['mechanism']>(['plain', 'scram-sha-256', 'scram-sha-512'])('produces and consumes over SASL_SSL with %s', async (mechanism) => {
    const read = await roundTrip({ brokers: [bootstrapOf('SASL_SSL')], ssl: { ca: certs.ca }, sasl: { mechanism, username: 'alice', password: 'alice-secret' } }, `sasl-${mechanism}`);
    expect(read).toEqual(['sealed']);
  });

  it('fails at once with SASL_AUTHENTICATION_FAILED on a wrong password', async () => {
    const client = createClient({ brokers: [bootstrapOf('SASL_SSL')], ssl: { ca: certs.ca }, sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'wrong' }, retry: { initialRetryTime: 10, retries: 5 } });
    try {
      const error = await client.admin().listTopics().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KafkaClientError);
      expect((error as KafkaClientError).code).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    } finally {
      await client.close();
    }
  });

  it('refuses a broker whose certificate the client cannot verify', async () => {
    const client = createClient({ brokers: [bootstrapOf('SSL')], ssl: true, retry: { initialRetryTime: 10, retries: 0 } });
    try {
      await expect(client.admin().listTopics()).rejects.toThrow(/certificate/);
    } finally {
      await client.close();
    }
  });

  it('is the client certificate subject on SSL, as Kafka names it (a super user here)', async () => {
    const read = await roundTrip({ brokers: [bootstrapOf('SSL')], ssl: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } }, 'by-certificate');
    expect(read).toEqual(['sealed']);
  });

  it('is User:ANONYMOUS on SSL without a certificate, refused where ACLs are required', async () => {
    const client = createClient({ brokers: [bootstrapOf('SSL')], ssl: { ca: certs.ca }, retry: { initialRetryTime: 10, retries: 0 } });
    try {
      const error = await client.admin().createTopics([{ topic: 'anonymous', numPartitions: 1 }]).catch((e: unknown) => e);
      expect((error as KafkaClientError).code).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    } finally {
      await client.close();
    }
  });
});
