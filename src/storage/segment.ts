// One segment: a .log file of record batches with its sparse .index and .timeindex.
// The segment tracks two sizes: `size` counts bytes whose place is assigned (appends queued for
// writing included), `writtenSize` the bytes known to be in the file. Reads stop at writtenSize.
// The file itself may be longer, by space preallocated ahead of the appends (preallocation.ts).
import { closeSync, fstatSync, ftruncateSync, openSync, renameSync, unlink } from 'node:fs';
import type { HotPath } from '../hotpath/types.js';
import type { LogConfig } from './config.js';
import { DELETED_SUFFIX, segmentPaths } from './file-names.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import { findBatch, findInWindow, readRange, wholeBatchesLength, type BatchLocation } from './batch-scan.js';
import { freshMemory, type ReadMemory } from './read-memory.js';
import { BATCH_HEADER_BYTES } from '../records/layout.js';
import { FileLength } from './preallocation.js';

/** What an append tells the segment so it can keep its indexes. */
export interface AppendedChunk {
  readonly position: number;
  readonly size: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
  readonly offsetOfMaxTimestamp: number;
}

export class Segment {
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  readonly paths: { log: string; offsetIndex: string; timeIndex: string };
  size: number;
  writtenSize: number;
  /** One past the last offset appended (assigned) to this segment. */
  nextOffset: number;
  maxTimestampSoFar = -1;
  offsetOfMaxTimestampSoFar = -1;
  /**
   * What segment.ms counts from: the segment file's creation time. (Kafka counts from the first
   * batch's timestamp; a producer sending old timestamps would then roll on every append.)
   */
  rollingBaseTimestamp: number;
  private bytesSinceLastIndexEntry = 0;
  private fd: number;
  /** The file's length as we last set it: at least writtenSize, more when preallocated. */
  private readonly fileLength: FileLength;
  private activeReads = 0;
  private closeWhenIdle = false;

  private constructor(
    dir: string,
    readonly baseOffset: number,
    private config: LogConfig,
    private readonly hotpath: HotPath,
    create: boolean,
  ) {
    this.paths = segmentPaths(dir, baseOffset);
    this.fd = openSync(this.paths.log, create ? 'wx+' : 'r+');
    const stat = fstatSync(this.fd);
    this.size = this.writtenSize = stat.size;
    this.fileLength = new FileLength(stat.size);
    this.nextOffset = baseOffset;
    this.rollingBaseTimestamp = create || !(stat.birthtimeMs > 0) ? Date.now() : stat.birthtimeMs;
    this.offsetIndex = new OffsetIndex(this.paths.offsetIndex, baseOffset, config.segmentIndexBytes, hotpath);
    this.timeIndex = new TimeIndex(this.paths.timeIndex, baseOffset, config.segmentIndexBytes, hotpath);
  }

  static create(dir: string, baseOffset: number, config: LogConfig, hotpath: HotPath): Segment {
    return new Segment(dir, baseOffset, config, hotpath, true);
  }

  /** Opens an existing segment; the caller then loads or rebuilds its indexes and sets nextOffset. */
  static open(dir: string, baseOffset: number, config: LogConfig, hotpath: HotPath): Segment {
    return new Segment(dir, baseOffset, config, hotpath, false);
  }

  /** New roll and index settings from now on (index files keep the size they were made with). */
  reconfigure(config: LogConfig): void {
    this.config = config;
  }

