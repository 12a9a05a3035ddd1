// Micro benchmark of the hot path: native and TypeScript side by side in one run, one table.
// Run: npm run bench:micro [-- --json <file>]. Each task runs ~500 ms; fast kernels loop
// inside a task (unitsPerOp) so the timer's own cost does not swamp what is measured.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { describeBackend, jsHotPath, loadNativeBackend, VALIDATE_RESULT_SLOTS, type HotPath, type RawBatchHeader, type RawRecord } from '../src/hotpath/index.js';
import { encodeRecordBatch, type ProducerRecord } from '../src/records/encode.js';

const require = createRequire(import.meta.url);
const crc32Package = require('crc-32/crc32c') as { buf(data: Uint8Array, seed?: number): number };

const TASK_TIME_MS = 500;
const KIB = 1024;
const MIB = 1024 * KIB;

type Kernel = (hp: HotPath) => () => unknown;

interface Case {
  readonly name: string;
  /** Work per timed call, each unit counted as one op (e.g. 100 CRCs of 1 KiB). */
  readonly unitsPerOp: number;
  /** Bytes per unit, for MB/s; omitted where throughput in bytes means nothing. */
  readonly bytesPerUnit?: number;
  readonly kernel?: Kernel;
  /** A single implementation outside the two backends (reported in the js column). */
  readonly other?: () => unknown;
}

interface Row {
  readonly name: string;
  readonly nativeOps: number | null;
  readonly jsOps: number | null;
  readonly bytesPerUnit: number | null;
}

// ---- inputs -------------------------------------------------------------------------------

function randomBytes(size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 2654435761) >>> 24;
  return buf;
}

const T0 = 1_700_000_000_000;
/** 100 records with 150-byte values: a ~16 KiB batch once encoded (keys and varints add up). */
const producerRecords: ProducerRecord[] = Array.from({ length: 100 }, (_, i) => ({
  key: `key-${String(i).padStart(6, '0')}`,
  value: randomBytes(150),
  headers: i % 10 === 0 ? { trace: `t-${i}` } : undefined,
  timestamp: T0 + i,
}));
const rawRecords: RawRecord[] = producerRecords.map((r) => ({
  key: Buffer.from(r.key as string),
  value: r.value as Buffer,
  headers: Object.entries(r.headers ?? {}).map(([key, value]) => ({ key, value: Buffer.from(value as string) })),
  timestamp: r.timestamp as number,
}));
const rawHeader: RawBatchHeader = { baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, baseTimestamp: T0, producerId: -1, producerEpoch: -1, baseSequence: -1 };

const INDEX_ENTRIES = 100_000;
function offsetIndex(): Buffer {
  const index = Buffer.alloc(INDEX_ENTRIES * 8);
  for (let i = 0; i < INDEX_ENTRIES; i++) {
    index.writeInt32BE(i * 40, i * 8); // one entry every 40 offsets
    index.writeInt32BE(i * 4096, i * 8 + 4);
  }
  return index;
}
const LOOKUPS_PER_OP = 1000;
const lookupTargets = Array.from({ length: LOOKUPS_PER_OP }, (_, i) => ((i * 7919 * 40) % (INDEX_ENTRIES * 40)) + (i % 40));

// ---- cases --------------------------------------------------------------------------------

const crcLoop = (data: Buffer, times: number): Kernel => (hp) => () => {
  let crc = 0;
  for (let i = 0; i < times; i++) crc = hp.crc32c(data, crc);
  return crc;
};

