// The end-to-end benchmark's machinery in a tiny profile against an in-process broker: every
// workload runs, counts are positive, and the report (table, targets, JSON, SVG) has its
// shape. No timing is asserted: this machine's speed is not what the test is about.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createClient } from '../../src/client/index.js';
import { registerBenchCommand } from '../../src/cli/bench-command.js';
import { PROFILES } from '../../src/cli/bench/cases.js';
import { BARE_NODE_SERVER, freePort, processCpuSeconds, readRssMiB, spawnProcess, timeToAccepting } from '../../src/cli/bench/process.js';
import { newReport, renderReport, writeReportFiles } from '../../src/cli/bench/report.js';
import { CLIENT_WORKLOAD_IDS, runClientWorkloads } from '../../src/cli/bench/run.js';
import { checkTargets } from '../../src/cli/bench/targets.js';
import type { BackendRun, ClientResults, LatencySummary, ProcessResults } from '../../src/cli/bench/types.js';
import { tempDir } from '../helpers/batches.js';

let broker: RunningBroker;
let results: ClientResults;
const progressLines: string[] = [];
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent' });
  const client = createClient({ brokers: [broker.bootstrap], clientId: 'bench-test' });
  try {
    // The broker runs in this process, so its CPU clock is this process's (client included).
    results = await runClientWorkloads(client, PROFILES.tiny, (line) => progressLines.push(line), { brokerCpu: () => processCpuSeconds(process.pid) });
  } finally {
    await client.close();
  }
}, 60_000);

