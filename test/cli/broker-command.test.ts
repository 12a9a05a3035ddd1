// `sluice broker` as a user runs it: a child process that prints where it listens, serves,
// refuses bad config naming the key, and on SIGTERM shuts down cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKey, defaultMetadataRequest } from '../../src/protocol/index.js';
import { tempDir } from '../helpers/batches.js';
import { RawClient } from '../helpers/raw-client.js';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
/** The `bin`, which runs the CLI bundled into one file; both built by `npm run build:ts` (and so by `npm ci`'s prepare). */
const BIN = join(import.meta.dirname, '../../dist/cli/sluice.cjs');

function runCli(args: string[], env: NodeJS.ProcessEnv = {}, entry: string[] = ['--import', 'tsx', MAIN]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [...entry, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('sluice broker', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('prints address, data directory and backend, serves, and shuts down cleanly on SIGTERM', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const run = runCli(['broker', '--port', '0', '--data', dir, '--log-level', 'warn']);
    cleanups.push(() => run.child.kill('SIGKILL'));
    await expect.poll(() => run.output(), { timeout: 15_000 }).toMatch(/listening on 127\.0\.0\.1:(\d+)/);
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(run.output())?.[1]);
    expect(run.output()).toContain(`data:    ${dir}`);
    expect(run.output()).toMatch(/backend: (native|js)/);
    const client = await RawClient.connect(port);
    const metadata = await client.request(ApiKey.Metadata, 4, { ...defaultMetadataRequest(), topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'cli-topic' }], allowAutoTopicCreation: true });
    expect(metadata.topics[0].errorCode).toBe(0);
    client.close();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(existsSync(join(dir, 'cli-topic-0', '.clean-shutdown'))).toBe(true);
  });

  it('is the package bin, bundled into one file, and serves from it', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.sluice).toBe('./dist/cli/sluice.cjs');
    expect(existsSync(BIN), 'dist/cli/sluice.cjs is missing: run npm run build:ts').toBe(true);
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const run = runCli(['broker', '--port', '0', '--data', dir, '--log-level', 'warn'], {}, [BIN]);
    cleanups.push(() => run.child.kill('SIGKILL'));
    await expect.poll(() => run.output(), { timeout: 15_000 }).toMatch(/listening on 127\.0\.0\.1:(\d+)/);
    expect(run.output()).toMatch(/backend: (native|js)/);
    const client = await RawClient.connect(Number(/listening on 127\.0\.0\.1:(\d+)/.exec(run.output())?.[1]));
    const metadata = await client.request(ApiKey.Metadata, 4, { ...defaultMetadataRequest(), topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'bundled' }], allowAutoTopicCreation: true });
    expect(metadata.topics[0].errorCode).toBe(0);
    client.close();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('refuses an unknown config key, naming it and the file', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'sluice.yaml');
    writeFileSync(file, 'port: 0\nprot: 9092\n');
    const run = runCli(['broker', '--config', file]);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`config error: ${file}: prot is not a known setting`);
  });

  it('takes settings from SLUICE_* variables and refuses bad ones', async () => {
    const run = runCli(['broker'], { SLUICE_PORT: 'not-a-port' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('environment: port must be an integer');
  });
});
