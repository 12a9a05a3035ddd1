// Reads at the end of a log come from copies of the last small appends instead of the file.
// They must give exactly the bytes a read from the file gives: the same batches, the same
// maxBytes and minOneBatch cut, and no batch of another segment.
import { afterEach, describe, expect, it } from 'vitest';
import { PartitionLog } from '../../src/storage/index.js';
import { RECENT_APPEND_MAX_BYTES, RECENT_BYTES, RecentAppends } from '../../src/storage/recent-appends.js';
import { forEachBackend } from '../helpers/backends.js';
import { batchBaseOffsets, makeBatch, tempDir } from '../helpers/batches.js';
import { hotpath } from '../../src/hotpath/index.js';

const quiet = { info: () => {}, warn: () => {} };

/** A batch of `records` records with offsets from `baseOffset`, as the log would have stamped it. */
function stamped(baseOffset: number, records = 1, valueBytes = 16): Buffer {
  const batch = makeBatch(hotpath, { records, valueBytes });
  batch.writeBigInt64BE(BigInt(baseOffset), 0);
  return batch;
}

describe('RecentAppends', () => {
  it('answers from the batch holding the offset to the end, and nothing before what it keeps', () => {
    const recent = new RecentAppends();
    recent.written({ segmentBaseOffset: 0, baseOffset: 10, nextOffset: 12, bytes: stamped(10, 2) });
    recent.written({ segmentBaseOffset: 0, baseOffset: 12, nextOffset: 13, bytes: Buffer.concat([stamped(12, 1)]) });
    expect(batchBaseOffsets(recent.read(11, 1 << 20, true) as Buffer)).toEqual([10, 12]);
    expect(batchBaseOffsets(recent.read(12, 1 << 20, true) as Buffer)).toEqual([12]);
    expect(recent.read(9, 1 << 20, true)).toBeUndefined();
    expect(recent.read(13, 1 << 20, true)).toBeUndefined();
    expect(recent.readsServed).toBe(2);
  });

  it('cuts at maxBytes after whole batches, giving the first one whole only with minOneBatch', () => {
    const recent = new RecentAppends();
    const first = stamped(0, 1, 100);
    recent.written({ segmentBaseOffset: 0, baseOffset: 0, nextOffset: 1, bytes: first });
    recent.written({ segmentBaseOffset: 0, baseOffset: 1, nextOffset: 2, bytes: stamped(1, 1, 100) });
    expect(batchBaseOffsets(recent.read(0, first.length + 10, true) as Buffer)).toEqual([0]);
    expect(batchBaseOffsets(recent.read(0, 10, true) as Buffer)).toEqual([0]);
    expect((recent.read(0, 10, false) as Buffer).length).toBe(0);
  });

  it('forgets what it kept on a large append, a gap in offsets, or a newer segment, and keeps at most RECENT_BYTES', () => {
    const recent = new RecentAppends();
    const small = (base: number, segment = 0) => ({ segmentBaseOffset: segment, baseOffset: base, nextOffset: base + 1, bytes: stamped(base) });
    recent.written(small(0));
    recent.written({ segmentBaseOffset: 0, baseOffset: 1, nextOffset: 2, bytes: stamped(1, 1, RECENT_APPEND_MAX_BYTES) });
    expect(recent.read(0, 1 << 20, true)).toBeUndefined();
    expect(recent.read(1, 1 << 20, true)).toBeUndefined();
    recent.written(small(2));
    recent.written(small(4)); // offset 3 never came
    expect(recent.read(2, 1 << 20, true)).toBeUndefined();
    recent.written(small(5, 5)); // the log rolled
    expect(recent.read(4, 1 << 20, true)).toBeUndefined();
    expect(batchBaseOffsets(recent.read(5, 1 << 20, true) as Buffer)).toEqual([5]);
    const last = 6 + Math.ceil((2 * RECENT_BYTES) / stamped(0).length);
    for (let base = 6; base <= last; base++) recent.written(small(base, 5));
    expect(recent.read(6, 1 << 30, true)).toBeUndefined();
    const kept = recent.read(last - 10, 1 << 30, true) as Buffer;
    expect(batchBaseOffsets(kept)).toEqual(Array.from({ length: 11 }, (_, i) => last - 10 + i));
    let oldest = last;
    while (recent.read(oldest - 1, 1 << 30, true) !== undefined) oldest--;
    expect((recent.read(oldest, 1 << 30, true) as Buffer).length).toBeLessThanOrEqual(RECENT_BYTES);
  });

  it('hands out copies: changing what it returned or what it was given changes nothing kept', () => {
    const recent = new RecentAppends();
    const given = stamped(0);
    recent.written({ segmentBaseOffset: 0, baseOffset: 0, nextOffset: 1, bytes: given });
    const original = Buffer.from(given);
    given.fill(0);
    (recent.read(0, 1 << 20, true) as Buffer).fill(1);
    expect(recent.read(0, 1 << 20, true)).toEqual(original);
  });
});

describe.each(forEachBackend)('PartitionLog reads at the end (%s)', (_name, hp) => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('give the bytes a read from the file gives, for every offset and cut, across rolls and large appends', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const config = { segmentBytes: 6000, indexIntervalBytes: 256 };
    const log = await PartitionLog.open(dir, { config, hotpath: hp, logger: quiet });
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 60; i++) {
      const batches = Array.from({ length: 1 + random(3) }, () => makeBatch(hp, { records: 1 + random(4), valueBytes: random(10) === 0 ? 3000 : 20 + random(200) }));
      await log.append(Buffer.concat(batches));
    }
    const cuts = [[1 << 20, true], [300, true], [300, false], [1, true]] as const;
    const fromMemory = new Map<string, Buffer>();
    for (let offset = 0; offset < log.logEndOffset; offset++) {
      for (const [maxBytes, minOne] of cuts) fromMemory.set(`${offset}/${maxBytes}/${minOne}`, await log.read(offset, maxBytes, minOne));
    }
    expect(log.readsFromMemory).toBeGreaterThan(0);
    await log.close();
    const fromFile = await PartitionLog.open(dir, { config, hotpath: hp, logger: quiet });
    cleanups.unshift(() => fromFile.abandon());
    for (const [key, bytes] of fromMemory) {
      const [offset, maxBytes, minOne] = key.split('/');
      expect(await fromFile.read(Number(offset), Number(maxBytes), minOne === 'true'), key).toEqual(bytes);
    }
    expect(fromFile.readsFromMemory).toBe(0);
  });
});
