// `sluice consume --group` and `sluice groups ...` as child processes against an in-process broker.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createClient, type Client } from '../../src/client/index.js';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
let broker: RunningBroker;
let client: Client;

beforeAll(async () => {
  broker = await startBroker({ port: 0, logLevel: 'silent', groupInitialRebalanceDelayMs: 50 });
  client = createClient({ brokers: [broker.bootstrap], clientId: 'cli-test-setup' });
  const admin = client.admin();
  await admin.createTopics([{ topic: 'cli-groups', numPartitions: 2 }]);
  const producer = client.producer();
  await producer.send({ topic: 'cli-groups', messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `m${i}` })) });
  await producer.close();
});
afterAll(async () => {
  await client.close();
  await broker.close();
});

function sluice(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args, '-b', broker.bootstrap], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? Number(error.code ?? 1) : 0 });
    });
  });
}

describe('sluice groups', () => {
  it('consumes as a group member with -n, commits, and shows committed offsets and lag in describe', async () => {
    const consumed = await sluice(['consume', '-t', 'cli-groups', '--group', 'cli-readers', '-n', '6']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toHaveLength(6);

    const described = await sluice(['groups', 'describe', 'cli-readers']);
    expect(described.stdout).toMatch(/^group cli-readers {2}state Empty {2}protocol - {2}members 0$/m);
    const rows = described.stdout.split('\n').filter((line) => line.startsWith('cli-groups'));
    const cells = rows.map((line) => line.split(/\s+/));
    // 6 of the 10 messages were printed and committed: the lags add up to the other 4.
    expect(cells.map((c) => c[3])).toEqual(['5', '5']);
    expect(cells.reduce((sum, c) => sum + Number(c[4]), 0)).toBe(4);
    expect(cells.reduce((sum, c) => sum + Number(c[2]), 0)).toBe(6);
    expect(described.stdout).toMatch(/topic\s+partition\s+committed\s+log end\s+lag\s+member/);

    const rest = await sluice(['consume', '-t', 'cli-groups', '--group', 'cli-readers', '-n', '4']);
    expect(rest.stdout.trim().split('\n').sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'].filter((m) => !consumed.stdout.includes(m)).sort());
  });

  it('describes a live member with its client id, host and assignment', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'consume', '-t', 'cli-groups', '--group', 'cli-live', '-b', broker.bootstrap]);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(async () => (await sluice(['groups', 'describe', 'cli-live'])).stdout, { timeout: 20_000, interval: 300 }).toMatch(/state Stable/);
      const described = (await sluice(['groups', 'describe', 'cli-live'])).stdout;
      expect(described).toMatch(/member\s+client id\s+host\s+instance id\s+assignment/);
      expect(described).toMatch(/sluice-cli-consumer\s+\/127\.0\.0\.1\s+-\s+cli-groups\[0,1\]/);
      expect((await sluice(['groups', 'list'])).stdout).toMatch(/^cli-live\s+Stable\s+consumer$/m);
      const refused = await sluice(['groups', 'reset-offsets', 'cli-live', '--topic', 'cli-groups', '--to', 'earliest']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('NON_EMPTY_GROUP');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    // Ctrl-C committed what it had printed (everything) before leaving.
    const after = (await sluice(['groups', 'describe', 'cli-live'])).stdout;
    expect(after).toContain('state Empty');
    expect(after.split('\n').filter((line) => line.startsWith('cli-groups')).map((line) => line.split(/\s+/)[4])).toEqual(['0', '0']);
  });

  it('resets offsets of an empty group and deletes it', async () => {
    await sluice(['consume', '-t', 'cli-groups', '--group', 'cli-reset', '-n', '10']);
    const reset = await sluice(['groups', 'reset-offsets', 'cli-reset', '--topic', 'cli-groups', '--to', '2']);
    expect(reset.stdout).toContain('reset group cli-reset on cli-groups');
    expect(reset.stdout).toMatch(/^cli-groups\s+0\s+2$/m);
    expect(reset.stdout).toMatch(/^cli-groups\s+1\s+2$/m);
    const again = await sluice(['consume', '-t', 'cli-groups', '--group', 'cli-reset', '-n', '6']);
    expect(again.stdout.trim().split('\n').sort()).toEqual(['m4', 'm5', 'm6', 'm7', 'm8', 'm9']);

    expect((await sluice(['groups', 'delete', 'cli-reset'])).stdout).toBe('deleted group cli-reset\n');
    expect((await sluice(['groups', 'list'])).stdout).not.toMatch(/^cli-reset\s/m);
    const gone = await sluice(['groups', 'describe', 'cli-reset']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('group cli-reset does not exist');
  });

  it('rejects --partition together with --group', async () => {
    const bad = await sluice(['consume', '-t', 'cli-groups', '--group', 'g', '-p', '0']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--partition cannot be combined with --group');
  });
});
