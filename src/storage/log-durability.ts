// What makes a log's appends durable and its restart quick: group-commit fdatasyncs (for
// acks=all, the 'fsync' policy and flush()), the background flush of the 'interval' policy,
// and checkpoints: index tails written and every segment written since the last one synced,
// then the recovery point stored, so an unclean start validates only what lies after it.
import { join } from 'node:path';
import { backgroundQueue } from './background-queue.js';
import type { StateFiles } from './checkpoint.js';
import type { LogConfig } from './config.js';
import { RECOVERY_POINT_FILE } from './file-names.js';
import { FlushTimers } from './flush-timers.js';
import { GroupCommit } from './group-commit.js';
import type { InFlight } from './in-flight.js';
import type { StorageLogger } from './log-loader.js';
import type { LogWriter } from './log-writer.js';
import type { Segment } from './segment.js';

/** The log as its durability sees it. */
export interface DurableLog {
  readonly dir: string;
  readonly writer: LogWriter;
  /** The segments, oldest first (the live list: it changes as the log rolls and retention runs). */
  readonly segments: readonly Segment[];
  readonly stateFiles: StateFiles;
  /** Where background work is tracked, so closing the log can wait for it. */
  readonly inFlight: InFlight;
  readonly logger: StorageLogger;
  /** No background work once the log is closed; nothing at all once abandoned (a simulated crash). */
  isClosed(): boolean;
  isAbandoned(): boolean;
}

export class LogDurability {
  private readonly commit = new GroupCommit(() => this.syncDirtySegments());
  private readonly timers = new FlushTimers({ flushIfDirty: () => this.backgroundFlush(), checkpoint: () => this.backgroundCheckpoint() });
  /** Everything below it is known to be on disk. */
  private flushedOffset: number;
  /** Kinds of this log's background work waiting in the background queue (never two of one kind). */
  private readonly queuedInBackground = new Set<string>();
  private recoveryPoint: number;

  constructor(
    private readonly log: DurableLog,
    logEndOffset: number,
    recoveryPoint: number,
  ) {
    this.flushedOffset = logEndOffset;
    this.recoveryPoint = Math.min(recoveryPoint, logEndOffset);
  }

  /** fdatasyncs done so far, by group commit and along with writes. */
  get syncCount(): number {
    return this.commit.syncCount + this.log.writer.syncCount;
  }

  /** Resolves once an fdatasync that started after the call has covered everything written. */
  sync(): Promise<void> {
    return this.commit.request();
  }

  /** The writer synced everything below `upTo` along with a write. */
  syncedWithWrite(upTo: number): void {
    this.flushedOffset = Math.max(this.flushedOffset, upTo);
  }

  startTimers(config: LogConfig): void {
    this.timers.start(config);
  }

  stopTimers(): void {
    this.timers.stop();
  }

  async checkpoint(): Promise<void> {
    const { writer } = this.log;
    await writer.drained();
    if (this.log.isAbandoned()) return;
    const upTo = writer.writtenOffset;
    const active = this.log.segments[this.log.segments.length - 1];
    for (const segment of this.log.segments) {
      if (segment.nextOffset > this.recoveryPoint || segment === active || segment.hasUnpersistedIndex) await segment.flush();
    }
    this.flushedOffset = Math.max(this.flushedOffset, upTo);
    this.recoveryPoint = upTo;
    await this.log.stateFiles.write(join(this.log.dir, RECOVERY_POINT_FILE), () => `${upTo}\n`);
  }

  /** One group-commit round: fdatasync the .log of every segment written since the last round. */
  private async syncDirtySegments(): Promise<void> {
    const { writer } = this.log;
    const upTo = writer.writtenOffset;
    const segments = writer.takeDirtySegments();
    try {
      for (const segment of segments) await segment.syncLog();
    } catch (error) {
      writer.settleSync(segments, false);
      throw error;
    }
    writer.settleSync(segments, true);
    this.flushedOffset = Math.max(this.flushedOffset, upTo);
  }

  private backgroundFlush(): void {
    this.inBackground('background flush', async () => {
      if (this.log.isClosed() || this.log.writer.writtenOffset <= this.flushedOffset) return;
      await this.sync();
    });
  }

  private backgroundCheckpoint(): void {
    this.inBackground('checkpoint', async () => {
      if (!this.log.isClosed()) await this.checkpoint();
    });
  }

  /** Queues background work unless this log's of the same kind is queued already (it will cover this tick's). */
  private inBackground(what: string, work: () => Promise<void>): void {
    if (this.log.isClosed() || this.queuedInBackground.has(what)) return;
    this.queuedInBackground.add(what);
    const run = async (): Promise<void> => {
      this.queuedInBackground.delete(what);
      await work();
    };
    this.log.inFlight.track(backgroundQueue.run(run)).catch((error: unknown) => this.log.logger.warn(`${what} failed`, { dir: this.log.dir, error: String(error) }));
  }
}
