// End-to-end benchmark: the broker in its own process, once with the native hot path and once
// with SLUICE_NATIVE=0, the same client workloads against each, one table with native/js.
//
//   npm run bench [-- --json out/e2e.json] [--quick] [--only <text>] [--backends native,js]
//                 [--peers] [--cpu-prof <dir>]
//
// --only runs the workloads whose id contains TEXT: a producer case (produce-100B-acks1-p8-x1),
// one-at-a-time, consume, end-to-end, or start-and-memory. --cpu-prof profiles the broker that
// serves the client workloads and prints its top self-time functions. --peers then runs the
// nearest workloads (pipelined 100-byte records, and one at a time) against Redis Streams
// (appendfsync always and everysec) and NATS JetStream (file storage), each server started here
// when redis-server / nats-server is on PATH, and prints them next to ours with their durability.
//
// The client runs in a child process of its own for each backend (a fresh JIT and heap each
// time, so the second backend does not inherit a warmed-up client), with the same hot path
// both times. The broker runs from dist/ (build with `npm run build:ts` first). Backends run
// one after the other, never at once: the machine is shared by the client and the broker.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeAnchors, measureAnchors } from '../src/cli/bench/anchors.js';
import { PROFILES, type BenchProfile } from '../src/cli/bench/cases.js';
import { renderProfileSummary, summarizeCpuProfile } from '../src/cli/bench/cpu-profile.js';
import { BARE_NODE_SERVER, findOnPath, freePort, median, processCpuSeconds, readRssMiB, sampleRss, spawnProcess, timeToAccepting, waitForOutput, type SpawnedProcess } from '../src/cli/bench/process.js';
import { newReport, renderReport, writeReportFiles } from '../src/cli/bench/report.js';
import { benchClient, CLIENT_WORKLOAD_IDS, runClientWorkloads, runFlood } from '../src/cli/bench/run.js';
import { formatCount, formatMs } from '../src/cli/bench/stats.js';
import type { BackendRun, ClientResults, PeerResult, ProcessResults, ProducerResult } from '../src/cli/bench/types.js';
import { runNatsPeer } from './peers/nats.js';
import { runRedisPeer } from './peers/redis.js';
import { describeBackend } from '../src/hotpath/index.js';

const SCRIPT = fileURLToPath(import.meta.url);
const BROKER_MAIN = path.resolve(path.dirname(SCRIPT), '../dist/cli/sluice.cjs');
const RSS_SAMPLE_MS = 50;
const BACKENDS = ['native', 'js'] as const;
type Backend = (typeof BACKENDS)[number];

interface Options {
  readonly profile: BenchProfile;
  readonly only: string;
  readonly backends: readonly Backend[];
  readonly cpuProfileDir: string | null;
}

// ---- worker mode: the client side, in its own process -------------------------------------

interface WorkerOptions {
  readonly kind: string;
  readonly brokers: string;
  readonly brokerPid: number;
  readonly profile: BenchProfile;
  readonly only: string;
  readonly floodMs: number;
}

async function worker(options: WorkerOptions): Promise<void> {
  const client = benchClient([options.brokers]);
  const progress = (line: string): void => void process.stderr.write(`${line}\n`);
  const brokerCpu = () => processCpuSeconds(options.brokerPid);
  try {
    const result: ClientResults | ProducerResult =
      options.kind === 'flood' ? await runFlood(client, options.floodMs) : await runClientWorkloads(client, options.profile, progress, { only: options.only, brokerCpu });
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
  } finally {
    await client.close();
  }
}

function runWorker<T>(args: readonly string[], label: string): Promise<T> {
  const spawned = spawnProcess(process.execPath, [...process.execArgv, SCRIPT, '--worker', ...args], 0); // port 0: it does not listen
  let partial = '';
  spawned.child.stderr?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) process.stderr.write(`[${label}] ${line}\n`);
  });
  return new Promise((resolve, reject) => {
    // 'close', not 'exit': only then has all of its stdout arrived.
    spawned.child.once('close', (code) => {
      const last = spawned.output().trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as T);
      else reject(new Error(`client worker exited with ${code}: ${(partial || spawned.errorOutput()).slice(-500)}`));
    });
  });
}

// ---- the broker's process: start time and memory ------------------------------------------

function brokerEnv(backend: Backend): NodeJS.ProcessEnv {
  return { ...process.env, SLUICE_NATIVE: backend === 'native' ? '1' : '0' };
}

function spawnBroker(backend: Backend, dataDir: string, port: number, nodeArgs: readonly string[] = []): SpawnedProcess {
  const args = [...nodeArgs, BROKER_MAIN, 'broker', '--port', String(port), '--data', dataDir, '--log-level', 'warn'];
  return spawnProcess(process.execPath, args, port, brokerEnv(backend));
}

/** Start time of a bare listening node, and its RSS once it accepts (the floor for the broker's). */
async function startBareNode(): Promise<{ ms: number; rssMiB: number }> {
  const port = await freePort();
  const { ms, process: bare } = await timeToAccepting(() => spawnProcess(process.execPath, ['-e', BARE_NODE_SERVER, String(port)], port));
  const rssMiB = readRssMiB(bare.pid);
  await bare.stop();
  return { ms, rssMiB };
}

