// Memory for log reads: the pool lends blocks for large reads and reuses only what is given
// back; reads through it return the same bytes as fresh reads.
import { afterEach, describe, expect, it } from 'vitest';
import { MIN_POOLED_READ, ReadBufferPool } from '../../src/storage/read-memory.js';
import { PartitionLog } from '../../src/storage/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { makeBatch, tempDir } from '../helpers/batches.js';

const MIB = 1024 * 1024;

describe('ReadBufferPool', () => {
  it('lends distinct memory until it is given back, then reuses it', () => {
    const pool = new ReadBufferPool(16 * MIB);
    const first = pool.take(MIB);
    const second = pool.take(MIB);
    expect(first.length).toBe(MIB);
    expect(first.buffer).not.toBe(second.buffer);
    pool.giveBack(first.subarray(100, 200)); // any view of the block gives it back
    expect(pool.pooledBytes).toBe(MIB);
    const third = pool.take(MIB - 5000);
    expect(third.buffer).toBe(first.buffer);
    expect(third.length).toBe(MIB - 5000);
    expect(pool.pooledBytes).toBe(0);
  });

  it('ignores memory it did not lend and a second give-back', () => {
    const pool = new ReadBufferPool(16 * MIB);
    pool.giveBack(Buffer.allocUnsafeSlow(MIB));
    const lent = pool.take(MIB);
    pool.giveBack(lent);
    pool.giveBack(lent);
    expect(pool.pooledBytes).toBe(MIB);
    const again = pool.take(MIB);
    expect(again.buffer).toBe(lent.buffer);
    expect(pool.take(MIB).buffer).not.toBe(lent.buffer); // it was pooled once, not twice
  });

  it('keeps at most its bound and does not pool small reads', () => {
    const pool = new ReadBufferPool(2 * MIB);
    const blocks = [pool.take(MIB), pool.take(MIB), pool.take(MIB)];
    blocks.forEach((block) => pool.giveBack(block));
    expect(pool.pooledBytes).toBe(2 * MIB);
    const small = pool.take(MIN_POOLED_READ - 1);
    pool.giveBack(small);
    expect(pool.pooledBytes).toBe(2 * MIB);
  });

  it('does not spend a block on a read needing less than half of it', () => {
    const pool = new ReadBufferPool(16 * MIB);
    const big = pool.take(4 * MIB);
    pool.giveBack(big);
    expect(pool.take(MIB).buffer).not.toBe(big.buffer);
    expect(pool.take(3 * MIB).buffer).toBe(big.buffer);
  });
});

describe.each(forEachBackend)('PartitionLog.read through a pool (%s)', (_name, hp) => {
  let cleanup: () => void = () => {};
  afterEach(() => cleanup());

  it('returns the bytes a fresh read returns, and memory given back is reused for the next read', async () => {
    const temp = tempDir();
    const log = await PartitionLog.open(temp.dir, { hotpath: hp, logger: { info: () => {}, warn: () => {} } });
    cleanup = () => {
      log.abandon();
      temp.cleanup();
    };
    for (let i = 0; i < 8; i++) await log.append(makeBatch(hp, { records: 50, valueBytes: 2000, tag: `b${i}` }));
    const pool = new ReadBufferPool(16 * MIB);
    const fresh = await log.read(100, 300 * 1024);
    const pooled = await log.read(100, 300 * 1024, true, pool);
    expect(pooled.equals(fresh)).toBe(true);
    pool.giveBack(pooled);
    const next = await log.read(200, 300 * 1024, true, pool);
    expect(next.buffer).toBe(pooled.buffer);
    expect(next.equals(await log.read(200, 300 * 1024))).toBe(true);
  });
});
