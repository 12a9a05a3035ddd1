import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PartitionLog } from '../../src/storage/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { batchBaseOffsets, makeBatch, tempDir } from '../helpers/batches.js';

const quiet = { info: () => {}, warn: () => {} };
const DAY = 24 * 60 * 60 * 1000;

describe.each(forEachBackend)('retention and log start offset (%s)', (_name, hp) => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  async function openLog(config: object, dir = newDir()): Promise<PartitionLog> {
    const log = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config });
    cleanups.unshift(() => log.abandon());
    return log;
  }

  function newDir(): string {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    return temp.dir;
  }

  it('deletes the oldest whole segments beyond retentionBytes and moves the start offset', async () => {
    const log = await openLog({ segmentBytes: 500, retentionBytes: 1200 });
    for (let i = 0; i < 20; i++) await log.append(makeBatch(hp, { records: 2, valueBytes: 60 }));
    log.applyRetention();
    expect(log.sizeInBytes).toBeLessThanOrEqual(1200 + 500);
    expect(log.logStartOffset).toBeGreaterThan(0);
    await expect(log.read(0, 1000)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    expect(batchBaseOffsets(await log.read(log.logStartOffset, 1 << 20))[0]).toBe(log.logStartOffset);
    expect(existsSync(join(log.dir, '00000000000000000000.log'))).toBe(false);
  });

  it('removes the files of deleted segments off the event loop, leaving no .deleted file behind', async () => {
    const log = await openLog({ segmentBytes: 500, retentionBytes: 600 });
    for (let i = 0; i < 10; i++) await log.append(makeBatch(hp, { records: 2, valueBytes: 60 }));
    log.applyRetention();
    const leftovers = () => readdirSync(log.dir).filter((name) => name.endsWith('.deleted'));
    for (let waited = 0; leftovers().length > 0 && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(leftovers()).toEqual([]);
    expect(readdirSync(log.dir).filter((name) => name.endsWith('.log')).length).toBeLessThan(10);
  });

  it('deletes segments whose newest record is older than retentionMs, never the active one', async () => {
    const log = await openLog({ segmentBytes: 300, retentionMs: DAY });
    const old = Date.now() - 3 * DAY;
    for (let i = 0; i < 6; i++) await log.append(makeBatch(hp, { records: 2, valueBytes: 60, timestamp: old }));
    for (let i = 0; i < 2; i++) await log.append(makeBatch(hp, { records: 2, valueBytes: 60 }));
    // Rolling applies retention too, so the old segments are already gone.
    expect(log.applyRetention()).toBe(0);
    expect(existsSync(join(log.dir, '00000000000000000000.log'))).toBe(false);
    expect(log.logEndOffset).toBe(16);
    expect(log.logStartOffset).toBeGreaterThanOrEqual(12);
    await expect(log.read(0, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
  });

  it('keeps everything with retention disabled', async () => {
    const log = await openLog({ segmentBytes: 300, retentionMs: -1, retentionBytes: -1 });
    for (let i = 0; i < 6; i++) await log.append(makeBatch(hp, { records: 2, valueBytes: 60, timestamp: 1000 }));
    expect(log.applyRetention()).toBe(0);
    expect(log.logStartOffset).toBe(0);
  });

  it('moves the start offset with deleteRecordsBefore, and keeps it across a restart', async () => {
    const dir = newDir();
    const log = await openLog({ segmentBytes: 400 }, dir);
    for (let i = 0; i < 10; i++) await log.append(makeBatch(hp, { records: 2, valueBytes: 60 }));
    expect(log.deleteRecordsBefore(7)).toBe(7);
    await expect(log.read(6, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    expect(batchBaseOffsets(await log.read(7, 1 << 20))[0]).toBe(6);
    expect(() => log.deleteRecordsBefore(21)).toThrow(/cannot delete/);
    await log.close();
    const reopened = await openLog({ segmentBytes: 400 }, dir);
    expect(reopened.logStartOffset).toBe(7);
    expect(reopened.logEndOffset).toBe(20);
  });

  it('empties the log when records are deleted up to the end', async () => {
    const log = await openLog({});
    for (let i = 0; i < 3; i++) await log.append(makeBatch(hp, { records: 2 }));
    log.deleteRecordsBefore(6);
    expect(log.logStartOffset).toBe(6);
    expect((await log.read(6, 100)).length).toBe(0);
    expect((await log.append(makeBatch(hp))).baseOffset).toBe(6);
    expect(readdirSync(log.dir).filter((name) => name.endsWith('.log'))).toEqual(['00000000000000000006.log']);
  });
});

describe.each(forEachBackend)('lookups by timestamp (%s)', (_name, hp) => {
  it('finds the first batch at or after a timestamp, through the time index', async () => {
    const { dir, cleanup } = tempDir();
    const log = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config: { indexIntervalBytes: 50, segmentBytes: 1500 } });
    try {
      const base = Date.now() - 100_000;
      for (let i = 0; i < 40; i++) await log.append(makeBatch(hp, { records: 2, timestamp: base + i * 1000 }));
      const batch = await log.readBatchAtTimestamp(base + 10_500);
      expect(batch).not.toBeNull();
      expect(batchBaseOffsets(batch as Buffer)).toEqual([22]);
      expect(batchBaseOffsets((await log.readBatchAtTimestamp(0)) as Buffer)).toEqual([0]);
      expect(await log.readBatchAtTimestamp(base + 50_000)).toBeNull();
      expect(log.maxTimestampAndOffset).toEqual({ timestamp: base + 39_001, offset: 79 });
      await log.close();
      const reopened = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config: { indexIntervalBytes: 50, segmentBytes: 1500 } });
      expect(batchBaseOffsets((await reopened.readBatchAtTimestamp(base + 10_500)) as Buffer)).toEqual([22]);
      expect(reopened.maxTimestampAndOffset).toEqual({ timestamp: base + 39_001, offset: 79 });
      await reopened.close();
    } finally {
      cleanup();
    }
  });
});
