// A partition's log: segments in a directory, appends validated and offset-assigned in place by
// the hot path, written in order (appends that queue up while a write runs go out together in
// one writev), read back as whole batches, flushed by policy, trimmed by retention. Idempotent
// and transactional producers are checked where offsets are assigned (producer-state-manager.ts).
import { join } from 'node:path';
import { hotpath as activeHotPath } from '../hotpath/index.js';
import type { HotPath } from '../hotpath/types.js';
import { encodeControlBatch, type TransactionMarker } from '../records/control-batch.js';
import { validateBatches, describeBatchStatus } from '../records/validate.js';
import type { AbortedTxn } from './aborted-transactions.js';
import { StateFiles } from './checkpoint.js';
import { resolveLogConfig, type LogConfig } from './config.js';
import { StorageError } from './errors.js';
import { batchesBelow } from './batch-scan.js';
import { CLEAN_SHUTDOWN_FILE } from './file-names.js';
import { LogDurability } from './log-durability.js';
import { consoleLogger, loadLog, type LoadedLog, type StorageLogger } from './log-loader.js';
import { LogStart } from './log-start.js';
import type { AppendOptions, AppendResult, PartitionLogOptions } from './log-types.js';
import { LogWriter, type WrittenAppend } from './log-writer.js';
import { InFlight } from './in-flight.js';
import { ProducerStateManager } from './producer-state-manager.js';
import { loadProducerStates, type LoadedProducers } from './producer-state-loader.js';
import type { KeptBatch, ProducerStates } from './producer-state.js';
import { freshMemory, type ReadMemory } from './read-memory.js';
import { RecentAppends } from './recent-appends.js';
import { Segment } from './segment.js';
import { batchAtTimestamp, newestTimestamp, readFromSegments } from './segment-lookup.js';

export type { AppendOptions, AppendResult, PartitionLogOptions } from './log-types.js';

export class PartitionLog {
  private readonly segments: Segment[];
  private readonly writer: LogWriter;
  private readonly durability: LogDurability;
  private nextOffsetToAssign: number;
  private readonly start: LogStart;
  private closed = false;
  private abandoned = false;
  private readonly appendListeners = new Set<() => void>();
  private readonly stateFiles = new StateFiles();
  private readonly inFlight = new InFlight();
  private readonly producers: ProducerStateManager;
  /** Copies of the last small appends, for readers at the end of the log (see recent-appends.ts). */
  private readonly recent = new RecentAppends();

  private constructor(
    readonly dir: string,
    private settings: LogConfig,
    private readonly hotpath: HotPath,
    private readonly logger: StorageLogger,
    readonly loaded: LoadedLog,
    producers: LoadedProducers,
  ) {
    this.segments = loaded.segments;
    this.producers = new ProducerStateManager(dir, producers.states, producers.aborted, hotpath, this.stateFiles);
    this.start = new LogStart(loaded.logStartOffset, { dir, segments: this.segments, stateFiles: this.stateFiles, inFlight: this.inFlight, producers: this.producers, logger });
    this.nextOffsetToAssign = this.active.nextOffset;
    const syncedWithWrite = (upTo: number): void => this.durability.syncedWithWrite(upTo);
    this.writer = new LogWriter(hotpath, this.nextOffsetToAssign, (appends) => this.written(appends), syncedWithWrite);
    const durableLog = { dir, writer: this.writer, segments: this.segments, stateFiles: this.stateFiles, inFlight: this.inFlight, logger, isClosed: () => this.closed, isAbandoned: () => this.abandoned };
    this.durability = new LogDurability(durableLog, this.nextOffsetToAssign, loaded.recoveryPoint);
    this.durability.startTimers(this.settings);
  }

