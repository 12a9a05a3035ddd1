import { copyFileSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PartitionLog, type StorageLogger } from '../../src/storage/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { batchBaseOffsets, makeBatch, suiteTempDirs } from '../helpers/batches.js';

const SEGMENT = '00000000000000000000';
const quiet: StorageLogger = { info: () => {}, warn: () => {} };

function recordingLogger(): StorageLogger & { warnings: Array<Record<string, unknown>> } {
  const warnings: Array<Record<string, unknown>> = [];
  return { info: () => {}, warn: (_message, fields) => warnings.push(fields ?? {}), warnings };
}

describe.each(forEachBackend)('recovery (%s)', (_name, hp) => {
  const newDir = suiteTempDirs();

  /** Writes `batches` single-segment batches and stops without a clean shutdown. */
  async function crashedLog(batches: number, config = {}): Promise<{ dir: string; lastBatchStart: number; size: number }> {
    const dir = newDir();
    const log = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config });
    let lastBatchStart = 0;
    for (let i = 0; i < batches; i++) {
      lastBatchStart = log.sizeInBytes;
      await log.append(makeBatch(hp, { records: 3, tag: `t${i}` }));
    }
    const size = log.sizeInBytes;
    log.abandon();
    return { dir, lastBatchStart, size };
  }

  async function reopen(dir: string, logger: StorageLogger = quiet, config = {}): Promise<PartitionLog> {
    return PartitionLog.open(dir, { hotpath: hp, logger, config });
  }

  it('keeps exactly the intact prefix when the last batch is cut at any byte', async () => {
    const { dir, lastBatchStart, size } = await crashedLog(3);
    const logPath = join(dir, `${SEGMENT}.log`);
    const original = readFileSync(logPath);
    for (let cut = lastBatchStart + 1; cut < size; cut++) {
      writeFileSync(logPath, original.subarray(0, cut));
      const log = await reopen(dir);
      expect(log.logEndOffset, `cut at ${cut}`).toBe(6);
      expect(readFileSync(logPath).length, `cut at ${cut}`).toBe(lastBatchStart);
      expect(await log.read(0, 1 << 20)).toEqual(original.subarray(0, lastBatchStart));
      log.abandon();
    }
  });

  it('keeps exactly the intact prefix when a bit of the last batch flips', async () => {
    const { dir, lastBatchStart, size } = await crashedLog(3);
    const logPath = join(dir, `${SEGMENT}.log`);
    const original = readFileSync(logPath);
    for (let at = lastBatchStart; at < size; at++) {
      const relative = at - lastBatchStart;
      // partitionLeaderEpoch (bytes 12-15) is outside the CRC, as in Kafka: a flip there is undetectable.
      if (relative >= 12 && relative < 16) continue;
      const damaged = Buffer.from(original);
      damaged[at] ^= 1 << (at % 8);
      writeFileSync(logPath, damaged);
      const log = await reopen(dir);
      expect(log.logEndOffset, `flip at ${relative}`).toBe(6);
      expect(await log.read(0, 1 << 20)).toEqual(original.subarray(0, lastBatchStart));
      log.abandon();
    }
  });

  it('logs what it truncated, with offsets and bytes', async () => {
    const { dir, lastBatchStart, size } = await crashedLog(2);
    truncateSync(join(dir, `${SEGMENT}.log`), size - 5);
    const logger = recordingLogger();
    const log = await reopen(dir, logger);
    expect(logger.warnings).toEqual([expect.objectContaining({ validBytes: lastBatchStart, truncatedBytes: size - 5 - lastBatchStart, nextOffset: 3 })]);
    log.abandon();
  });

  it('drops the segments after a damaged one', async () => {
    const dir = newDir();
    const log = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config: { segmentBytes: 400 } });
    for (let i = 0; i < 12; i++) await log.append(makeBatch(hp, { records: 2, valueBytes: 40, tag: `d${i}` }));
    expect(log.segmentCount).toBeGreaterThan(3);
    log.abandon();
    rmSync(join(dir, 'recovery-point'), { force: true });
    const logs = readdirSync(dir).filter((name) => name.endsWith('.log')).sort();
    const second = join(dir, logs[1]);
    const bytes = readFileSync(second);
    bytes[bytes.length - 3] ^= 0x10;
    writeFileSync(second, bytes);
    const reopened = await reopen(dir, quiet, { segmentBytes: 400 });
    expect(reopened.segmentCount).toBe(2);
    expect(reopened.loaded.droppedSegments.length).toBe(logs.length - 2);
    const offsets = batchBaseOffsets(await reopened.read(Number(logs[1].slice(0, 20)), 1 << 20));
    expect(reopened.logEndOffset).toBe(offsets[offsets.length - 1] + 2);
    expect(readdirSync(dir).filter((name) => name.endsWith('.log')).length).toBe(2);
    reopened.abandon();
  });

  it('validates only the segments after the recovery point', async () => {
    const dir = newDir();
    const config = { segmentBytes: 400 };
    const first = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config });
    for (let i = 0; i < 8; i++) await first.append(makeBatch(hp, { records: 2, valueBytes: 40 }));
    await first.close();
    const second = await reopen(dir, quiet, config);
    const segmentsBefore = second.segmentCount;
    for (let i = 0; i < 8; i++) await second.append(makeBatch(hp, { records: 2, valueBytes: 40 }));
    second.abandon();
    const third = await reopen(dir, quiet, config);
    expect(third.loaded.cleanShutdown).toBe(false);
    const recoveredBases = third.loaded.recovered.map((r) => Number(r.path.slice(-24, -4)));
    expect(recoveredBases.length).toBeGreaterThan(0);
    // Every recovered segment holds offsets at or after the recovery point written by the clean close.
    const bases = readdirSync(dir).filter((name) => name.endsWith('.log')).map((name) => Number(name.slice(0, 20))).sort((a, b) => a - b);
    for (const base of recoveredBases) {
      const next = bases.find((b) => b > base) ?? Infinity;
      expect(next).toBeGreaterThan(16);
    }
    expect(third.loaded.recoveryPoint).toBe(16);
    expect(recoveredBases.length).toBeLessThan(third.segmentCount);
    expect(third.segmentCount).toBeGreaterThan(segmentsBefore);
    expect(third.logEndOffset).toBe(32);
    third.abandon();
  });

  it.each([
    ['missing', (path: string) => rmSync(path)],
    ['garbage', (path: string) => writeFileSync(path, Buffer.from('not an index at all'))],
    ['pointing past the log', (path: string) => writeFileSync(path, Buffer.from([0, 0, 0, 1, 0x7f, 0, 0, 0]))],
  ])('rebuilds an offset index that is %s', async (_kind, damage) => {
    const dir = newDir();
    const config = { indexIntervalBytes: 50, segmentBytes: 2000 };
    const log = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config });
    for (let i = 0; i < 30; i++) await log.append(makeBatch(hp, { records: 2, valueBytes: 30, tag: `x${i}` }));
    const expected = await log.read(21, 1 << 20);
    await log.close();
    const indexPath = join(dir, `${SEGMENT}.index`);
    const goodIndex = readFileSync(indexPath);
    expect(goodIndex.length).toBeGreaterThan(0);
    damage(indexPath);
    const reopened = await reopen(dir, quiet, config);
    expect(reopened.loaded.recovered.map((r) => r.path)).toEqual([join(dir, `${SEGMENT}.log`)]);
    expect(await reopened.read(21, 1 << 20)).toEqual(expected);
    await reopened.close();
    expect(readFileSync(indexPath)).toEqual(goodIndex);
  });

  it('rebuilds an active segment index that is far behind its log', async () => {
    const dir = newDir();
    const config = { indexIntervalBytes: 64, maxMessageBytes: 300 };
    const log = await PartitionLog.open(dir, { hotpath: hp, logger: quiet, config });
    for (let i = 0; i < 40; i++) await log.append(makeBatch(hp, { records: 1, valueBytes: 40 }));
    await log.close();
    const indexPath = join(dir, `${SEGMENT}.index`);
    const goodIndex = readFileSync(indexPath);
    copyFileSync(indexPath, indexPath + '.bak');
    truncateSync(indexPath, 8);
    const reopened = await reopen(dir, quiet, config);
    expect(reopened.loaded.recovered.length).toBe(1);
    await reopened.close();
    expect(readFileSync(indexPath)).toEqual(goodIndex);
  });
});

