// Memory that log reads land in. By default each read gets a fresh Buffer. A Fetch read can be
// megabytes, and fresh memory that large comes from mmap: an 8 MiB read then costs 2,048 page
// faults before the first byte arrives, a quarter of the broker's time when serving consumers.
// A ReadBufferPool lends blocks instead and takes them back when the caller is done with the
// bytes (for Fetch: once the socket has taken them).

export interface ReadMemory {
  /** A Buffer of exactly `size` bytes to read into; its contents are garbage. */
  take(size: number): Buffer;
  /** Hands back the memory under `view` (any view into a taken Buffer); ignores other memory. */
  giveBack(view: Uint8Array): void;
}

/** A fresh Buffer per read; giving back is left to the garbage collector. */
export const freshMemory: ReadMemory = {
  take: (size) => Buffer.allocUnsafe(size),
  giveBack: () => undefined,
};

/** Reads below this size come from Buffer.allocUnsafe (cheap, and Node pools the smallest). */
export const MIN_POOLED_READ = 64 * 1024;
/** Blocks are sized in these steps, so reads of slightly different sizes share blocks. */
const BLOCK_STEP = 64 * 1024;

/**
 * Lends blocks for large reads and keeps blocks given back, up to maxPooledBytes. A block that
 * is never given back (its caller dropped it) is simply collected. A block is reused for any
 * read it can hold that needs at least half of it.
 */
export class ReadBufferPool implements ReadMemory {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;
  /** Blocks out on loan, by their memory: what giveBack recognises. */
  private readonly lent = new WeakMap<ArrayBufferLike, Buffer>();

  constructor(private readonly maxPooledBytes: number) {}

  get pooledBytes(): number {
    return this.freeBytes;
  }

  take(size: number): Buffer {
    if (size < MIN_POOLED_READ) return Buffer.allocUnsafe(size);
    const block = this.takeFree(size) ?? Buffer.allocUnsafeSlow(Math.ceil(size / BLOCK_STEP) * BLOCK_STEP);
    this.lent.set(block.buffer, block);
    return block.subarray(0, size);
  }

  giveBack(view: Uint8Array): void {
    const block = this.lent.get(view.buffer);
    if (block === undefined) return; // not ours, or given back already
    this.lent.delete(view.buffer);
    if (this.freeBytes + block.length > this.maxPooledBytes) return;
    this.free.push(block);
    this.freeBytes += block.length;
  }

  /** The smallest free block that holds size bytes and is at most twice that, taken out. */
  private takeFree(size: number): Buffer | undefined {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = this.free[i].length;
      if (length >= size && length <= 2 * size && (best < 0 || length < this.free[best].length)) best = i;
    }
    if (best < 0) return undefined;
    const [block] = this.free.splice(best, 1);
    this.freeBytes -= block.length;
    return block;
  }
}