  static async open(dir: string, options: PartitionLogOptions = {}): Promise<PartitionLog> {
    const config = resolveLogConfig(options.config);
    const hotpath = options.hotpath ?? activeHotPath;
    const logger = options.logger ?? consoleLogger;
    const loaded = await loadLog(dir, config, hotpath, logger);
    const logEnd = loaded.segments[loaded.segments.length - 1].nextOffset;
    const producers = await loadProducerStates(dir, loaded.segments, loaded.logStartOffset, logEnd, hotpath, logger);
    return new PartitionLog(dir, config, hotpath, logger, loaded, producers);
  }

  get config(): LogConfig {
    return this.settings;
  }

  /**
   * Applies new settings to the open log (AlterConfigs): roll, retention, flush policy and
   * limits change at once; existing index files keep the size they were made with.
   */
  reconfigure(overrides: Partial<LogConfig>): void {
    this.assertOpen();
    this.settings = resolveLogConfig(overrides);
    for (const segment of this.segments) segment.reconfigure(this.settings);
    this.durability.startTimers(this.settings);
  }

  /** First offset still in the log. */
  get logStartOffset(): number {
    return this.start.offset;
  }

  /** One past the last offset written; reads see everything below it (the high watermark on one node). */
  get logEndOffset(): number {
    return this.writer.writtenOffset;
  }

