// A small durable key-value store on an internal log, as Kafka keeps __consumer_offsets and
// __transaction_state: every change is a record (JSON key, JSON value; null deletes) in one
// batch appended with fdatasync (group commit), so an acknowledged change survives a crash. On
// open the log is read from the start and the newest record of a key wins. Compaction
// re-appends the live records and drops everything before them.
import type { HotPath } from '../hotpath/types.js';
import { decodeRecordBatches, encodeRecordBatch } from '../records/index.js';
import { PartitionLog, type StorageLogger } from '../storage/index.js';

const COMPACT_WHEN_DEAD_RECORDS = 10_000;
const RECORDS_PER_COMPACTION_BATCH = 1000;

export interface KeyedLogOptions {
  readonly hotpath?: HotPath;
  readonly logger?: StorageLogger;
  /** Superseded records that trigger a compaction. */
  readonly compactAfterDeadRecords?: number;
}

/** What the store's owner does with a change: apply it to its state (true when it replaced a live record). */
export type ApplyChange<K> = (key: K, value: unknown) => boolean;

export class KeyedLog<K> {
  private deadRecords = 0;
  private compacting: Promise<void> | null = null;

  private constructor(
    private readonly log: PartitionLog,
    private readonly apply: ApplyChange<K>,
    /** Every live record, for compaction. */
    private readonly live: () => Array<readonly [K, unknown]>,
    private readonly hotpath: HotPath | undefined,
    private readonly compactAfter: number,
  ) {}

  /** Opens the log at `dir` and replays it into `apply`. */
  static async open<K>(dir: string, apply: ApplyChange<K>, live: () => Array<readonly [K, unknown]>, options: KeyedLogOptions = {}): Promise<KeyedLog<K>> {
    const log = await PartitionLog.open(dir, {
      hotpath: options.hotpath,
      logger: options.logger,
      config: { flushPolicy: 'fsync', segmentBytes: 64 * 1024 * 1024, retentionMs: -1, retentionBytes: -1, maxMessageBytes: 64 * 1024 * 1024 },
    });
    const store = new KeyedLog(log, apply, live, options.hotpath, options.compactAfterDeadRecords ?? COMPACT_WHEN_DEAD_RECORDS);
    await store.replay();
    return store;
  }

  /** Records in the log (compaction keeps this near the number of live keys). */
  get records(): number {
    return this.log.logEndOffset - this.log.logStartOffset;
  }

  /**
   * Applies the changes at once (so the owner's state always matches the order of the log) and
   * resolves when the batch holding them is on disk.
   */
  async append(changes: ReadonlyArray<readonly [K, unknown]>): Promise<void> {
    if (changes.length === 0) return;
    for (const [key, value] of changes) if (this.apply(key, value)) this.deadRecords++;
    const written = this.log.append(this.encode(changes), { sync: true });
    if (this.deadRecords >= this.compactAfter && this.compacting === null) {
      this.compacting = this.compact().finally(() => {
        this.compacting = null;
      });
    }
    await written;
  }

  async close(): Promise<void> {
    await this.compacting;
    await this.log.close();
  }

  private encode(changes: ReadonlyArray<readonly [K, unknown]>): Buffer {
    return encodeRecordBatch(
      changes.map(([key, value]) => ({ key: JSON.stringify(key), value: value === null ? null : JSON.stringify(value) })),
      {},
      this.hotpath,
    );
  }

  private async replay(): Promise<void> {
    let offset = this.log.logStartOffset;
    while (offset < this.log.logEndOffset) {
      const bytes = await this.log.read(offset, 4 * 1024 * 1024);
      for (const batch of decodeRecordBatches(bytes, { hotpath: this.hotpath })) {
        for (const record of batch.records) {
          if (record.offset < offset || record.key === null) continue;
          const value: unknown = record.value === null ? null : JSON.parse(record.value.toString('utf8'));
          if (this.apply(JSON.parse(record.key.toString('utf8')) as K, value)) this.deadRecords++;
        }
        offset = batch.baseOffset + batch.lastOffsetDelta + 1;
      }
    }
  }

  /**
   * Re-appends every live record, then drops everything before them. The live records are
   * taken and their appends started without yielding, so no other change can slip in between.
   */
  private async compact(): Promise<void> {
    const live = this.live();
    this.deadRecords = 0;
    const appends: Array<ReturnType<PartitionLog['append']>> = [];
    for (let i = 0; i < live.length; i += RECORDS_PER_COMPACTION_BATCH) appends.push(this.log.append(this.encode(live.slice(i, i + RECORDS_PER_COMPACTION_BATCH)), { sync: true }));
    const results = await Promise.all(appends);
    if (results.length > 0) this.log.deleteRecordsBefore(results[0].baseOffset);
  }
}
