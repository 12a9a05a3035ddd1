// The report as text (machine, table, targets, notes) and as files (JSON figures, SVG chart).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { CONSUMER_SETTINGS, END_TO_END_SETTINGS, PRODUCER_SETTINGS, type BenchProfile } from './cases.js';
import { describeAnchors, type MachineAnchors } from './anchors.js';
import { renderPeerTable } from './peer-table.js';
import { renderSvg } from './svg.js';
import { buildRows, renderTable } from './table.js';
import { checkTargets, judgedRun, renderTargets } from './targets.js';
import type { BenchReport, BackendRun, MachineInfo, PeerResult } from './types.js';

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  };
}

/** What every report states about how it measured. */
export function settingsOf(profile: BenchProfile): Record<string, unknown> {
  return {
    profile: profile.name,
    durationMs: profile.durationMs,
    warmupMs: profile.warmupMs,
    producer: PRODUCER_SETTINGS,
    producerMeaning: 'N producers = N Producer instances with one connection each, each with ceil(sendsInFlight / N) send loops; each send() goes to one partition, the next send to the next partition',
    consumer: { ...CONSUMER_SETTINGS, logBytes: profile.consumeLogBytes },
    endToEnd: { ...END_TO_END_SETTINGS, warmupMs: profile.endToEndWarmupMs, durationMs: profile.endToEndDurationMs },
    units: 'MB = 10^6 bytes (throughput), MiB = 2^20 bytes (memory); throughput counts value bytes only',
  };
}

export function newReport(profile: BenchProfile, runs: readonly BackendRun[], notes: readonly string[], peers: readonly PeerResult[] = [], anchors: MachineAnchors | null = null): BenchReport {
  return { date: new Date().toISOString(), machine: machineInfo(), anchors, quick: profile.name !== 'full', settings: settingsOf(profile), runs, peers, notes };
}

export function renderReport(report: BenchReport): string {
  const { machine } = report;
  const lines = [`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.platform}`];
  if (report.anchors !== null) lines.push(describeAnchors(report.anchors));
  for (const run of report.runs) lines.push(`${run.name}: ${run.description}${run.error === null ? '' : ` — ERROR: ${run.error}`}`);
  lines.push('', renderTable(report.runs, buildRows(report.runs)), '');
  if (report.runs.some((r) => r.name === 'native') && report.runs.some((r) => r.name === 'js')) {
    lines.push('native/js > 1: native is higher (better for throughput, worse for latency, time and memory).');
  }
  const { producer } = report.settings as { producer: typeof PRODUCER_SETTINGS };
  lines.push(
    `producers: lingerMs ${producer.lingerMs}, batchSize ${producer.batchSize}, ${producer.bytesPerSend} bytes per send() (${Math.floor(producer.bytesPerSend / 100)} records of 100 B, ` +
      `${Math.floor(producer.bytesPerSend / 1024)} of 1 KiB); N producers = N Producer instances, one connection each, ${producer.sendsInFlight} sends in flight for 1 producer, 1 per producer for 50.`,
    'ack latency is that of one whole send(); the acks=all 50-producer figure batches like this too, so compare it with the Redis anchor knowing that.',
    '',
    `targets (judged on ${judgedRun(report.runs)?.name ?? 'nothing: no figures'}):`,
    renderTargets(checkTargets(report.runs)),
  );
  if (report.peers.length > 0) {
    lines.push('', 'peers (--peers), each its own server process; pipelined = batches of one send()\'s size, as many in flight as one producer keeps:', renderPeerTable(report.runs, report.peers));
  }
  const errors = report.runs.flatMap((run) => (run.client?.errors ?? []).map((e) => `${run.name}: ${e}`));
  if (errors.length > 0) lines.push('', 'failed workloads:', ...errors.map((e) => `  ${e}`));
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => `note: ${n}`));
  return lines.join('\n');
}

/** Writes the JSON figures to `jsonFile` and the chart next to it; returns the chart's path. */
export function writeReportFiles(jsonFile: string, report: BenchReport): string {
  const svgFile = jsonFile.endsWith('.json') ? `${jsonFile.slice(0, -'.json'.length)}.svg` : `${jsonFile}.svg`;
  mkdirSync(dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify({ ...report, targets: checkTargets(report.runs) }, jsonNumbers, 2)}\n`);
  writeFileSync(svgFile, renderSvg(report));
  return svgFile;
}

/** NaN and Infinity are not JSON; write them as null rather than losing the whole file. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
