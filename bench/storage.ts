// Partition-log append benchmark: each flush policy, native and js backends side by side,
// one appender and many concurrent ones (where group commit shows). Run: npm run bench:storage
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsHotPath, loadNativeBackend, type HotPath } from '../src/hotpath/index.js';
import { PartitionLog, type FlushPolicy } from '../src/storage/index.js';

const RECORDS_PER_BATCH = 10;
const VALUE_BYTES = 100;
const SECONDS_PER_CASE = Number(process.env.BENCH_SECONDS ?? 1.5);

interface CaseResult {
  backend: string;
  policy: FlushPolicy;
  appenders: number;
  appendsPerSecond: number;
  megabytesPerSecond: number;
  syncs: number;
  p50Micros: number;
  p99Micros: number;
}

function batchFor(hp: HotPath): Buffer {
  const now = Date.now();
  const records = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
    key: Buffer.from(`key-${i}`),
    value: Buffer.alloc(VALUE_BYTES, i),
    headers: [],
    timestamp: now,
  }));
  return hp.encodeBatch(records, { baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, baseTimestamp: now, producerId: -1, producerEpoch: -1, baseSequence: -1 });
}

async function runCase(hp: HotPath, policy: FlushPolicy, appenders: number): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const log = await PartitionLog.open(dir, { hotpath: hp, config: { flushPolicy: policy, flushMs: 1000 } });
  const template = batchFor(hp);
  const latencies: number[] = [];
  const deadline = performance.now() + SECONDS_PER_CASE * 1000;
  let appends = 0;
  const appender = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const started = performance.now();
      // The log assigns offsets in place, so every append needs its own copy of the bytes.
      await log.append(Buffer.from(template));
      latencies.push((performance.now() - started) * 1000);
      appends++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: appenders }, appender));
  const seconds = (performance.now() - started) / 1000;
  const syncs = log.syncCount;
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    backend: hp.backend,
    policy,
    appenders,
    appendsPerSecond: appends / seconds,
    megabytesPerSecond: (appends * template.length) / seconds / 1e6,
    syncs,
    p50Micros: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
    p99Micros: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
  };
}

function backendsToRun(): HotPath[] {
  try {
    return [loadNativeBackend(), jsHotPath];
  } catch (error) {
    console.warn(`native backend unavailable (${String(error)}); js only`);
    return [jsHotPath];
  }
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`);
  console.log(`append of one ${RECORDS_PER_BATCH}-record batch (~${RECORDS_PER_BATCH * VALUE_BYTES} B of values), ${SECONDS_PER_CASE}s per case`);
  const results: CaseResult[] = [];
  const backends = backendsToRun();
  for (const policy of ['os', 'interval', 'fsync'] as const) {
    for (const appenders of [1, 16]) {
      for (const hp of backends) {
        process.stderr.write(`running ${policy} x${appenders} ${hp.backend}...\n`);
        results.push(await runCase(hp, policy, appenders));
      }
    }
  }
  console.table(
    results.map((r) => ({
      policy: r.policy,
      appenders: r.appenders,
      backend: r.backend,
      'appends/s': Math.round(r.appendsPerSecond),
      'MB/s': r.megabytesPerSecond.toFixed(1),
      fdatasyncs: r.syncs,
      'p50 µs': Math.round(r.p50Micros),
      'p99 µs': Math.round(r.p99Micros),
    })),
  );
}

await main();