async function measureProcess(backend: Backend, options: Options): Promise<ProcessResults> {
  const startSamplesMs: number[] = [];
  const bareNodeStartSamplesMs: number[] = [];
  const bareNodeRssSamplesMiB: number[] = [];
  let memory: MemoryResults | null = null;
  for (let i = 0; i < options.profile.startRepeats; i++) {
    // Bare node and broker take turns, so both see the same background load.
    const bare = await startBareNode();
    bareNodeStartSamplesMs.push(bare.ms);
    bareNodeRssSamplesMiB.push(bare.rssMiB);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-start-'));
    const port = await freePort();
    const { ms, process: broker } = await timeToAccepting(() => spawnBroker(backend, dataDir, port));
    startSamplesMs.push(ms);
    try {
      memory ??= await measureMemory(broker, backend, options);
    } finally {
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  if (memory === null) throw new Error('no broker start was measured');
  const result = { startMs: median(startSamplesMs), startSamplesMs, bareNodeStartMs: median(bareNodeStartSamplesMs), bareNodeStartSamplesMs, bareNodeRssMiB: median(bareNodeRssSamplesMiB), ...memory };
  progress(backend, `start to accepting: broker ${formatMs(result.startMs)} ms, bare node ${formatMs(result.bareNodeStartMs)} ms (medians of ${startSamplesMs.length})`);
  return result;
}

type MemoryResults = Pick<ProcessResults, 'rssAfterStartMiB' | 'rssAfterIdleSecondMiB' | 'floodPeakRssMiB' | 'floodRssSamples' | 'floodRecordsPerSecond'>;

/** RSS right after start, after an idle second, and at its peak under a flooding producer. */
async function measureMemory(broker: SpawnedProcess, backend: Backend, options: Options): Promise<MemoryResults> {
  const rssAfterStartMiB = readRssMiB(broker.pid);
  await sleep(1000);
  const rssAfterIdleSecondMiB = readRssMiB(broker.pid);
  const sampler = sampleRss(broker.pid, RSS_SAMPLE_MS);
  const flood = await runWorker<ProducerResult>(['flood', '--brokers', `127.0.0.1:${broker.port}`, '--flood-ms', String(options.profile.floodMs)], `${backend} flood`);
  const peak = sampler.stop();
  progress(backend, `RSS: ${rssAfterStartMiB.toFixed(1)} MiB after start, ${rssAfterIdleSecondMiB.toFixed(1)} MiB after 1 s idle, peak ${peak.peakMiB.toFixed(1)} MiB under a flood of ${formatCount(flood.recordsPerSecond)} records/s`);
  return { rssAfterStartMiB, rssAfterIdleSecondMiB, floodPeakRssMiB: peak.peakMiB, floodRssSamples: peak.samples, floodRecordsPerSecond: flood.recordsPerSecond };
}

// ---- the client workloads against a broker of one backend ----------------------------------

async function measureClient(backend: Backend, options: Options): Promise<{ results: ClientResults; description: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  const profileDir = options.cpuProfileDir === null ? null : path.join(options.cpuProfileDir, backend);
  if (profileDir !== null) mkdirSync(profileDir, { recursive: true });
  const nodeArgs = profileDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  const port = await freePort();
  const { process: broker } = await timeToAccepting(() => spawnBroker(backend, dataDir, port, nodeArgs));
  try {
    const description = (await waitForOutput(broker, /backend: (.*)/))?.[1]?.trim() ?? 'unknown';
    progress(backend, `broker pid ${broker.pid} on 127.0.0.1:${port}, backend ${description}`);
    const args = ['client', '--brokers', `127.0.0.1:${port}`, '--broker-pid', String(broker.pid), '--profile', options.profile.name, '--only', options.only];
    const results = await runWorker<ClientResults>(args, backend);
    return { results, description };
  } finally {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (profileDir !== null) printProfiles(backend, profileDir);
  }
}

function printProfiles(backend: Backend, dir: string): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    process.stderr.write(`[${backend}] broker CPU profile ${path.join(dir, file)}\n${renderProfileSummary(summarizeCpuProfile(path.join(dir, file)))}\n`);
  }
}

/** The id `--only` matches for start time and memory. */
const PROCESS_WORKLOAD_ID = 'start-and-memory';

async function runBackend(backend: Backend, options: Options): Promise<BackendRun> {
  const errors: string[] = [];
  const settle = <T>(label: string, work: () => Promise<T>): Promise<T | null> =>
    work().catch((error: unknown) => {
      errors.push(`${label}: ${messageOf(error)}`);
      progress(backend, `${label} FAILED: ${messageOf(error)}`);
      return null;
    });
  const clientIds = [...options.profile.producerCases.map((c) => c.id), ...CLIENT_WORKLOAD_IDS];
  const processResults = PROCESS_WORKLOAD_ID.includes(options.only) ? await settle('start and memory', () => measureProcess(backend, options)) : null;
  const client = clientIds.some((id) => id.includes(options.only)) ? await settle('workloads', () => measureClient(backend, options)) : null;
  return {
    name: backend,
    description: client?.description ?? (backend === 'native' ? 'native (SLUICE_NATIVE=1)' : 'js (SLUICE_NATIVE=0)'),
    client: client?.results ?? null,
    process: processResults,
    error: errors.length === 0 ? null : errors.join('; '),
  };
}

