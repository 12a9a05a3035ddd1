// The one table: a row per figure, a column per backend, and native/js when both ran.
import { describeProducerCase } from './cases.js';
import { formatCount, formatLatency, formatMs, type LatencySummary } from './stats.js';
import type { BackendRun, CpuUse, ProducerCase } from './types.js';

export interface Cell {
  /** The figure the ratio column divides. */
  readonly value: number;
  readonly text: string;
}

export interface Row {
  readonly workload: string;
  readonly unit: string;
  /** One per run, in the runs' order; null where that run has no figure. */
  readonly cells: readonly (Cell | null)[];
  /** Which figure the ratio is of, when the cell shows several. */
  readonly ratioOf?: string;
}

type Measure = (run: BackendRun) => Cell | null;

export function buildRows(runs: readonly BackendRun[]): Row[] {
  const row = (workload: string, unit: string, measure: Measure, ratioOf?: string): Row => ({ workload, unit, cells: runs.map(measure), ratioOf });
  const rows: Row[] = [];
  for (const c of producerCasesOf(runs)) {
    const result = (run: BackendRun) => run.client?.produce.find((r) => r.case.id === c.id);
    rows.push(row(`produce ${describeProducerCase(c)}`, 'records/s (MB/s)', (run) => {
      const r = result(run);
      return r === undefined ? null : { value: r.recordsPerSecond, text: `${formatCount(r.recordsPerSecond)} (${formatCount(r.megabytesPerSecond)})` };
    }));
    rows.push(row('  ack latency of a send()', 'ms p50 / p99 / p99.9', (run) => latencyCell(result(run)?.ackLatency), 'p99'));
    rows.push(row('  CPU', CPU_UNIT, (run) => cpuCell(result(run)?.cpu), 'broker ms/MB'));
  }
  rows.push(row('produce one 100 B record at a time, acks=all', 'ms p50 / p99 / p99.9', (run) => latencyCell(run.client?.oneAtATime?.ackLatency), 'p99'));
  rows.push(row('  the same, idempotent', 'ms p50 / p99 / p99.9', (run) => latencyCell(run.client?.oneAtATimeIdempotent?.ackLatency), 'p99'));
  rows.push(row('consume 1 KiB records from the page cache', 'MB/s (records/s)', (run) => {
    const r = run.client?.consume;
    if (r === null || r === undefined) return null;
    const partial = r.reachedEnd ? '' : ', time limit';
    return { value: r.megabytesPerSecond, text: `${formatCount(r.megabytesPerSecond)} (${formatCount(r.recordsPerSecond)}${partial})` };
  }));
  rows.push(row('  CPU', CPU_UNIT, (run) => cpuCell(run.client?.consume?.cpu), 'broker ms/MB'));
  rows.push(row('end-to-end latency at 10,000 records/s', 'ms p50 / p99 / p99.9', (run) => latencyCell(run.client?.endToEnd?.latency), 'p99'));
  rows.push(row('  CPU', CPU_UNIT, (run) => cpuCell(run.client?.endToEnd?.cpu), 'broker ms/MB'));
  rows.push(row('broker start to accepting (median)', 'ms', (run) => msCell(run.process?.startMs)));
  rows.push(row('bare node start to accepting (median)', 'ms', (run) => msCell(run.process?.bareNodeStartMs)));
  rows.push(row('broker RSS after start', 'MiB', (run) => mibCell(run.process?.rssAfterStartMiB)));
  rows.push(row('broker RSS after 1 s idle', 'MiB', (run) => mibCell(run.process?.rssAfterIdleSecondMiB)));
  rows.push(row('bare node RSS after start', 'MiB', (run) => mibCell(run.process?.bareNodeRssMiB)));
  rows.push(row('broker RSS peak under a flooding producer', 'MiB (records/s)', (run) => {
    const p = run.process;
    return p === null || !Number.isFinite(p.floodPeakRssMiB) ? null : { value: p.floodPeakRssMiB, text: `${p.floodPeakRssMiB.toFixed(1)} (${formatCount(p.floodRecordsPerSecond)})` };
  }));
  return rows.filter((r) => r.cells.some((cell) => cell !== null));
}

/** Producer cases in the order the first run that has them ran them. */
export function producerCasesOf(runs: readonly BackendRun[]): ProducerCase[] {
  const seen = new Map<string, ProducerCase>();
  for (const run of runs) for (const r of run.client?.produce ?? []) if (!seen.has(r.case.id)) seen.set(r.case.id, r.case);
  return [...seen.values()];
}

const CPU_UNIT = 'cores: client / broker (broker CPU ms/MB)';

/**
 * The ratio is of the broker's CPU per MB: cores busy rise with throughput, so they compare
 * badly; without the broker's process the cell shows the client's cores alone.
 */
function cpuCell(cpu: CpuUse | null | undefined): Cell | null {
  if (cpu === null || cpu === undefined) return null;
  if (cpu.brokerCores === null) return { value: Number.NaN, text: cpu.clientCores.toFixed(2) };
  const perMB = cpu.brokerCpuMsPerMB ?? Number.NaN;
  return { value: perMB, text: `${cpu.clientCores.toFixed(2)} / ${cpu.brokerCores.toFixed(2)} (${formatCount(perMB)})` };
}

function latencyCell(summary: LatencySummary | undefined): Cell | null {
  if (summary === undefined || summary.count === 0) return null;
  return { value: summary.p99Ms, text: formatLatency(summary) };
}

function msCell(ms: number | undefined): Cell | null {
  return ms === undefined || !Number.isFinite(ms) ? null : { value: ms, text: formatMs(ms) };
}

function mibCell(mib: number | undefined): Cell | null {
  return mib === undefined || !Number.isFinite(mib) ? null : { value: mib, text: mib.toFixed(1) };
}

/** Markdown-style table text; the ratio column appears when runs named native and js are both there. */
export function renderTable(runs: readonly BackendRun[], rows: readonly Row[]): string {
  const nativeAt = runs.findIndex((r) => r.name === 'native');
  const jsAt = runs.findIndex((r) => r.name === 'js');
  const withRatio = nativeAt !== -1 && jsAt !== -1;
  const header = ['workload', 'unit', ...runs.map((r) => r.name), ...(withRatio ? ['native/js'] : [])];
  const body = rows.map((row) => [
    row.workload,
    row.unit,
    ...row.cells.map((cell) => cell?.text ?? '—'),
    ...(withRatio ? [ratioText(row, row.cells[nativeAt], row.cells[jsAt])] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

function ratioText(row: Row, native: Cell | null, js: Cell | null): string {
  if (native === null || js === null || !Number.isFinite(native.value) || !Number.isFinite(js.value) || js.value === 0) return '';
  const ratio = `${(native.value / js.value).toFixed(2)}x`;
  return row.ratioOf === undefined ? ratio : `${ratio} ${row.ratioOf}`;
}
