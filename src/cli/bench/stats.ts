// Small measuring tools the workloads share: a warm-up-then-measure window, latency
// percentiles, and number formatting for progress lines and the table.

export interface LatencySummary {
  /** Samples the percentiles come from. */
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/**
 * A workload's time line: it runs from construction, only events inside
 * [measureFrom, measureUntil) count, so JIT warm-up and connection setup stay out of the figures.
 */
export class MeasurementWindow {
  readonly measureFrom: number;
  readonly measureUntil: number;

  constructor(warmupMs: number, durationMs: number) {
    this.measureFrom = performance.now() + warmupMs;
    this.measureUntil = this.measureFrom + durationMs;
  }

  /** The workload should keep going. */
  get open(): boolean {
    return performance.now() < this.measureUntil;
  }

  /** An event at this time counts. */
  counts(at: number): boolean {
    return at >= this.measureFrom && at < this.measureUntil;
  }

  get seconds(): number {
    return (this.measureUntil - this.measureFrom) / 1000;
  }
}

/** Nearest-rank percentile of sorted samples (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarizeLatencies(samplesMs: readonly number[]): LatencySummary {
  // A typed array sorts numerically and without boxing, which matters for a million samples.
  const sorted = Float64Array.from(samplesMs).sort();
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    p999Ms: percentile(sorted, 99.9),
    maxMs: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1],
  };
}

/** 1234567 -> "1,234,567"; small values keep a decimal or two. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

/** Milliseconds with enough digits to read microseconds when small. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function formatLatency(summary: LatencySummary): string {
  return `${formatMs(summary.p50Ms)} / ${formatMs(summary.p99Ms)} / ${formatMs(summary.p999Ms)}`;
}

/** Decimal megabytes: throughput figures use 1 MB = 10^6 bytes, as network and disk specs do. */
export const MB = 1e6;
export const MIB = 1024 * 1024;