// ---- main --------------------------------------------------------------------------------

function progress(backend: Backend, line: string): void {
  process.stderr.write(`[${backend}] ${line}\n`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Files under src/ changed after `built` was written: the broker runs from dist/. */
function sourcesNewerThan(built: string): string[] {
  const builtAt = statSync(built).mtimeMs;
  const sourceDir = path.resolve(path.dirname(SCRIPT), '../src');
  return readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => statSync(path.join(sourceDir, file)).mtimeMs > builtAt)
    .map((file) => path.join('src', file));
}

// ---- peers: the nearest workloads against other systems, each in a server process of its own --

/** Runs every peer whose server is on PATH; a note for each one that is not. */
async function runPeers(profile: BenchProfile): Promise<{ peers: PeerResult[]; notes: string[] }> {
  const peers: PeerResult[] = [];
  const notes: string[] = [];
  const redis = findOnPath('redis-server');
  const nats = findOnPath('nats-server');
  if (redis === null) notes.push('--peers: redis-server not found on PATH, Redis Streams skipped');
  if (nats === null) notes.push('--peers: nats-server not found on PATH, NATS JetStream skipped');
  const runs: Array<{ name: string; run: () => Promise<PeerResult> }> = [];
  if (redis !== null) {
    for (const fsync of ['always', 'everysec'] as const) runs.push({ name: `Redis Streams, appendfsync ${fsync}`, run: () => runRedisPeer(redis, fsync, profile) });
  }
  if (nats !== null) runs.push({ name: 'NATS JetStream, file storage', run: () => runNatsPeer(nats, profile) });
  for (const { name, run } of runs) {
    process.stderr.write(`[peers] ${name}: pipelined, then one record at a time\n`);
    const result = await run();
    process.stderr.write(`[peers] ${name}: ${result.error ?? `${formatCount(result.pipelined?.recordsPerSecond ?? Number.NaN)} records/s pipelined, one at a time p50 ${formatMs(result.oneAtATime?.ackLatency.p50Ms ?? Number.NaN)} ms`}\n`);
    peers.push(result);
  }
  return { peers, notes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      worker: { type: 'string' },
      brokers: { type: 'string', default: '' },
      'broker-pid': { type: 'string', default: '0' },
      profile: { type: 'string', default: 'full' },
      'flood-ms': { type: 'string', default: '1000' },
      json: { type: 'string' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string', default: '' },
      backends: { type: 'string', default: BACKENDS.join(',') },
      peers: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
    },
  });
  if (values.worker !== undefined) {
    const profile = PROFILES[values.profile as BenchProfile['name']];
    return worker({ kind: values.worker, brokers: values.brokers, brokerPid: Number(values['broker-pid']), profile, only: values.only, floodMs: Number(values['flood-ms']) });
  }
  if (!existsSync(BROKER_MAIN)) throw new Error(`${BROKER_MAIN} is missing: run \`npm run build:ts\` first`);
  const newer = sourcesNewerThan(BROKER_MAIN);
  if (newer.length > 0) process.stderr.write(`warning: dist/ is older than ${newer.length} source file(s), e.g. ${newer[0]}: the broker may not run the current code (npm run build:ts)\n`);
  const backends = values.backends.split(',').filter((b): b is Backend => (BACKENDS as readonly string[]).includes(b));
  const options: Options = { profile: values.quick ? PROFILES.quick : PROFILES.full, only: values.only, backends, cpuProfileDir: values['cpu-prof'] ?? null };
  process.stderr.write('[machine] anchors: 4 KiB append + fdatasync, sequential write, loopback round trip\n');
  const anchors = await measureAnchors(options.profile);
  process.stderr.write(`[machine] ${describeAnchors(anchors)}\n`);
  const loadBefore = os.loadavg()[0];
  const runs: BackendRun[] = [];
  for (const backend of backends) runs.push(await runBackend(backend, options));
  const peerRun = values.peers ? await runPeers(options.profile) : { peers: [], notes: [] };
  const notes = [
    `the client ran in its own process with the ${describeBackend()} hot path for every backend; only the broker's backend changes`,
    `backends ran one after the other (${backends.join(', then ')}); load average (1 min) ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after`,
    ...peerRun.notes,
  ];
  const report = newReport(options.profile, runs, notes, peerRun.peers, anchors);
  process.stdout.write(`\n${renderReport(report)}\n`);
  if (values.json !== undefined) {
    const svg = writeReportFiles(values.json, report);
    process.stdout.write(`\nfigures written to ${values.json}, chart to ${svg}\n`);
  }
}

await main();