function buildCases(tempDir: string): { cases: Case[]; cleanup: () => void } {
  const kib = randomBytes(KIB);
  const mib = randomBytes(MIB);
  const batch = encodeRecordBatch(producerRecords, {}, jsHotPath);
  const index = offsetIndex();
  const out = new Float64Array(VALIDATE_RESULT_SLOTS);
  const chunk = randomBytes(16 * KIB);
  const fds: number[] = [];

  const append = (sync: boolean): Kernel => (hp) => {
    const fd = openSync(path.join(tempDir, `${hp.backend}-${sync ? 'sync' : 'nosync'}.log`), 'w');
    fds.push(fd);
    let position = 0;
    return async () => {
      await hp.appendFile(fd, position, [chunk], sync);
      position = (position + chunk.length) % (64 * MIB); // bounded file, still mostly advancing
    };
  };

  const cases: Case[] = [
    { name: 'CRC32C 1 KiB', unitsPerOp: 100, bytesPerUnit: KIB, kernel: crcLoop(kib, 100) },
    { name: 'CRC32C 1 KiB, crc-32 package', unitsPerOp: 100, bytesPerUnit: KIB, other: () => { let c = 0; for (let i = 0; i < 100; i++) c = crc32Package.buf(kib, c); return c; } },
    { name: 'CRC32C 1 MiB', unitsPerOp: 1, bytesPerUnit: MIB, kernel: crcLoop(mib, 1) },
    { name: 'CRC32C 1 MiB, crc-32 package', unitsPerOp: 1, bytesPerUnit: MIB, other: () => crc32Package.buf(mib, 0) },
    { name: `validate+assign ${(batch.length / KIB).toFixed(1)} KiB, 100 recs`, unitsPerOp: 1, bytesPerUnit: batch.length, kernel: (hp) => () => hp.validateBatches(batch, 1000, 5, -1, out) },
    { name: 'encodeBatch 100 recs (kernel)', unitsPerOp: 1, bytesPerUnit: batch.length, kernel: (hp) => () => hp.encodeBatch(rawRecords, rawHeader) },
    { name: 'encodeRecordBatch 100 recs', unitsPerOp: 1, bytesPerUnit: batch.length, kernel: (hp) => () => encodeRecordBatch(producerRecords, {}, hp) },
    { name: `offset index lookup, ${INDEX_ENTRIES / 1000}k entries`, unitsPerOp: LOOKUPS_PER_OP, kernel: (hp) => () => { let s = 0; for (const t of lookupTargets) s += hp.lookupOffsetIndex(index, INDEX_ENTRIES, t); return s; } },
    { name: 'appendFile 16 KiB, no sync', unitsPerOp: 1, bytesPerUnit: chunk.length, kernel: append(false) },
    { name: 'appendFile 16 KiB + fdatasync', unitsPerOp: 1, bytesPerUnit: chunk.length, kernel: append(true) },
  ];
  return { cases, cleanup: () => fds.forEach((fd) => closeSync(fd)) };
}

// ---- running ------------------------------------------------------------------------------
// Each backend runs in its own child process. Sharing one process would make every JS call
// site that sees both backends polymorphic (V8 shares feedback between closures of the same
// code), which slows the TypeScript twin by up to 2x and would flatter native unfairly.

type WorkerName = 'native' | 'js';
/** ops/s per case name, or the reason the backend could not run. */
type WorkerResult = { ops: Record<string, number>; note: string } | { error: string };

function hotPathFor(name: WorkerName): { hp: HotPath; note: string } {
  if (name === 'js') return { hp: jsHotPath, note: 'js' };
  const hp = loadNativeBackend(); // throws why when the addon is missing
  return { hp, note: describeBackend().startsWith('native') ? describeBackend() : 'native' };
}

async function runWorker(name: WorkerName): Promise<WorkerResult> {
  const { hp, note } = hotPathFor(name);
  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  const { cases, cleanup } = buildCases(tempDir);
  const bench = new Bench({ time: TASK_TIME_MS, warmupTime: 100, throws: true });
  for (const c of cases) {
    if (c.kernel) bench.add(c.name, c.kernel(hp));
    else if (c.other && name === 'js') bench.add(c.name, c.other);
  }
  try {
    await bench.run();
  } finally {
    cleanup();
    rmSync(tempDir, { recursive: true, force: true });
  }
  const ops: Record<string, number> = {};
  for (const c of cases) {
    const meanMs = bench.getTask(c.name)?.result?.latency.mean;
    if (meanMs) ops[c.name] = (1000 / meanMs) * c.unitsPerOp;
  }
  return { ops, note };
}

