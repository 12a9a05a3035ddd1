// `sluice users` and `sluice acl` as child processes, reaching a SASL_SSL broker with rpk's flags
// (--tls-truststore, --user, --password, --sasl-mechanism): users made and deleted online and
// offline (--data), ACLs added, listed and removed, and each change felt by a client at once.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createClient } from '../../src/client/client.js';
import { tempDir } from '../helpers/batches.js';
import { hasOpenssl, makeTestCertificates, type TestCertificates } from '../helpers/certs.js';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
const haveOpenssl = hasOpenssl();
if (!haveOpenssl) console.warn('test/cli/security-commands.test.ts: openssl not found, skipped');

describe.skipIf(!haveOpenssl)('sluice users and sluice acl', () => {
  let certs: TestCertificates;
  let broker: RunningBroker;
  beforeAll(async () => {
    certs = makeTestCertificates();
    broker = await startBroker({
      logLevel: 'silent',
      listeners: ['SASL_SSL://127.0.0.1:0'],
      tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile },
      users: [{ name: 'admin', password: 'admin-secret' }],
      superUsers: ['User:admin'],
    });
    await broker.registry.create('orders', 1);
  });
  afterAll(async () => {
    await broker?.close();
    certs?.cleanup();
  });

  function sluice(args: string[], input = '', connect = true): Promise<{ stdout: string; stderr: string; code: number }> {
    const connection = connect ? ['-b', broker.bootstrap, '--tls-truststore', certs.caFile, '--user', 'admin', '--sasl-mechanism', 'SCRAM-SHA-512'] : [];
    return new Promise((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', MAIN, ...args, ...connection], { timeout: 30_000, env: { ...process.env, SLUICE_PASSWORD: 'admin-secret' } }, (error, stdout, stderr) => {
        resolve({ stdout, stderr, code: error ? Number(error.code ?? 1) : 0 });
      });
      child.stdin?.end(input);
    });
  }

  /** Whether `user` can log in and write to orders. */
  async function bobWrites(password = 'bob-secret'): Promise<string> {
    const client = createClient({ brokers: [broker.bootstrap], ssl: { ca: certs.ca }, sasl: { mechanism: 'scram-sha-256', username: 'bob', password }, retry: { retries: 0, initialRetryTime: 10 } });
    try {
      await client.producer({ allowAutoTopicCreation: false, idempotent: false }).send({ topic: 'orders', messages: [{ value: 'from bob' }] });
      return 'written';
    } catch (error) {
      return (error as { type?: string }).type ?? String(error);
    } finally {
      await client.close();
    }
  }

  it('adds a user online, who can then log in (but not yet write)', async () => {
    const added = await sluice(['users', 'add', 'bob', '--password-stdin'], 'bob-secret\n');
    expect(added).toMatchObject({ code: 0, stdout: 'user bob set (SCRAM-SHA-256, SCRAM-SHA-512)\n' });
    expect(await bobWrites()).toBe('TOPIC_AUTHORIZATION_FAILED');
    const listed = await sluice(['users', 'list']);
    expect(listed.stdout).toMatch(/bob\s+SCRAM-SHA-256 \(4096 iterations\), SCRAM-SHA-512 \(4096 iterations\)/);
  });

  it('adds, lists and removes ACLs that act at once', async () => {
    const added = await sluice(['acl', 'add', '--allow-principal', 'User:bob', '--operation', 'write,describe', '--topic', 'orders']);
    expect(added.code).toBe(0);
    expect(await bobWrites()).toBe('written');
    const listed = await sluice(['acl', 'list', '--topic', 'orders']);
    expect(listed.stdout).toMatch(/User:bob\s+\*\s+topic\s+orders\s+literal\s+write\s+allow/);
    expect(listed.stdout).toMatch(/User:bob\s+\*\s+topic\s+orders\s+literal\s+describe\s+allow/);
    const removed = await sluice(['acl', 'remove', '--allow-principal', 'User:bob', '--operation', 'write']);
    expect(removed.stdout).toMatch(/removed:[\s\S]*write/);
    expect(await bobWrites()).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect((await sluice(['acl', 'remove'])).stderr).toMatch(/refusing to remove every ACL/);
  });

  it('deletes a user online, who can no longer log in', async () => {
    expect((await sluice(['users', 'delete', 'bob'])).code).toBe(0);
    expect(await bobWrites()).toBe('SASL_AUTHENTICATION_FAILED');
  });

  it('works offline on a data directory, which a broker then starts with', async () => {
    const data = tempDir('sluice-users-offline-');
    try {
      // A data directory no broker has made yet, as before a first start.
      const dataDir = join(data.dir, 'fresh');
      expect((await sluice(['users', 'add', 'carol', '--mechanism', 'SCRAM-SHA-512', '--password-stdin', '--data', dataDir], 'carol-secret', false)).code).toBe(0);
      expect((await sluice(['users', 'list', '--data', dataDir], '', false)).stdout).toMatch(/carol\s+SCRAM-SHA-512/);
      const offline = await startBroker({ logLevel: 'silent', dataDir, listeners: ['SASL_PLAINTEXT://127.0.0.1:0'], allowEveryoneIfNoAclFound: true });
      const client = createClient({ brokers: [offline.bootstrap], sasl: { mechanism: 'scram-sha-512', username: 'carol', password: 'carol-secret' }, retry: { retries: 0 } });
      try {
        expect(await client.admin().listTopics()).toEqual([]);
      } finally {
        await client.close();
        await offline.close();
      }
    } finally {
      data.cleanup();
    }
  });

  it('asks for --password-stdin when there is no terminal to prompt on', async () => {
    const result = await sluice(['users', 'add', 'dave'], '', true);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--password-stdin/);
  });
});
