// `sluice produce`, `sluice consume` and `sluice topics` as child processes against an in-process broker.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent' });
});
afterAll(async () => {
  await broker.close();
});

function sluice(args: string[], input = ''): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', MAIN, ...args, '-b', broker.bootstrap], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? Number(error.code ?? 1) : 0 });
    });
    child.stdin?.end(input);
  });
}

describe('sluice client commands', () => {
  it('creates, describes, lists and deletes a topic', async () => {
    expect((await sluice(['topics', 'create', 'cli-admin', '-p', '2', '-c', 'retention.ms=5000'])).stdout).toMatch(/created cli-admin with 2 partition\(s\)/);
    const described = await sluice(['topics', 'describe', 'cli-admin']);
    expect(described.stdout).toContain('partitions 2');
    expect(described.stdout).toContain('configs: retention.ms=5000');
    expect((await sluice(['topics', 'list'])).stdout.split('\n')).toContain('cli-admin');
    await sluice(['topics', 'delete', 'cli-admin']);
    expect((await sluice(['topics', 'list'])).stdout.split('\n')).not.toContain('cli-admin');
  });

  it('produces stdin lines with keys and consumes them back', async () => {
    await sluice(['topics', 'create', 'cli-data', '-p', '1']);
    const produced = await sluice(['produce', '-t', 'cli-data', '--key-separator', '=', '--acks', '1'], 'k1=one\nk2=two\nthree\n');
    expect(produced.stderr).toContain('produced 3 messages to cli-data');
    expect((await sluice(['produce', '-t', 'cli-data', '-k', 'k4', 'four'])).code).toBe(0);
    expect((await sluice(['consume', '-t', 'cli-data', '--format', 'kv'])).stdout).toBe('k1\tone\nk2\ttwo\n\tthree\nk4\tfour\n');
    expect((await sluice(['consume', '-t', 'cli-data', '--from', '2'])).stdout).toBe('three\nfour\n');
    const json = JSON.parse((await sluice(['consume', '-t', 'cli-data', '--format', 'json', '-n', '1'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ topic: 'cli-data', partition: 0, offset: 0, key: 'k1', value: 'one' });
  });

  it('reports bad flags without a stack trace', async () => {
    const bad = await sluice(['produce', '-t', 'x', '--acks', 'some', 'm']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('sluice: --acks must be all, 1 or 0, got "some"');
  });
});
