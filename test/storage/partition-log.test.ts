import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HotPath } from '../../src/hotpath/index.js';
import { StorageError } from '../../src/storage/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { partitionLogs } from '../helpers/partition-logs.js';
import { batchBaseOffsets, makeBatch } from '../helpers/batches.js';

describe.each(forEachBackend)('PartitionLog (%s)', (_name, hp) => {
  const openLog = partitionLogs(hp);

  it('assigns consecutive offsets and reads the same bytes back', async () => {
    const { log } = await openLog();
    const first = makeBatch(hp, { records: 3 });
    const second = makeBatch(hp, { records: 2 });
    expect(await log.append(first)).toMatchObject({ baseOffset: 0, lastOffset: 2, recordCount: 3 });
    expect(await log.append(second)).toMatchObject({ baseOffset: 3, lastOffset: 4, recordCount: 2 });
    expect(log.logEndOffset).toBe(5);
    const read = await log.read(0, 1 << 20);
    expect(read).toEqual(Buffer.concat([first, second]));
    expect(batchBaseOffsets(read)).toEqual([0, 3]);
  });

  it('returns the batch holding the offset first, and nothing at the log end', async () => {
    const { log } = await openLog();
    await log.append(makeBatch(hp, { records: 5 }));
    await log.append(makeBatch(hp, { records: 5 }));
    expect(batchBaseOffsets(await log.read(7, 1 << 20))).toEqual([5]);
    expect((await log.read(10, 1 << 20)).length).toBe(0);
  });

  it('rejects reads outside the log with OFFSET_OUT_OF_RANGE', async () => {
    const { log } = await openLog();
    await log.append(makeBatch(hp));
    await expect(log.read(2, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE', offset: 2 });
    await expect(log.read(-1, 100)).rejects.toBeInstanceOf(StorageError);
  });

  it('returns whole batches only, but the first one even beyond maxBytes', async () => {
    const { log } = await openLog();
    const big = makeBatch(hp, { records: 10, valueBytes: 200 });
    await log.append(big);
    await log.append(makeBatch(hp, { records: 1 }));
    expect((await log.read(0, 10)).length).toBe(big.length);
    expect((await log.read(0, big.length + 5)).length).toBe(big.length);
    expect((await log.read(0, 10, false)).length).toBe(0);
  });

  it('refuses a corrupt batch and appends nothing of it', async () => {
    const { log } = await openLog();
    await log.append(makeBatch(hp));
    const bad = makeBatch(hp, { records: 2 });
    bad[bad.length - 1] ^= 0xff;
    await expect(log.append(Buffer.concat([makeBatch(hp), bad]))).rejects.toMatchObject({ code: 'CORRUPT_BATCH' });
    expect(log.logEndOffset).toBe(1);
    expect(batchBaseOffsets(await log.read(0, 1 << 20))).toEqual([0]);
    expect((await log.append(makeBatch(hp))).baseOffset).toBe(1);
  });

  it('refuses an empty payload and one above maxMessageBytes', async () => {
    const { log } = await openLog({ maxMessageBytes: 500 });
    await expect(log.append(Buffer.alloc(0))).rejects.toMatchObject({ code: 'CORRUPT_BATCH' });
    await expect(log.append(makeBatch(hp, { records: 10, valueBytes: 100 }))).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    expect(log.logEndOffset).toBe(0);
  });

  it('rolls segments at segmentBytes and reads across them', async () => {
    const { log, dir } = await openLog({ segmentBytes: 1000 });
    const batches = Array.from({ length: 12 }, (_, i) => makeBatch(hp, { records: 2, valueBytes: 100, tag: `b${i}` }));
    for (const batch of batches) await log.append(batch);
    expect(log.segmentCount).toBeGreaterThan(3);
    const logs = readdirSync(dir).filter((name) => name.endsWith('.log')).sort();
    expect(logs[0]).toBe('00000000000000000000.log');
    expect(logs.every((name) => /^\d{20}\.log$/.test(name))).toBe(true);
    const all = await log.read(0, 1 << 20);
    // A read stops at the end of the segment holding the offset, like Kafka's.
    expect(batchBaseOffsets(all)[0]).toBe(0);
    const collected: Buffer[] = [];
    let offset = 0;
    while (offset < log.logEndOffset) {
      const chunk = await log.read(offset, 1 << 20);
      collected.push(chunk);
      const offsets = batchBaseOffsets(chunk);
      offset = offsets[offsets.length - 1] + 2;
    }
    expect(Buffer.concat(collected)).toEqual(Buffer.concat(batches.map((b, i) => withBaseOffset(b, i * 2))));
  });

  it('rolls when the segment is older than segmentMs', async () => {
    const { log } = await openLog({ segmentMs: 1 });
    await log.append(makeBatch(hp));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await log.append(makeBatch(hp));
    expect(log.segmentCount).toBe(2);
  });

  it('keeps offsets, data and indexes across a clean close and reopen', async () => {
    const { log, dir } = await openLog({ segmentBytes: 4000, indexIntervalBytes: 100 });
    for (let i = 0; i < 30; i++) await log.append(makeBatch(hp, { records: 3, valueBytes: 50, tag: `r${i}` }));
    const before = await log.read(45, 1 << 20);
    await log.close();
    expect(existsSync(join(dir, '.clean-shutdown'))).toBe(true);
    const { log: reopened } = await openLog({ segmentBytes: 4000, indexIntervalBytes: 100 }, dir);
    expect(reopened.loaded.cleanShutdown).toBe(true);
    expect(reopened.loaded.recovered).toEqual([]);
    expect(reopened.logEndOffset).toBe(90);
    expect(await reopened.read(45, 1 << 20)).toEqual(before);
    expect((await reopened.append(makeBatch(hp))).baseOffset).toBe(90);
    expect(existsSync(join(dir, '.clean-shutdown'))).toBe(false);
  });

  it('writes concurrent appends in order with consecutive offsets', async () => {
    const { log } = await openLog();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(makeBatch(hp, { records: 2, tag: `c${i}` }))));
    expect(results.map((r) => r.baseOffset)).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(batchBaseOffsets(await log.read(0, 1 << 22))).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
  });

  it('keeps call order when appends must wait for room (maxPendingBytes)', async () => {
    const { log } = await openLog({ maxPendingBytes: 1 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => log.append(makeBatch(hp, { records: 1, tag: `w${i}` }))));
    expect(results.map((r) => r.baseOffset)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const read = await log.read(0, 1 << 20);
    expect(batchBaseOffsets(read)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // Each batch's value says which call made it: w0, w1, ...
    expect(read.includes(Buffer.from('w29'))).toBe(true);
    expect(read.indexOf(Buffer.from('w3'))).toBeLessThan(read.indexOf(Buffer.from('w4')));
  });

  it('shares one fdatasync among appends that wait for it (group commit)', async () => {
    const { log } = await openLog({ flushPolicy: 'fsync' });
    await Promise.all(Array.from({ length: 40 }, () => log.append(makeBatch(hp))));
    expect(log.logEndOffset).toBe(40);
    expect(log.syncCount).toBeGreaterThanOrEqual(1);
    expect(log.syncCount).toBeLessThan(40);
  });

  it('syncs only when asked under the os policy', async () => {
    const { log } = await openLog({ flushPolicy: 'os' });
    await log.append(makeBatch(hp));
    expect(log.syncCount).toBe(0);
    await log.append(makeBatch(hp), { sync: true });
    expect(log.syncCount).toBe(1);
  });

  it('writes and fdatasyncs a durable append in one call to the thread pool', async () => {
    const calls: string[] = [];
    const spy: HotPath = {
      ...hp,
      appendFile: (fd, position, buffers, sync) => {
        calls.push(`${buffers.length > 0 ? 'write' : 'empty'}${sync ? '+sync' : ''}`);
        return hp.appendFile(fd, position, buffers, sync);
      },
    };
    const { log } = await openLog({ flushPolicy: 'os' }, undefined, spy);
    await log.append(makeBatch(hp, { records: 2 }), { sync: true });
    expect(calls).toEqual(['write+sync']);
    expect(log.syncCount).toBe(1);
    await log.append(makeBatch(hp, { records: 3 }));
    await log.append(makeBatch(hp), { sync: true });
    expect(calls).toEqual(['write+sync', 'write', 'write+sync']);
    expect(log.syncCount).toBe(2);
  });

  it('acknowledges a durable append only after a running group-commit round has synced the segment before it', async () => {
    // A round takes segment A and syncs it slowly; the log rolls to B and a durable append
    // there must not count as durable on its own fdatasync while A is still unsynced.
    const events: string[] = [];
    let fdA = -1;
    const spy: HotPath = {
      ...hp,
      appendFile: async (fd, position, buffers, sync) => {
        if (fdA < 0 && buffers.length > 0) fdA = fd;
        if (sync && fd === fdA) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          await hp.appendFile(fd, position, buffers, sync);
          events.push('A synced');
          return;
        }
        return hp.appendFile(fd, position, buffers, sync);
      },
    };
    const { log } = await openLog({ flushPolicy: 'os', segmentBytes: 4096 }, undefined, spy);
    await log.append(makeBatch(hp, { records: 2 }));
    const round = log.flush();
    await log.append(makeBatch(hp, { valueBytes: 5000 }), { sync: true }).then(() => events.push('durable append acknowledged'));
    await round;
    expect(log.segmentCount).toBeGreaterThan(1);
    expect(events.indexOf('A synced')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('A synced')).toBeLessThan(events.indexOf('durable append acknowledged'));
  });

  it('flushes in the background under the interval policy', async () => {
    const { log } = await openLog({ flushPolicy: 'interval', flushMs: 10 });
    await log.append(makeBatch(hp));
    await expect.poll(() => log.syncCount, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
  });

  it('stamps the leader epoch when asked', async () => {
    const { log } = await openLog();
    await log.append(makeBatch(hp), { leaderEpoch: 7 });
    expect((await log.read(0, 1000)).readInt32BE(12)).toBe(7);
  });

  it('tells listeners when data is appended', async () => {
    const { log } = await openLog();
    let calls = 0;
    const stop = log.onAppend(() => calls++);
    await log.append(makeBatch(hp));
    stop();
    await log.append(makeBatch(hp));
    expect(calls).toBe(1);
  });

  it('refuses use after close', async () => {
    const { log } = await openLog();
    await log.close();
    await expect(log.append(makeBatch(hp))).rejects.toMatchObject({ code: 'LOG_CLOSED' });
  });
});

function withBaseOffset(batch: Buffer, offset: number): Buffer {
  const copy = Buffer.from(batch);
  copy.writeBigInt64BE(BigInt(offset), 0);
  return copy;
}
