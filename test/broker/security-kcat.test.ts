// librdkafka (through kcat) on secured listeners: security.protocol=SASL_SSL with
// sasl.mechanisms=SCRAM-SHA-256 and ssl.ca.location, and SSL with a client certificate on a
// listener with clientAuth required, whose subject is the principal ACLs name.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { AclOperation } from '../../src/broker/authorization.js';
import { AclPatternType, AclPermission, AclResourceType } from '../../src/broker/security/acls.js';
import { CLIENT_SUBJECT, brokerTls, hasOpenssl, makeTestCertificates, type TestCertificates } from '../helpers/certs.js';
import { hasProgram } from '../helpers/programs.js';

const haveKcat = hasProgram('kcat');
const runnable = haveKcat && hasOpenssl();
if (!runnable) console.warn('test/broker/security-kcat.test.ts: kcat or openssl not found, skipped (.ci/run installs both)');

function kcat(bootstrap: string, settings: Record<string, string>, args: string[], input = ''): Promise<string> {
  const flags = Object.entries(settings).flatMap(([key, value]) => ['-X', `${key}=${value}`]);
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', ['-b', bootstrap, ...flags, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kcat failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}

describe.skipIf(!runnable)('kcat on secured listeners', () => {
  let certs: TestCertificates;
  let broker: RunningBroker;
  const bootstrapOf = (name: string) => broker.listeners.find((l) => l.name === name)?.bootstrap ?? '';

  beforeAll(async () => {
    certs = makeTestCertificates();
    broker = await startBroker({
      logLevel: 'silent',
      listeners: ['SASL_SSL://127.0.0.1:0', 'SSL://127.0.0.1:0'],
      tls: brokerTls(certs, 'required'),
      users: [{ name: 'carol', password: 'carol-secret', mechanism: 'SCRAM-SHA-256' }],
      superUsers: ['User:carol'],
    });
  });
  afterAll(async () => {
    await broker?.close();
    certs?.cleanup();
  });

  const scram = (password: string) => ({
    'security.protocol': 'SASL_SSL',
    'sasl.mechanisms': 'SCRAM-SHA-256',
    'sasl.username': 'carol',
    'sasl.password': password,
    'ssl.ca.location': certs.caFile,
    // A SASL_SSL listener with clientAuth required wants a certificate from SASL clients too.
    'ssl.certificate.location': certs.clientCertFile,
    'ssl.key.location': certs.clientKeyFile,
  });
  const certificate = () => ({
    'security.protocol': 'SSL',
    'ssl.ca.location': certs.caFile,
    'ssl.certificate.location': certs.clientCertFile,
    'ssl.key.location': certs.clientKeyFile,
  });

  it('produces and consumes with SASL_SSL and SCRAM-SHA-256', async () => {
    await kcat(bootstrapOf('SASL_SSL'), scram('carol-secret'), ['-P', '-t', 'kcat-scram'], 'one\ntwo\n');
    const read = await kcat(bootstrapOf('SASL_SSL'), scram('carol-secret'), ['-C', '-t', 'kcat-scram', '-e', '-o', 'beginning', '-f', '%s\n']);
    expect(read.trim().split('\n')).toEqual(['one', 'two']);
  });

  it('fails with a wrong SCRAM password', async () => {
    await expect(kcat(bootstrapOf('SASL_SSL'), scram('wrong'), ['-L', '-m', '2'])).rejects.toThrow(/Authentication failed|SASL authentication error|invalid credentials/i);
  });

  it('takes the client certificate subject as the principal on SSL', async () => {
    await broker.registry.create('by-certificate', 1);
    const settings = certificate();
    await expect(kcat(bootstrapOf('SSL'), settings, ['-P', '-t', 'by-certificate'], 'refused\n')).rejects.toThrow(/authoriz/i);
    broker.acls.add([
      { resourceType: AclResourceType.TOPIC, resourceName: 'by-certificate', patternType: AclPatternType.LITERAL, principal: `User:${CLIENT_SUBJECT}`, host: '*', operation: AclOperation.WRITE, permissionType: AclPermission.ALLOW },
      { resourceType: AclResourceType.TOPIC, resourceName: 'by-certificate', patternType: AclPatternType.LITERAL, principal: `User:${CLIENT_SUBJECT}`, host: '*', operation: AclOperation.READ, permissionType: AclPermission.ALLOW },
    ]);
    await kcat(bootstrapOf('SSL'), settings, ['-P', '-t', 'by-certificate'], 'allowed\n');
    const read = await kcat(bootstrapOf('SSL'), settings, ['-C', '-t', 'by-certificate', '-e', '-o', 'beginning', '-f', '%s\n']);
    expect(read.trim()).toBe('allowed');
  });

  it('refuses a client without a certificate when clientAuth is required', async () => {
    const settings = { 'security.protocol': 'SSL', 'ssl.ca.location': certs.caFile };
    await expect(kcat(bootstrapOf('SSL'), settings, ['-L', '-m', '2'])).rejects.toThrow(/SSL|handshake|certificate|Local: All broker connections are down/i);
  });
});
