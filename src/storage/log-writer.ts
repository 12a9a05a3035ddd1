// The write queue of one log. Appends get their file position when they are accepted; the
// writer puts them on disk in that order, and every append that queued up while a write was
// running goes out in the next single appendFile call (one writev on the thread pool). When an
// append in that group wants durability and the segment is the only one with unsynced writes
// (none elsewhere waits for a sync, nor is being synced by a group-commit round that has not
// finished), the same call fdatasyncs too: one trip to the thread pool instead of a write and
// then a sync (a quarter of a lone acks=all append's time). Appends that queue up meanwhile
// share the next such call, which makes it a group commit of its own.
import type { HotPath } from '../hotpath/types.js';
import type { Segment } from './segment.js';

/** An append that reached the file: its offsets and bytes. */
export interface WrittenAppend {
  /** Base offset of the segment it went into. */
  readonly segmentBaseOffset: number;
  readonly baseOffset: number;
  readonly nextOffset: number;
  readonly bytes: Buffer;
}

interface PendingWrite {
  readonly segment: Segment;
  readonly position: number;
  readonly bytes: Buffer;
  readonly nextOffset: number;
  readonly sync: boolean;
  /** With true when the write was fdatasynced along with it. */
  readonly resolve: (synced: boolean) => void;
  readonly reject: (error: unknown) => void;
}

export class LogWriter {
  private queue: PendingWrite[] = [];
  private writing: Promise<void> | null = null;
  private failure: unknown = null;
  private written: number;
  private queuedBytes = 0;
  /** Segments with writes no fdatasync has covered yet. */
  private readonly dirty = new Set<Segment>();
  /** Segments a group-commit round took and is still syncing (see takeDirtySegments). */
  private readonly syncing = new Set<Segment>();
  private readonly roomWaiters: Array<{ limit: number; resolve: () => void }> = [];
  private syncs = 0;

  constructor(
    private readonly hotpath: HotPath,
    writtenOffset: number,
    /** After each write, with the appends it carried, in offset order. */
    private readonly onWritten: (appends: readonly WrittenAppend[]) => void,
    /** Everything below `upTo` is on disk: a write went out with its fdatasync. */
    private readonly onSynced: (upTo: number) => void,
  ) {
    this.written = writtenOffset;
  }

  /** Bytes accepted but not yet written. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /**
   * Null when an append may go ahead now; otherwise a promise that resolves, in call order, once
   * fewer than `limit` bytes are pending. Waiters resume in FIFO order, so appends that had to
   * wait keep their order, and a newcomer never overtakes them.
   */
  waitForRoom(limit: number): Promise<void> | null {
    if (this.queuedBytes < limit && this.roomWaiters.length === 0) return null;
    return new Promise((resolve) => this.roomWaiters.push({ limit, resolve }));
  }

  /** fdatasyncs done along with writes. */
  get syncCount(): number {
    return this.syncs;
  }

  /** One past the last offset on disk (in the page cache at least). */
  get writtenOffset(): number {
    return this.written;
  }

  /** Resolves once written: with true when fdatasynced along with it (see the top of the file). */
  write(segment: Segment, position: number, bytes: Buffer, nextOffset: number, sync = false): Promise<boolean> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ segment, position, bytes, nextOffset, sync, resolve, reject });
      this.queuedBytes += bytes.length;
      if (this.writing === null) this.writing = this.writeQueued();
    });
  }

  /** Resolves when everything queued so far is written (or has failed). */
  async drained(): Promise<void> {
    while (this.writing !== null) await this.writing.catch(() => {});
  }

  /**
   * Segments written since the last call: what the next fdatasync must cover. They count as
   * unsynced until the caller reports the outcome with settleSync.
   */
  takeDirtySegments(): Segment[] {
    const segments = [...this.dirty];
    this.dirty.clear();
    for (const segment of segments) this.syncing.add(segment);
    return segments;
  }

  /** The fdatasyncs of segments taken by takeDirtySegments finished; the ones that failed are dirty again. */
  settleSync(segments: readonly Segment[], synced: boolean): void {
    for (const segment of segments) {
      this.syncing.delete(segment);
      if (!synced) this.dirty.add(segment);
    }
  }

  /** No segment but this one has writes that no finished fdatasync covers. */
  private othersSynced(segment: Segment): boolean {
    for (const other of this.dirty) if (other !== segment) return false;
    for (const other of this.syncing) if (other !== segment) return false;
    return true;
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.takeContiguousGroup();
      const segment = group[0].segment;
      // Another segment's unsynced writes would not be covered, and they come first in the log.
      const sync = group.some((w) => w.sync) && this.othersSynced(segment);
      const last = group[group.length - 1];
      try {
        const growing = segment.growFor(last.position + last.bytes.length);
        if (growing !== null) await growing;
        await this.hotpath.appendFile(segment.fileDescriptor, group[0].position, group.map((w) => w.bytes), sync);
      } catch (error) {
        this.failAll(group, error);
        break;
      }
      this.complete(group, sync);
    }
    this.writing = null;
  }

  /** The head of the queue: writes to one segment that follow each other in the file. */
  private takeContiguousGroup(): PendingWrite[] {
    let count = 1;
    while (count < this.queue.length) {
      const previous = this.queue[count - 1];
      const next = this.queue[count];
      if (next.segment !== previous.segment || next.position !== previous.position + previous.bytes.length) break;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private complete(group: PendingWrite[], synced: boolean): void {
    const appends = writtenAppends(group, this.written);
    const last = group[group.length - 1];
    last.segment.writtenSize = last.position + last.bytes.length;
    this.written = last.nextOffset;
    if (synced) {
      // Writes are one at a time, so every write to this file that finished is covered.
      this.dirty.delete(last.segment);
      this.syncs++;
      this.onSynced(last.nextOffset);
    } else {
      this.dirty.add(last.segment);
    }
    this.release(group);
    for (const write of group) write.resolve(synced);
    this.onWritten(appends);
  }

  /** A failed write leaves a hole where later appends were placed: the log refuses further writes. */
  private failAll(group: PendingWrite[], error: unknown): void {
    this.failure = error;
    const failed = [...group, ...this.queue.splice(0)];
    this.release(failed);
    for (const write of failed) write.reject(error);
  }

  private release(writes: PendingWrite[]): void {
    for (const write of writes) this.queuedBytes -= write.bytes.length;
    while (this.roomWaiters.length > 0 && (this.failure !== null || this.queuedBytes < this.roomWaiters[0].limit)) {
      this.roomWaiters.shift()?.resolve();
    }
  }
}

/** The group's appends with their offsets; the first starts where the log's written end was. */
function writtenAppends(group: readonly PendingWrite[], writtenBefore: number): WrittenAppend[] {
  let baseOffset = writtenBefore;
  return group.map((write) => {
    const append = { segmentBaseOffset: write.segment.baseOffset, baseOffset, nextOffset: write.nextOffset, bytes: write.bytes };
    baseOffset = write.nextOffset;
    return append;
  });
}
