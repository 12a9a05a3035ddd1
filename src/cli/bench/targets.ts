// The targets, checked against the measured figures. A target is judged on the
// native backend (the fast path is what the targets are for), or on the only backend that
// ran; the other backend's figure is shown next to it for context.
import { describeProducerCase } from './cases.js';
import { formatCount, formatMs } from './stats.js';
import type { BackendRun, ProducerResult } from './types.js';

export interface TargetCheck {
  readonly name: string;
  /** null when the figure is missing (workload skipped or failed). */
  readonly held: boolean | null;
  readonly detail: string;
}

interface Figure {
  readonly value: number;
  readonly text: string;
}

interface Target {
  readonly name: string;
  readonly measure: (run: BackendRun) => Figure | null;
  readonly holds: (value: number, run: BackendRun) => boolean;
}

/** Redis Streams, XADD with appendfsync always, 50 clients: the anchor the issue compares with. */
export const REDIS_FSYNC_ALWAYS_RECORDS_PER_SECOND = 285_000;

const TARGETS: readonly Target[] = [
  {
    name: 'acks=1, 100-byte records >= 1,500,000 records/s',
    measure: (run) => bestProduce(run, (r) => r.case.acks === 1 && r.case.recordBytes === 100, (r) => r.recordsPerSecond, 'records/s'),
    holds: (value) => value >= 1_500_000,
  },
  {
    name: 'acks=1, 1 KiB records >= 900 MB/s',
    measure: (run) => bestProduce(run, (r) => r.case.acks === 1 && r.case.recordBytes === 1024, (r) => r.megabytesPerSecond, 'MB/s'),
    holds: (value) => value >= 900,
  },
  {
    name: `acks=all, 50 producers >= 2x Redis Streams fsync-always (2 x ${formatCount(REDIS_FSYNC_ALWAYS_RECORDS_PER_SECOND)} = ${formatCount(2 * REDIS_FSYNC_ALWAYS_RECORDS_PER_SECOND)} records/s)`,
    measure: (run) => bestProduce(run, (r) => r.case.acks === -1 && r.case.producers === 50, (r) => r.recordsPerSecond, 'records/s'),
    holds: (value) => value >= 2 * REDIS_FSYNC_ALWAYS_RECORDS_PER_SECOND,
  },
  {
    name: 'one producer, one record at a time, acks=all: p50 <= 250 µs',
    measure: (run) => microseconds(run.client?.oneAtATime?.ackLatency.p50Ms),
    holds: (value) => value <= 250,
  },
  {
    name: 'one producer, one record at a time, acks=all: p99 <= 600 µs',
    measure: (run) => microseconds(run.client?.oneAtATime?.ackLatency.p99Ms),
    holds: (value) => value <= 600,
  },
  {
    name: 'consumer, 1 KiB records from the page cache >= 1.5 GB/s',
    measure: (run) => {
      const consume = run.client?.consume;
      return consume === null || consume === undefined ? null : { value: consume.megabytesPerSecond, text: `${formatCount(consume.megabytesPerSecond)} MB/s` };
    },
    holds: (value) => value >= 1500,
  },
  {
    name: 'end-to-end p99 at 10,000 records/s <= 1 ms',
    measure: (run) => milliseconds(run.client?.endToEnd?.latency.p99Ms),
    holds: (value) => value <= 1,
  },
  {
    name: 'start to accepting <= bare node + 50 ms',
    measure: (run) => {
      const p = run.process;
      if (p === null || !Number.isFinite(p.startMs)) return null;
      return { value: p.startMs, text: `${formatMs(p.startMs)} ms vs bare node ${formatMs(p.bareNodeStartMs)} ms (+${formatMs(p.startMs - p.bareNodeStartMs)})` };
    },
    holds: (value, run) => value <= (run.process?.bareNodeStartMs ?? Number.NaN) + 50,
  },
  {
    name: 'idle RSS <= 60 MiB (after 1 s idle)',
    measure: (run) => mebibytes(run.process?.rssAfterIdleSecondMiB),
    holds: (value) => value <= 60,
  },
  {
    name: 'RSS under a flooding producer <= 256 MiB (peak of 50 ms samples)',
    measure: (run) => mebibytes(run.process?.floodPeakRssMiB),
    holds: (value) => value <= 256,
  },
];

/** The run targets are judged on: native when it produced figures, else the first that did. */
export function judgedRun(runs: readonly BackendRun[]): BackendRun | undefined {
  const measured = (run: BackendRun) => run.client !== null || run.process !== null;
  return runs.find((run) => run.name === 'native' && measured(run)) ?? runs.find(measured);
}

export function checkTargets(runs: readonly BackendRun[]): TargetCheck[] {
  const judged = judgedRun(runs);
  return TARGETS.map((target) => {
    const figure = judged === undefined ? null : target.measure(judged);
    const others = runs
      .filter((run) => run !== judged)
      .map((run) => ({ run, figure: target.measure(run) }))
      .filter((o) => o.figure !== null)
      .map((o) => `${o.run.name} ${o.figure?.text}`);
    const judgedText = figure === null || judged === undefined ? 'not measured' : `${judged.name} ${figure.text}`;
    const detail = [judgedText, ...others].join('; ');
    return { name: target.name, held: figure === null || judged === undefined ? null : target.holds(figure.value, judged), detail };
  });
}

export function renderTargets(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `  [${c.held === null ? 'n/a ' : c.held ? 'PASS' : 'FAIL'}] ${c.name}: ${c.detail}`).join('\n');
}

function bestProduce(run: BackendRun, eligible: (r: ProducerResult) => boolean, figure: (r: ProducerResult) => number, unit: string): Figure | null {
  const candidates = (run.client?.produce ?? []).filter(eligible);
  if (candidates.length === 0) return null;
  const best = candidates.reduce((a, b) => (figure(b) > figure(a) ? b : a));
  return { value: figure(best), text: `${formatCount(figure(best))} ${unit} (best: ${describeProducerCase(best.case)})` };
}

function microseconds(ms: number | undefined): Figure | null {
  return ms === undefined || !Number.isFinite(ms) ? null : { value: ms * 1000, text: `${Math.round(ms * 1000)} µs` };
}

function milliseconds(ms: number | undefined): Figure | null {
  return ms === undefined || !Number.isFinite(ms) ? null : { value: ms, text: `${formatMs(ms)} ms` };
}

function mebibytes(mib: number | undefined): Figure | null {
  return mib === undefined || !Number.isFinite(mib) ? null : { value: mib, text: `${mib.toFixed(1)} MiB` };
}
