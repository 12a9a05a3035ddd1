// Segment files extended ahead of their data (preallocation.ts): reads see only data, rolls and
// clean closes cut the files back, and recovery after a crash cuts the unwritten tail without
// calling it damage.
import { readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PartitionLog, type StorageLogger } from '../../src/storage/index.js';
import { preallocatedLength } from '../../src/storage/preallocation.js';
import { forEachBackend } from '../helpers/backends.js';
import { makeBatch, suiteTempDirs } from '../helpers/batches.js';

const FIRST_LOG = '00000000000000000000.log';
const STEP = 16 * 1024;

interface LoggedEntry {
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

function recordingLogger(): StorageLogger & { entries: LoggedEntry[] } {
  const entries: LoggedEntry[] = [];
  const record = (level: LoggedEntry['level']) => (message: string, fields?: Record<string, unknown>) => entries.push({ level, message, fields: fields ?? {} });
  return { info: record('info'), warn: record('warn'), entries };
}

const quiet: StorageLogger = { info: () => {}, warn: () => {} };

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('preallocatedLength', () => {
  it('rounds up to the next step, never past the segment size unless the data itself is longer', () => {
    expect(preallocatedLength(1, 1024, 1 << 20)).toBe(1024);
    expect(preallocatedLength(1024, 1024, 1 << 20)).toBe(1024);
    expect(preallocatedLength(1025, 1024, 1 << 20)).toBe(2048);
    expect(preallocatedLength(1025, 1024, 1500)).toBe(1500);
    expect(preallocatedLength(5000, 1024, 1500)).toBe(5000);
  });
});

describe.each(forEachBackend)('preallocated segments (%s)', (_name, hp) => {
  const newDir = suiteTempDirs();

  async function logWithBatches(dir: string, count: number, config: Record<string, unknown> = {}): Promise<{ log: PartitionLog; batches: Buffer[] }> {
    const log = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config: { preallocateBytes: STEP, ...config } });
    const batches: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const batch = makeBatch(hp, { records: 2, valueBytes: 100, tag: `b${i}` });
      await log.append(batch, { sync: i % 2 === 0 });
      batches.push(batch);
    }
    return { log, batches };
  }

  /** `count` batches appended, then a stop without a clean shutdown. */
  async function crashedLog(count: number): Promise<{ dir: string; batches: Buffer[]; dataBytes: number }> {
    const dir = newDir();
    const { log, batches } = await logWithBatches(dir, count);
    const dataBytes = log.sizeInBytes;
    log.abandon();
    return { dir, batches, dataBytes };
  }

  it('keeps the active file a step ahead of its data, reads only data, and cuts the file back on close', async () => {
    const dir = newDir();
    const { log, batches } = await logWithBatches(dir, 5);
    const dataBytes = log.sizeInBytes;
    expect(statSync(join(dir, FIRST_LOG)).size).toBe(STEP);
    expect(Buffer.concat(batches).length).toBe(dataBytes);
    expect((await log.read(0, 1 << 20)).length).toBe(dataBytes);
    await log.close();
    expect(statSync(join(dir, FIRST_LOG)).size).toBe(dataBytes);

    const reopened = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config: { preallocateBytes: STEP } });
    expect(reopened.loaded.cleanShutdown).toBe(true);
    expect(reopened.loaded.recovered).toEqual([]);
    expect((await reopened.append(makeBatch(hp, { tag: 'after' }))).baseOffset).toBe(10);
    await reopened.close();
  });

  it('grows the file by whole steps as appends cross them', async () => {
    const dir = newDir();
    const { log } = await logWithBatches(dir, 80);
    const dataBytes = log.sizeInBytes;
    expect(dataBytes).toBeGreaterThan(STEP);
    expect(statSync(join(dir, FIRST_LOG)).size).toBe(Math.ceil(dataBytes / STEP) * STEP);
    await log.close();
  });

  it('lets each append grow the file when preallocateBytes is 0', async () => {
    const dir = newDir();
    const { log } = await logWithBatches(dir, 3, { preallocateBytes: 0 });
    expect(statSync(join(dir, FIRST_LOG)).size).toBe(log.sizeInBytes);
    await log.close();
  });

  it('cuts a rolled segment back to its data', async () => {
    const dir = newDir();
    const { log } = await logWithBatches(dir, 60, { segmentBytes: 8 * 1024 });
    expect(log.segmentCount).toBeGreaterThan(2);
    const logs = readdirSync(dir).filter((name) => name.endsWith('.log')).sort();
    const sealed = logs.slice(0, -1).map((name) => join(dir, name));
    // Rolled segments are cut once their writes are out, in the background.
    await until(() => sealed.every((path) => statSync(path).size <= 8 * 1024), 'rolled segments to be cut');
    const sizes = sealed.map((path) => statSync(path).size);
    await log.close();
    expect(sealed.map((path) => statSync(path).size)).toEqual(sizes);
    const reopened = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config: { segmentBytes: 8 * 1024 } });
    expect(reopened.loaded.recovered).toEqual([]);
    expect(reopened.logEndOffset).toBe(120);
    await reopened.close();
  });

  it('cuts the unwritten tail after a crash as unused space, not damage', async () => {
    const { dir, batches, dataBytes } = await crashedLog(5);
    const logger = recordingLogger();
    const reopened = await PartitionLog.open(dir, { hotpath: hp, logger, config: { preallocateBytes: STEP } });
    expect(reopened.loaded.recovered).toEqual([
      expect.objectContaining({ validBytes: dataBytes, truncatedBytes: 0, unwrittenBytes: STEP - dataBytes, reason: '' }),
    ]);
    expect(logger.entries.map((entry) => entry.level)).toEqual(['info']);
    expect(readFileSync(join(dir, FIRST_LOG))).toEqual(Buffer.concat(batches));
    expect(await reopened.read(0, 1 << 20)).toEqual(readFileSync(join(dir, FIRST_LOG)));
    expect((await reopened.append(makeBatch(hp, { tag: 'after' }))).baseOffset).toBe(10);
    await reopened.close();
  });

  it('calls a torn batch followed by zeros damage, and cuts both', async () => {
    const { dir, batches, dataBytes } = await crashedLog(3);
    const path = join(dir, FIRST_LOG);
    const lastStart = dataBytes - batches[2].length;
    const bytes = readFileSync(path);
    bytes.fill(0, lastStart + 40, dataBytes);
    writeFileSync(path, bytes);
    const logger = recordingLogger();
    const reopened = await PartitionLog.open(dir, { hotpath: hp, logger });
    expect(reopened.loaded.recovered).toEqual([
      expect.objectContaining({ validBytes: lastStart, truncatedBytes: STEP - lastStart, unwrittenBytes: 0 }),
    ]);
    expect(logger.entries.map((entry) => entry.level)).toEqual(['warn']);
    expect(reopened.logEndOffset).toBe(4);
    await reopened.close();
  });

  it('recovers a sealed segment whose cut never reached the disk, even after a clean stop', async () => {
    const dir = newDir();
    const { log } = await logWithBatches(dir, 60, { segmentBytes: 8 * 1024 });
    await log.close();
    const first = join(dir, FIRST_LOG);
    const dataBytes = statSync(first).size;
    truncateSync(first, dataBytes + STEP);
    const reopened = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config: { segmentBytes: 8 * 1024 } });
    expect(reopened.loaded.cleanShutdown).toBe(true);
    expect(reopened.loaded.recovered).toEqual([expect.objectContaining({ path: first, truncatedBytes: 0, unwrittenBytes: STEP })]);
    expect(statSync(first).size).toBe(dataBytes);
    expect(reopened.logEndOffset).toBe(120);
    expect((await reopened.read(0, 1 << 20)).length).toBe(dataBytes);
    await reopened.close();
  });
});
