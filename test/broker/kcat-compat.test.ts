// librdkafka through kcat against an in-process broker: metadata, produce with keys and headers,
// and consume back exactly what was produced. .ci/run installs kcat; without it this file fails.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent' });
});
afterAll(async () => {
  await broker.close();
});

function kcat(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', ['-b', broker.bootstrap, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kcat ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

describe('kcat (librdkafka)', () => {
  it('lists the broker and its topics with -L', async () => {
    await broker.registry.create('listed', 3);
    const { stdout } = await kcat(['-L', '-J']);
    const metadata = JSON.parse(stdout) as { brokers: Array<{ id: number; name: string }>; topics: Array<{ topic: string; partitions: unknown[] }> };
    expect(metadata.brokers).toEqual([{ id: 0, name: broker.bootstrap }]);
    expect(metadata.topics.find((t) => t.topic === 'listed')?.partitions.length).toBe(3);
  });

  it('returns exactly what -P produced, keys and headers included', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `key-${i}:value ${i} ünïcode`);
    await kcat(['-P', '-t', 'kcat-roundtrip', '-K:', '-H', 'origin=kcat', '-H', 'n=1'], `${lines.join('\n')}\n`);
    const { stdout } = await kcat(['-C', '-t', 'kcat-roundtrip', '-e', '-o', 'beginning', '-f', '%k|%s|%h|%o\n']);
    const expected = lines.map((line, i) => {
      const [key, value] = line.split(':');
      return `${key}|${value}|origin=kcat,n=1|${i}`;
    });
    expect(stdout.trim().split('\n')).toEqual(expected);
  });

  it('consumes from an offset and from the end', async () => {
    await kcat(['-P', '-t', 'kcat-offsets'], 'a\nb\nc\nd\n');
    const fromTwo = await kcat(['-C', '-t', 'kcat-offsets', '-p', '0', '-o', '2', '-e', '-f', '%s\n']);
    expect(fromTwo.stdout.trim().split('\n')).toEqual(['c', 'd']);
    const lastOne = await kcat(['-C', '-t', 'kcat-offsets', '-p', '0', '-o', '-1', '-e', '-f', '%s\n']);
    expect(lastOne.stdout.trim()).toBe('d');
  });
});