  /** Bytes in all segments. */
  get sizeInBytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.size, 0);
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Reads answered from the copies of recent appends, without reading the file. */
  get readsFromMemory(): number {
    return this.recent.readsServed;
  }

  /** fdatasyncs done so far (group commit makes this smaller than the number of synced appends). */
  get syncCount(): number {
    return this.durability.syncCount;
  }

  /** Called after each write that moves logEndOffset (a Fetch long poll waits on it). */
  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /**
   * Validates the batches in `payload`, assigns their offsets in place, and writes the same
   * bytes. Nothing is written when any batch fails. Resolves once written (and synced, when the
   * policy or `sync` says so). Offsets are assigned during the call itself, so appends get
   * offsets in call order; only when more than maxPendingBytes wait for the disk does the call
   * wait first, in FIFO order with the other waiting appends.
   */
  async append(payload: Buffer, options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    const wait = this.writer.waitForRoom(this.config.maxPendingBytes);
    if (wait !== null) {
      await wait;
      this.assertOpen();
    }
    if (payload.length > this.config.maxMessageBytes) {
      throw new StorageError('MESSAGE_TOO_LARGE', `${payload.length} bytes exceed maxMessageBytes ${this.config.maxMessageBytes}`, this.dir, this.nextOffsetToAssign);
    }
    // Decided here, where offsets are assigned, so appends are checked in the order they get offsets.
    const admission = this.producers.admit(payload);
    if (admission.kind === 'duplicate') return this.retried(admission.batch, options);
    const baseOffset = this.nextOffsetToAssign;
    const logAppendTime = this.config.timestampType === 'LogAppendTime' ? (options.now ?? Date.now()) : -1;
    const check = validateBatches(payload, { assignFrom: baseOffset, leaderEpoch: options.leaderEpoch ?? -1, logAppendTime, hotpath: this.hotpath });
    if (!check.ok || check.batchCount === 0) {
      const reason = check.ok ? 'no record batch' : `${describeBatchStatus(check.status)} at byte ${check.validBytes}`;
      throw new StorageError('CORRUPT_BATCH', reason, this.dir, baseOffset);
    }
    const lastOffset = check.nextOffset - 1;
    if (this.active.needsRoll(payload.length, lastOffset, Date.now())) this.roll();
    const segment = this.active;
    const position = segment.reserve(payload.length);
    segment.recordChunk({ position, size: payload.length, lastOffset, maxTimestamp: check.maxTimestamp, offsetOfMaxTimestamp: check.offsetOfMaxTimestamp });
    this.nextOffsetToAssign = check.nextOffset;
    this.producers.appended(admission, baseOffset, check.maxTimestamp, check.nextOffset, segment.baseOffset);
    const wantsSync = options.sync ?? this.config.flushPolicy === 'fsync';
    const synced = await this.writer.write(segment, position, payload, check.nextOffset, wantsSync);
    if (wantsSync && !synced) await this.durability.sync();
    return { baseOffset, lastOffset, recordCount: check.recordCount, maxTimestamp: check.maxTimestamp, logStartOffset: this.start.offset, logAppendTime };
  }

  /**
   * A producer's retry of a batch the log has: the original offsets, once the original is
   * written (and synced, when this append asks), and nothing written again.
   */
  private async retried(original: KeptBatch, options: AppendOptions): Promise<AppendResult> {
    await this.writer.drained();
    if (options.sync ?? this.config.flushPolicy === 'fsync') await this.durability.sync();
    const recordCount = original.lastOffset - original.firstOffset + 1;
    return { baseOffset: original.firstOffset, lastOffset: original.lastOffset, recordCount, maxTimestamp: original.maxTimestamp, logStartOffset: this.start.offset, logAppendTime: -1 };
  }

  /** The producers this log knows, for DescribeProducers and tests. */
  get producerStates(): ProducerStates {
    return this.producers.states;
  }

  /** Writes a transaction's COMMIT or ABORT marker, durably (the coordinator's WriteTxnMarkers). */
  appendMarker(marker: TransactionMarker): Promise<AppendResult> {
    return this.append(encodeControlBatch(marker, this.hotpath), { sync: true });
  }

  /** Below it, every transaction has ended: what read_committed readers may see (also the high watermark when none is open). */
  get lastStableOffset(): number {
    return this.producers.lastStableOffset(this.logEndOffset);
  }

  /** Aborted transactions with data in [fetchOffset, upperBound), for read_committed fetches. */
  abortedTransactions(fetchOffset: number, upperBound: number): AbortedTxn[] {
    return this.producers.abortedIn(fetchOffset, upperBound);
  }

  /**
   * Whole batches from the one holding `offset`, up to maxBytes (the first batch whole even if
   * larger, unless minOneBatch is false). Empty at the log end; OFFSET_OUT_OF_RANGE outside.
   * The bytes land in memory taken from `memory` (see read-memory.ts).
   */
  async read(offset: number, maxBytes: number, minOneBatch = true, memory: ReadMemory = freshMemory): Promise<Buffer> {
    this.assertOpen();
    const end = this.logEndOffset;
    if (offset < this.start.offset || offset > end) {
      throw new StorageError('OFFSET_OUT_OF_RANGE', `offset outside [${this.start.offset}, ${end}]`, this.dir, offset);
    }
    return this.recent.read(offset, maxBytes, minOneBatch) ?? readFromSegments(this.segments, offset, end, maxBytes, minOneBatch, memory);
  }

  /**
   * read(), for a read_committed reader: only batches below the last stable offset, and the
   * aborted transactions among them. A read at the last stable offset is empty.
   */
  async readCommitted(offset: number, maxBytes: number, minOneBatch = true, memory: ReadMemory = freshMemory): Promise<{ records: Buffer; aborted: AbortedTxn[] }> {
    const stable = this.lastStableOffset;
    const bytes = await this.read(offset, maxBytes, minOneBatch, memory);
    const { length, nextOffset } = batchesBelow(bytes, stable);
    const records = bytes.subarray(0, length);
    return { records, aborted: length === 0 ? [] : this.producers.abortedIn(offset, nextOffset) };
  }

  /** The first batch whose max timestamp is at or after `timestamp`, as bytes; null when none. */
  readBatchAtTimestamp(timestamp: number): Promise<Buffer | null> {
    this.assertOpen();
    return batchAtTimestamp(this.segments, timestamp, this.start.offset);
  }

  /** Largest timestamp in the log and the last offset of the batch carrying it; -1s when empty. */
  get maxTimestampAndOffset(): { timestamp: number; offset: number } {
    return newestTimestamp(this.segments);
  }

  /** fdatasyncs everything written so far (and what arrives meanwhile shares the sync). */
  flush(): Promise<void> {
    this.assertOpen();
    return this.durability.sync();
  }

  /** Deletes segments beyond retention.bytes or older than retention.ms; returns how many went. */
  applyRetention(now = Date.now()): number {
    this.assertOpen();
    return this.start.applyRetention(this.config, now);
  }

  /** DeleteRecords: moves the log start offset up to `offset` (at most the log end) and drops whole segments below it. */
  deleteRecordsBefore(offset: number): number {
    this.assertOpen();
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.logEndOffset) {
      throw new StorageError('OFFSET_OUT_OF_RANGE', `cannot delete records below ${offset} (log end ${this.logEndOffset})`, this.dir, offset);
    }
    if (offset <= this.start.offset) return this.start.offset;
    if (offset === this.nextOffsetToAssign && !this.active.isEmpty) this.roll();
    this.start.moveTo(offset);
    return this.start.offset;
  }

  /** Finishes writes, syncs, writes indexes and the recovery point, and marks a clean shutdown. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.durability.stopTimers();
    await this.writer.drained();
    await this.inFlight.settled();
    await Promise.all(this.segments.map((segment) => segment.trimPreallocated()));
    await this.durability.sync();
    this.active.sealTimeIndex();
    await this.durability.checkpoint();
    await this.producers.snapshot(this.logEndOffset, this.segmentBases());
    await this.stateFiles.write(join(this.dir, CLEAN_SHUTDOWN_FILE), () => '');
    this.segments.forEach((segment) => segment.close());
  }

  /**
   * Closes a log whose directory is about to be deleted: no flush, checkpoint or marker, but the
   * writes and background work under way finish first (see in-flight.ts), so once this resolves
   * nothing of this log touches its files again and the directory can be moved.
   */
  async discard(): Promise<void> {
    if (this.closed && !this.abandoned) return;
    this.closed = true;
    this.abandoned = true;
    this.durability.stopTimers();
    await this.writer.drained();
    await this.inFlight.settled();
    this.segments.forEach((segment) => segment.close());
  }

  /** Closes without flushing, as a crash would (tests use it to exercise recovery). */
  abandon(): void {
    this.closed = true;
    this.abandoned = true;
    this.durability.stopTimers();
    this.segments.forEach((segment) => segment.close());
  }

  private segmentBases(): number[] {
    return this.segments.map((segment) => segment.baseOffset);
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  private roll(): void {
    const previous = this.active;
    previous.sealTimeIndex();
    this.segments.push(Segment.create(this.dir, this.nextOffsetToAssign, this.config, this.hotpath));
    // The producer state as of the roll covers everything below the new segment. The finished
    // segment loses its preallocated tail and is flushed once its queued writes are out; the
    // checkpoint then records that everything below the new segment is safe.
    this.inFlight
      .track(this.producers.snapshot(this.nextOffsetToAssign, this.segmentBases()))
      .catch((error: unknown) => this.logger.warn('writing a producer snapshot failed', { dir: this.dir, error: String(error) }));
    const flushed = this.writer.drained()
      .then(() => previous.trimPreallocated())
      .then(() => this.durability.checkpoint());
    this.inFlight.track(flushed).catch((error: unknown) => this.logger.warn('flush after roll failed', { path: previous.paths.log, error: String(error) }));
    this.applyRetentionQuietly();
  }

  private applyRetentionQuietly(): void {
    try {
      this.applyRetention();
    } catch (error) {
      this.logger.warn('retention failed', { dir: this.dir, error: String(error) });
    }
  }

  private written(appends: readonly WrittenAppend[]): void {
    for (const append of appends) this.recent.written(append);
    for (const listener of this.appendListeners) listener();
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('LOG_CLOSED', 'log is closed', this.dir);
  }
}