afterAll(async () => {
  await broker?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

function expectOrdered(latency: LatencySummary): void {
  expect(latency.count).toBeGreaterThan(0);
  expect(latency.p50Ms).toBeGreaterThan(0);
  expect(latency.p50Ms).toBeLessThanOrEqual(latency.p99Ms);
  expect(latency.p99Ms).toBeLessThanOrEqual(latency.p999Ms);
  expect(latency.p999Ms).toBeLessThanOrEqual(latency.maxMs);
}

/** Made-up process figures: this test does not spawn brokers. */
const fakeProcess: ProcessResults = {
  startMs: 120,
  startSamplesMs: [120],
  bareNodeStartMs: 45,
  bareNodeStartSamplesMs: [45],
  bareNodeRssMiB: 40,
  rssAfterStartMiB: 50,
  rssAfterIdleSecondMiB: 51,
  floodPeakRssMiB: 90,
  floodRssSamples: 10,
  floodRecordsPerSecond: 1000,
};

function twoRuns(): BackendRun[] {
  return ['native', 'js'].map((name) => ({ name, description: `${name} backend`, client: results, process: fakeProcess, error: null }));
}

describe('bench workloads (tiny profile)', () => {
  it('runs every producer case and counts acknowledged records', () => {
    expect(results.errors).toEqual([]);
    expect(results.produce.map((r) => r.case.id)).toEqual(PROFILES.tiny.producerCases.map((c) => c.id));
    for (const r of results.produce) {
      expect(r.records).toBeGreaterThan(0);
      expect(r.records % r.recordsPerSend).toBe(0);
      expect(r.recordsPerSecond).toBeGreaterThan(0);
      expect(r.megabytesPerSecond).toBeCloseTo((r.recordsPerSecond * r.case.recordBytes) / 1e6, 6);
      expectOrdered(r.ackLatency);
      expect(r.cpu?.clientCores).toBeGreaterThan(0);
      expect(r.cpu?.brokerCores).toBeGreaterThanOrEqual(0); // /proc counts in 10 ms ticks
    }
  });

  it('sends one record at a time, reads the whole written log, and measures end-to-end latency', () => {
    expect(results.oneAtATime?.records).toBeGreaterThan(0);
    expectOrdered(results.oneAtATime?.ackLatency as LatencySummary);
    const consume = results.consume;
    expect(consume?.recordsInLog).toBeGreaterThan(0);
    expect(consume?.reachedEnd).toBe(true);
    expect(consume?.recordsRead).toBe(consume?.recordsInLog);
    expect(consume?.cpu?.brokerCpuMsPerMB).toBeGreaterThanOrEqual(0);
    const endToEnd = results.endToEnd;
    expect(endToEnd?.sent).toBeGreaterThan(0);
    expect(endToEnd?.received).toBe(endToEnd?.sent);
    expectOrdered(endToEnd?.latency as LatencySummary);
  });

  it('prints one progress line per workload', () => {
    expect(progressLines).toHaveLength(PROFILES.tiny.producerCases.length + CLIENT_WORKLOAD_IDS.length);
    expect(progressLines.every((line) => !line.includes('FAILED'))).toBe(true);
  });
});

describe('bench report', () => {
  it('renders one table with a native/js column, every target, and the machine', () => {
    const text = renderReport(newReport(PROFILES.tiny, twoRuns(), ['a note']));
    expect(text).toMatch(/^machine: .+, \d+ cores, .+ GiB, node v\d+/);
    expect(text).toMatch(/\| workload +\| unit +\| +native \| +js \| +native\/js \|/);
    for (const c of PROFILES.tiny.producerCases) expect(text).toContain(`produce ${c.recordBytes >= 1024 ? '1 KiB' : '100 B'}, acks=${c.acks === -1 ? 'all' : '1'}`);
    expect(text).toContain('1.00x');
    expect(text).toContain('note: a note');
    expect(text.match(/\[(PASS|FAIL|n\/a )\]/g)).toHaveLength(10);
  });

  it('judges the targets on native and says so for each', () => {
    const checks = checkTargets(twoRuns());
    expect(checks).toHaveLength(10);
    // The tiny profile has no acks=1 1 KiB case and no 50-producer case: those cannot be judged.
    expect(checks.filter((c) => c.held === null).map((c) => c.name)).toEqual([expect.stringContaining('1 KiB'), expect.stringContaining('50 producers')]);
    for (const check of checks.filter((c) => c.held !== null)) expect(check.detail).toMatch(/^native .*; js /);
    expect(checks.find((c) => c.name.startsWith('start to accepting'))?.held).toBe(false); // 120 > 45 + 50
  });

  it('writes the JSON figures and an SVG chart next to them', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const jsonFile = join(dir, 'e2e.json');
    const svgFile = writeReportFiles(jsonFile, newReport(PROFILES.tiny, twoRuns(), []));
    expect(svgFile).toBe(join(dir, 'e2e.svg'));
    const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as { runs: BackendRun[]; targets: unknown[]; machine: { cores: number }; settings: { endToEnd: { warmupMs: number; durationMs: number } } };
    expect(json.runs.map((r) => r.name)).toEqual(['native', 'js']);
    // The latency workload states its own warm-up and measured time.
    expect(json.settings.endToEnd).toMatchObject({ warmupMs: PROFILES.tiny.endToEndWarmupMs, durationMs: PROFILES.tiny.endToEndDurationMs });
    expect(json.runs[0].client?.produce).toHaveLength(PROFILES.tiny.producerCases.length);
    expect(json.targets).toHaveLength(10);
    expect(json.machine.cores).toBeGreaterThan(0);
    const svg = readFileSync(svgFile, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Throughput, MB/s');
    expect(svg).toContain('Latency, ms p99');
  });
});

describe('sluice bench command', () => {
  it('runs the chosen workload against --brokers and writes --json', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const jsonFile = join(dir, 'bench.json');
    const stdout: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => stdout.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const program = new Command('sluice').exitOverride();
    registerBenchCommand(program);
    await program.parseAsync(['bench', '--brokers', broker.bootstrap, '--quick', '--only', 'one-at-a-time', '--json', jsonFile], { from: 'user' });
    vi.restoreAllMocks();
    expect(stdout.join('')).toContain('produce one 100 B record at a time, acks=all');
    const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as { runs: BackendRun[] };
    expect(json.runs[0].client?.oneAtATime?.records).toBeGreaterThan(0);
    expect(json.runs[0].client?.produce).toEqual([]);
  });
});

describe('broker process probes', () => {
  it('times a process from spawn to accepting and reads its resident memory', async () => {
    const port = await freePort();
    const { ms, process: bare } = await timeToAccepting(() => spawnProcess(process.execPath, ['-e', BARE_NODE_SERVER, String(port)], port));
    try {
      expect(ms).toBeGreaterThan(0);
      expect(readRssMiB(bare.pid)).toBeGreaterThan(1);
    } finally {
      await bare.stop();
    }
    expect(bare.child.exitCode !== null || bare.child.signalCode !== null).toBe(true);
  });
});
