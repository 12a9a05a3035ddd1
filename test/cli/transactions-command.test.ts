// `sluice transactions list|describe` and `sluice producers describe` as child processes against
// an in-process broker holding one open and one committed kafkajs transaction.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';

const { Kafka, logLevel } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
let broker: RunningBroker;
let disconnect: () => Promise<void>;

beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent' });
  await broker.registry.create('cli-txn', 2);
  const kafka = new Kafka({ clientId: 'cli-txn', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const done = kafka.producer({ transactionalId: 'finished', idempotent: true, maxInFlightRequests: 1 });
  const open = kafka.producer({ transactionalId: 'in-flight', idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([done.connect(), open.connect()]);
  const committed = await done.transaction();
  await committed.send({ topic: 'cli-txn', messages: [{ value: 'a', partition: 0 }] });
  await committed.commit();
  const pending = await open.transaction();
  await pending.send({ topic: 'cli-txn', messages: [{ value: 'b', partition: 1 }] });
  disconnect = async () => {
    await pending.abort();
    await Promise.all([done.disconnect(), open.disconnect()]);
  };
});
afterAll(async () => {
  await disconnect();
  await broker.close();
});

function sluice(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args, '-b', broker.bootstrap], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? Number(error.code ?? 1) : 0 });
    });
  });
}

describe('sluice transactions and producers', () => {
  it('lists transactional ids with their states', async () => {
    const listed = await sluice(['transactions', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/finished\s+\d+\s+CompleteCommit/);
    expect(listed.stdout).toMatch(/in-flight\s+\d+\s+Ongoing/);
  });

  it("describes an id's open transaction with its partitions, and refuses an unknown id", async () => {
    const described = await sluice(['transactions', 'describe', 'in-flight']);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/in-flight\s+\d+\s+\d+\s+Ongoing\s+\d+\s+\d{4}-\d\d-\d\dT\S+\s+cli-txn-1/);
    const unknown = await sluice(['transactions', 'describe', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/TRANSACTIONAL_ID_NOT_FOUND/);
  });

  it('shows the producers of each partition and where an open transaction starts', async () => {
    const described = await sluice(['producers', 'describe', 'cli-txn']);
    expect(described.code).toBe(0);
    const rows = described.stdout.trim().split('\n').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.startsWith('0 '))).toMatch(/ -$/);
    expect(rows.find((row) => row.startsWith('1 '))).toMatch(/ 0$/);
  });
});
