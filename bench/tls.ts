// What TLS costs: one broker (from dist/, native backend) with a PLAINTEXT and an SSL listener,
// the same producer and consumer workloads through each, in alternating order round after round
// so that the machine's drift falls on both alike. Prints each figure's median and TLS/plaintext.
//
//   npm run bench:tls [-- --quick] [--rounds N]
//
// Certificates are made with openssl for the run (test/helpers/certs.ts) and removed after.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient, type Client } from '../src/client/index.js';
import { PROFILES, describeProducerCase, producerCase, type BenchProfile } from '../src/cli/bench/cases.js';
import { runConsumerCase } from '../src/cli/bench/consume.js';
import { freePort, median, spawnProcess, timeToAccepting } from '../src/cli/bench/process.js';
import { runProducerCase } from '../src/cli/bench/produce.js';
import { table } from '../src/cli/table.js';
import { makeTestCertificates, type TestCertificates } from '../test/helpers/certs.js';

const BROKER_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/sluice.cjs');

/** The workloads: large records without waiting for the disk, many small acks=all producers, and reading. */
const CASES = [producerCase(1024, 1, 8, 1), producerCase(100, -1, 8, 50)];

interface Figures {
  readonly [workload: string]: number[];
}

async function measure(client: Client, profile: BenchProfile, into: Record<string, number[]>): Promise<void> {
  for (const c of CASES) {
    const result = await runProducerCase(client, c, profile);
    (into[`produce ${describeProducerCase(c)} (MB/s)`] ??= []).push(result.megabytesPerSecond);
  }
  const consumed = await runConsumerCase(client, profile);
  (into['consume 1 KiB records (MB/s)'] ??= []).push(consumed.megabytesPerSecond);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, rounds: { type: 'string' } } });
  const profile = values.quick ? PROFILES.quick : PROFILES.full;
  const rounds = Number(values.rounds ?? (values.quick ? 2 : 4));
  const certs: TestCertificates = makeTestCertificates();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-tls-'));
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  const listeners = `PLAINTEXT://127.0.0.1:${plainPort},SSL://127.0.0.1:${tlsPort}`;
  const args = [BROKER_MAIN, 'broker', '--data', dataDir, '--log-level', 'warn', '--listeners', listeners, '--tls-cert', certs.serverCertFile, '--tls-key', certs.serverKeyFile];
  const { process: broker } = await timeToAccepting(() => spawnProcess(process.execPath, args, plainPort, { ...process.env, SLUICE_NATIVE: '1' }));
  const plaintext: Record<string, number[]> = {};
  const tls: Record<string, number[]> = {};
  const clients = {
    plaintext: createClient({ brokers: [`127.0.0.1:${plainPort}`], clientId: 'bench-plaintext' }),
    tls: createClient({ brokers: [`127.0.0.1:${tlsPort}`], clientId: 'bench-tls', ssl: { ca: certs.ca } }),
  };
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['plaintext', 'tls'] as const) : (['tls', 'plaintext'] as const);
      for (const which of order) {
        process.stderr.write(`round ${round + 1}/${rounds}: ${which}\n`);
        await measure(clients[which], profile, which === 'tls' ? tls : plaintext);
      }
    }
  } finally {
    await Promise.all([clients.plaintext.close(), clients.tls.close()]);
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
    certs.cleanup();
  }
  process.stdout.write(`${render(plaintext, tls, rounds)}\n`);
}

function render(plaintext: Figures, tls: Figures, rounds: number): string {
  const rows = Object.keys(plaintext).map((workload) => {
    const plain = median(plaintext[workload]);
    const secured = median(tls[workload] ?? []);
    return [workload, plain.toFixed(1), secured.toFixed(1), (secured / plain).toFixed(2)];
  });
  return `TLS against plaintext, one broker (native), medians of ${rounds} alternating rounds\n${table(['workload', 'plaintext', 'TLS', 'TLS/plaintext'], rows)}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