  get fileDescriptor(): number {
    return this.fd;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** Whether a chunk of `bytes` ending at `lastOffset` must go to a new segment instead. */
  needsRoll(bytes: number, lastOffset: number, now: number): boolean {
    if (this.isEmpty) return false;
    return (
      this.size + bytes > this.config.segmentBytes ||
      now - this.rollingBaseTimestamp >= this.config.segmentMs ||
      this.offsetIndex.isFull ||
      this.timeIndex.isFull ||
      lastOffset - this.baseOffset > 0x7fffffff
    );
  }

  /** Reserves `bytes` at the end of the segment and returns their position. */
  reserve(bytes: number): number {
    const position = this.size;
    this.size += bytes;
    return position;
  }

  /**
   * Index bookkeeping for an appended chunk, as Kafka does it: an index entry (largest offset of
   * the chunk, the chunk's position) once more than indexIntervalBytes went in since the last one.
   */
  recordChunk(chunk: AppendedChunk): void {
    if (chunk.maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = chunk.maxTimestamp;
      this.offsetOfMaxTimestampSoFar = chunk.offsetOfMaxTimestamp;
    }
    if (this.bytesSinceLastIndexEntry > this.config.indexIntervalBytes) {
      this.offsetIndex.append(chunk.lastOffset, chunk.position);
      this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += chunk.size;
    this.nextOffset = chunk.lastOffset + 1;
  }

  /** Drops the indexes so recordChunk can rebuild them from a scan of the log. */
  resetIndexes(): void {
    this.offsetIndex.clear();
    this.timeIndex.clear();
    this.bytesSinceLastIndexEntry = 0;
    this.maxTimestampSoFar = -1;
    this.offsetOfMaxTimestampSoFar = -1;
    this.nextOffset = this.baseOffset;
  }

  /**
   * State of a segment whose indexes were loaded from disk: its next offset, the newest timestamp
   * (the time index's last entry, or the unindexed tail's when newer) and the tail's length.
   */
  restoreState(nextOffset: number, tailMaxTimestamp: number, tailOffsetOfMaxTimestamp: number, unindexedBytes: number): void {
    this.nextOffset = nextOffset;
    const lastSlot = this.timeIndex.entries - 1;
    if (lastSlot >= 0 && this.timeIndex.timestampAt(lastSlot) >= tailMaxTimestamp) {
      this.maxTimestampSoFar = this.timeIndex.timestampAt(lastSlot);
      this.offsetOfMaxTimestampSoFar = this.timeIndex.offsetAt(lastSlot);
    } else {
      this.maxTimestampSoFar = tailMaxTimestamp;
      this.offsetOfMaxTimestampSoFar = tailOffsetOfMaxTimestamp;
    }
    this.bytesSinceLastIndexEntry = unindexedBytes;
  }

  /** The batch holding `offset` or the first after it, among the bytes written; null when none. */
  findBatchFor(offset: number, end = this.writtenSize): Promise<BatchLocation | null> {
    return this.withRead(() => this.scanFor(offset, end));
  }

  private scanFor(offset: number, end: number): Promise<BatchLocation | null> {
    const start = this.offsetIndex.positionFor(offset);
    return findBatch(this.fd, this.paths.log, start, end, (batch) => batch.lastOffset >= offset);
  }

  /** The first batch whose max timestamp is at or after `timestamp`; null when none. */
  async findBatchByTimestamp(timestamp: number): Promise<BatchLocation | null> {
    if (this.maxTimestampSoFar >= 0 && this.maxTimestampSoFar < timestamp) return null;
    const start = this.offsetIndex.positionFor(this.timeIndex.offsetFor(timestamp));
    return this.withRead(() => findBatch(this.fd, this.paths.log, start, this.writtenSize, (batch) => batch.maxTimestamp >= timestamp));
  }

  /**
   * Reads whole batches starting with the one holding `offset`, up to maxBytes, but always the
   * first batch whole (Kafka's KIP-74 progress guarantee when `minOneBatch`). Null when the
   * segment has no batch at or after `offset` below `end`. The bytes land in memory taken from
   * `memory`, which the caller may give back once done with them.
   */
  read(offset: number, maxBytes: number, minOneBatch: boolean, memory: ReadMemory = freshMemory, end = this.writtenSize): Promise<Buffer | null> {
    return this.withRead(async () => {
      const fromWindow = await this.readThroughWindow(offset, maxBytes, minOneBatch, end, memory);
      if (fromWindow !== undefined) return fromWindow;
      const first = await this.scanFor(offset, end);
      if (first === null) return null;
      return this.readWholeBatches(first.position, first.size, maxBytes, minOneBatch, end, memory);
    });
  }

  /**
   * The common case in one read: from the index entry, read enough to cover the gap to the
   * wanted batch (at most about two index intervals) plus maxBytes, find the batch in memory and
   * return a view of it. Undefined when the batch lies beyond the window (then the caller scans).
   */
  private async readThroughWindow(offset: number, maxBytes: number, minOneBatch: boolean, end: number, memory: ReadMemory): Promise<Buffer | null | undefined> {
    const start = this.offsetIndex.positionFor(offset);
    if (start >= end) return null;
    const window = await readRange(this.fd, start, Math.min(end - start, maxBytes + 2 * this.config.indexIntervalBytes + BATCH_HEADER_BYTES), memory);
    const found = findInWindow(window, start, offset, maxBytes, minOneBatch, end);
    // Batches found are a view of the window, which the caller gives back; otherwise it goes
    // back now, and an empty answer gets a Buffer of its own rather than a view holding it.
    if (found != null && found.length > 0) return found;
    memory.giveBack(window);
    return found == null ? found : Buffer.alloc(0);
  }

  private async readWholeBatches(position: number, firstSize: number, maxBytes: number, minOneBatch: boolean, end: number, memory: ReadMemory): Promise<Buffer> {
    const limit = Math.min(end - position, Math.max(maxBytes, minOneBatch ? firstSize : 0));
    if (limit < firstSize) return Buffer.alloc(0);
    const bytes = await readRange(this.fd, position, limit, memory);
    return bytes.subarray(0, wholeBatchesLength(bytes));
  }

  /** The bytes of one batch found by findBatchFor or findBatchByTimestamp. */
  readBatch(batch: BatchLocation): Promise<Buffer> {
    return this.withRead(() => readRange(this.fd, batch.position, batch.size));
  }

  /** Whether an index file lacks entries that are in memory. */
  get hasUnpersistedIndex(): boolean {
    return this.offsetIndex.isDirty || this.timeIndex.isDirty;
  }

  /** fdatasync of the .log file alone: what acks=all waits for (indexes can be rebuilt). */
  syncLog(): Promise<void> {
    // A segment deleted by retention meanwhile has nothing left to make durable.
    if (this.fd < 0) return Promise.resolve();
    return this.hotpath.appendFile(this.fd, this.writtenSize, [], true);
  }

  /** Writes the index entries the files lack and fdatasyncs indexes and log. */
  async flush(): Promise<void> {
    if (this.fd < 0) return;
    await this.offsetIndex.persist(true);
    await this.timeIndex.persist(true);
    await this.syncLog();
  }

  /** Closes the segment for writing: the time index gets its final entry, as Kafka does on roll. */
  sealTimeIndex(): void {
    if (this.maxTimestampSoFar >= 0) this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
  }

  /** Cuts the log at `size` bytes (recovery of a torn tail). */
  truncateTo(size: number): void {
    ftruncateSync(this.fd, size);
    this.size = this.writtenSize = size;
    this.fileLength.reset(size);
  }

  /**
   * Null when the file already reaches `end`; otherwise extends it to the next preallocation
   * step, before the write that needs the room (the writer calls it, one write at a time).
   */
  growFor(end: number): Promise<void> | null {
    return this.fileLength.growFor(this.fd, end, this.config.preallocateBytes, this.config.segmentBytes);
  }

  /**
   * Cuts preallocated space off the file and fdatasyncs the new length, for a segment that gets
   * no more appends (rolled, or the log closing). Queued writes are safe: they lie below `size`.
   */
  trimPreallocated(): Promise<void> {
    return this.fileLength.trimTo(this.fd, this.size, () => this.hotpath.appendFile(this.fd, this.size, [], true));
  }

  close(): void {
    if (this.fd < 0) return;
    if (this.activeReads > 0) {
      this.closeWhenIdle = true;
      return;
    }
    closeSync(this.fd);
    this.fd = -1;
  }

  /** Renames the files to .deleted at once, and unlinks them when no read is using them. */
  delete(): void {
    const renamed = Object.values(this.paths).map((path) => renameIfPresent(path));
    this.close();
    const unlinkAll = (): void => renamed.forEach((path) => path && unlinkIfPresent(path));
    if (this.fd < 0) unlinkAll();
    else this.afterReads = unlinkAll;
  }

  private afterReads: (() => void) | null = null;

  private async withRead<T>(work: () => Promise<T>): Promise<T> {
    this.activeReads += 1;
    try {
      return await work();
    } finally {
      this.activeReads -= 1;
      if (this.activeReads === 0 && this.closeWhenIdle) {
        this.closeWhenIdle = false;
        this.close();
        this.afterReads?.();
      }
    }
  }
}

function renameIfPresent(path: string): string | null {
  try {
    renameSync(path, path + DELETED_SUFFIX);
    return path + DELETED_SUFFIX;
  } catch {
    return null;
  }
}

/**
 * Unlinks on the thread pool: freeing the cached pages of a 1 GiB segment blocks for tens of
 * milliseconds, which the event loop must not. Failure means already gone; a crash before it
 * runs leaves a .deleted file, which the next start removes.
 */
function unlinkIfPresent(path: string): void {
  unlink(path, () => undefined);
}