function spawnWorker(name: WorkerName): WorkerResult {
  const script = fileURLToPath(import.meta.url);
  try {
    const output = execFileSync(process.execPath, [...process.execArgv, script, '--worker', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(output.trim().split('\n').pop() ?? '{}') as WorkerResult;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const reason = /Error: (.*)/.exec(stderr)?.[1] ?? (error as Error).message;
    return { error: reason.trim() };
  }
}

function mergeRows(cases: readonly Case[], native: WorkerResult, js: WorkerResult): Row[] {
  const opsOf = (result: WorkerResult, name: string) => ('ops' in result ? (result.ops[name] ?? null) : null);
  return cases.map((c) => ({ name: c.name, nativeOps: opsOf(native, c.name), jsOps: opsOf(js, c.name), bytesPerUnit: c.bytesPerUnit ?? null }));
}

/**
 * Builds and runs bench/crc32c-limit.cc through bench/crc32c-limit.sh (the native engineer's C
 * measurement of CRC32C outside Node) and takes the best 1 MiB checksum figure as the hardware
 * limit (the "read only" row is no checksum); null with a note if it cannot.
 */
function crcHardwareLimit(): { gbPerSecond: number | null; note: string } {
  const script = 'bench/crc32c-limit.sh';
  if (!existsSync(script)) return { gbPerSecond: null, note: `skipped: ${script} missing` };
  try {
    const output = execFileSync('sh', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 }).trim();
    const checksums = output.split('\n').filter((line) => !line.startsWith('read only'));
    const figures = checksums.flatMap((line) => [...line.matchAll(/1 MiB:\s*([\d.]+)\s*GB\/s/g)].map((m) => Number(m[1])));
    if (figures.length === 0) return { gbPerSecond: null, note: `no "1 MiB: x GB/s" figure in its output: ${output}` };
    return { gbPerSecond: Math.max(...figures), note: output };
  } catch (error) {
    return { gbPerSecond: null, note: `skipped: ${(error as Error).message.split('\n')[0]}` };
  }
}

// ---- reporting ----------------------------------------------------------------------------

const fmtOps = (ops: number | null): string => (ops === null ? '—' : ops >= 100 ? Math.round(ops).toLocaleString('en-US') : ops.toFixed(1));
const mbPerSecond = (ops: number | null, bytes: number | null): number | null => (ops === null || bytes === null ? null : (ops * bytes) / 1e6);
const fmtMb = (mb: number | null): string => (mb === null ? '' : mb.toFixed(mb >= 100 ? 0 : 1));

function printTable(rows: Row[]): void {
  const header = ['case', 'native ops/s', 'js ops/s', 'native/js', 'native MB/s', 'js MB/s'];
  const body = rows.map((r) => [
    r.name,
    fmtOps(r.nativeOps),
    fmtOps(r.jsOps),
    r.nativeOps !== null && r.jsOps !== null ? `${(r.nativeOps / r.jsOps).toFixed(2)}x` : '',
    fmtMb(mbPerSecond(r.nativeOps, r.bytesPerUnit)),
    fmtMb(mbPerSecond(r.jsOps, r.bytesPerUnit)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  body.forEach((cells) => console.log(line(cells)));
}

interface Target {
  readonly name: string;
  readonly held: boolean | null;
  readonly detail: string;
}

function checkTargets(rows: Row[], limitGbPerSecond: number | null): Target[] {
  const row = (name: string) => rows.find((r) => r.name === name);
  const nativeMib = row('CRC32C 1 MiB')?.nativeOps ?? null;
  const packageMib = row('CRC32C 1 MiB, crc-32 package')?.jsOps ?? null;
  const encode = row('encodeBatch 100 recs (kernel)');
  const nativeGb = nativeMib === null ? null : (nativeMib * MIB) / 1e9;
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b);
  const vsPackage = ratio(nativeMib, packageMib);
  const vsTwin = ratio(nativeMib, row('CRC32C 1 MiB')?.jsOps ?? null);
  const vsLimit = ratio(limitGbPerSecond, nativeGb);
  const encodeRatio = ratio(encode?.nativeOps ?? null, encode?.jsOps ?? null);
  return [
    { name: 'native CRC32C >= 10x crc-32 package (1 MiB)', held: vsPackage === null ? null : vsPackage >= 10, detail: vsPackage === null ? 'n/a' : `${vsPackage.toFixed(1)}x` },
    { name: 'native CRC32C >= 15x pure-TS (1 MiB, issue 5)', held: vsTwin === null ? null : vsTwin >= 15, detail: vsTwin === null ? 'n/a' : `${vsTwin.toFixed(1)}x` },
    { name: 'native CRC32C within 2x of the C hardware limit', held: vsLimit === null ? null : vsLimit <= 2, detail: vsLimit === null ? 'n/a (limit not measured)' : `limit ${limitGbPerSecond?.toFixed(2)} GB/s, native ${nativeGb?.toFixed(2)} GB/s, limit/native ${vsLimit.toFixed(2)}` },
    { name: 'native encode >= 3x js', held: encodeRatio === null ? null : encodeRatio >= 3, detail: encodeRatio === null ? 'n/a' : `${encodeRatio.toFixed(2)}x` },
  ];
}

function jsonPath(argv: string[]): string | null {
  const at = argv.indexOf('--json');
  if (at === -1) return null;
  const file = argv[at + 1];
  if (!file) throw new Error('--json needs a file name');
  return file;
}

async function main(argv: string[]): Promise<void> {
  const worker = argv.indexOf('--worker');
  if (worker !== -1) {
    console.log(JSON.stringify(await runWorker(argv[worker + 1] as WorkerName)));
    return;
  }
  const outFile = jsonPath(argv);
  const cpus = os.cpus();
  const machine = { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, platform: `${process.platform}-${process.arch}` };
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, ${machine.platform}`);

  // One backend after the other, never both at once: two cores cannot host both fairly.
  const native = spawnWorker('native');
  const js = spawnWorker('js');
  const backend = 'error' in native ? `native unavailable (${native.error}); js only` : native.note;
  console.log(`backend: ${backend}\n`);
  const rows = mergeRows(buildCases(os.tmpdir()).cases, native, js);
  printTable(rows);

  const limit = crcHardwareLimit();
  const nativeMib = rows.find((r) => r.name === 'CRC32C 1 MiB')?.nativeOps ?? null;
  const nativeGb = nativeMib === null ? null : (nativeMib * MIB) / 1e9;
  const share = limit.gbPerSecond !== null && nativeGb !== null ? `; native 1 MiB ${nativeGb.toFixed(2)} GB/s = ${((nativeGb / limit.gbPerSecond) * 100).toFixed(0)}% of it` : '';
  console.log(`\nC hardware CRC32C limit (best 1 MiB figure of bench/crc32c-limit.cc): ${limit.gbPerSecond === null ? limit.note : `${limit.gbPerSecond.toFixed(2)} GB/s`}${share}`);
  if (limit.gbPerSecond !== null) console.log(limit.note.replace(/^/gm, '  '));

  const targets = checkTargets(rows, limit.gbPerSecond);
  console.log('\ntargets:');
  for (const t of targets) console.log(`  [${t.held === null ? 'n/a ' : t.held ? 'PASS' : 'FAIL'}] ${t.name}: ${t.detail}`);

  if (outFile) {
    const figures = { date: new Date().toISOString(), backend, machine, taskTimeMs: TASK_TIME_MS, rows, crcHardwareLimit: limit, targets };
    writeFileSync(outFile, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`\nfigures written to ${outFile}`);
  }
}

await main(process.argv.slice(2));
