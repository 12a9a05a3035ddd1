// allocateReceiveBuffer: memory for large socket reads. Both backends give writable Buffers of
// the length asked; native takes large ones from a pool that reuses a block only after the
// garbage collector freed every view of it, and keeps reused memory off V8's external count.
import { constants } from 'node:buffer';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { INVALID_ARGUMENT } from '../../src/hotpath/index.js';
import { loadNative, POOLED_RECEIVE_MIN_BYTES, type ReceiveBufferStats } from '../../src/hotpath/loader.js';
import { forEachBackend, nativeHotPath } from '../helpers/backends.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Full collections, then time for V8 to sweep array buffers (on a background thread) and for
 * Node to run the finalizers of the freed ones (from setImmediate, on the main thread).
 */
async function collectAndFinalize(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe.each(forEachBackend)('allocateReceiveBuffer (%s)', (_name, hp) => {
  it.each([0, 1, 4096, POOLED_RECEIVE_MIN_BYTES - 1, POOLED_RECEIVE_MIN_BYTES, 8 * 1024 * 1024 + 5])('gives a writable Buffer of %i bytes', (length) => {
    const buffer = hp.allocateReceiveBuffer(length);
    expect(Buffer.isBuffer(buffer)).toBe(true);
    expect(buffer.length).toBe(length);
    buffer.fill(0xab);
    expect(buffer.every((byte) => byte === 0xab)).toBe(true);
  });

  it('never gives two live buffers the same memory', () => {
    const buffers = Array.from({ length: 6 }, (_, i) => hp.allocateReceiveBuffer(POOLED_RECEIVE_MIN_BYTES + i).fill(i + 1));
    buffers.forEach((buffer, i) => expect(buffer.every((byte) => byte === i + 1)).toBe(true));
  });

  it.each([-1, 1.5, Number.NaN, '10', constants.MAX_LENGTH + 1])('refuses the length %s', (length) => {
    expect(() => hp.allocateReceiveBuffer(length as number)).toThrow(expect.objectContaining({ code: INVALID_ARGUMENT }));
  });
});

describe.runIf(nativeHotPath !== null)('native receive buffers', () => {
  // 20 MiB: a size class (32 MiB) nothing else in the test run uses, so the pool's block is ours.
  const LENGTH = 20 * 1024 * 1024;
  const stats = (): ReceiveBufferStats => loadNative().receiveBufferStats();

  it('reuses a block once its Buffer is garbage, and only then', async () => {
    const hp = nativeHotPath!;
    let first: Buffer | null = hp.allocateReceiveBuffer(LENGTH).fill(0x5a);
    let view: Buffer | null = first.subarray(LENGTH - 10);
    first = null;
    await collectAndFinalize();
    // A view still holds the memory: a new buffer must not get it.
    const whileViewed = hp.allocateReceiveBuffer(LENGTH).fill(0x11);
    expect(view.every((byte) => byte === 0x5a)).toBe(true);
    expect(whileViewed.length).toBe(LENGTH);
    view.fill(0x77);
    view = null;
    await collectAndFinalize();
    // whileViewed is still live here; the first block, now unreferenced, is the one handed out.
    const reused = hp.allocateReceiveBuffer(LENGTH);
    expect(reused[LENGTH - 1]).toBe(0x77);
    expect(whileViewed.every((byte) => byte === 0x11)).toBe(true);
  });

  it('keeps a reused block off the external-memory count while its buffer lives, and only then', async () => {
    const hp = nativeHotPath!;
    hp.allocateReceiveBuffer(LENGTH).fill(1);
    await collectAndFinalize();
    const before = stats();
    let reused: Buffer | null = hp.allocateReceiveBuffer(LENGTH).fill(2);
    expect(stats().blocksReused).toBe(before.blocksReused + 1);
    expect(stats().blocksMapped).toBe(before.blocksMapped);
    expect(stats().discountedBytes).toBe(before.discountedBytes + LENGTH);
    expect(reused.length).toBe(LENGTH);
    reused = null;
    await collectAndFinalize();
    expect(stats().discountedBytes).toBe(before.discountedBytes);
    expect(stats().idleBytes).toBeGreaterThanOrEqual(32 * 1024 * 1024);
  });
});
