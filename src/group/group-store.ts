// Durable state of the group coordinator: committed offsets and group metadata, kept in an
// internal log (like Kafka's __consumer_offsets) at <dataDir>/__sluice_groups/. Every change is
// one record batch appended with fdatasync (group commit), so an acknowledged OffsetCommit is
// there after a crash. Records are keyed; the newest record of a key wins and a null value
// deletes it. Compaction re-appends the live records and drops everything before them.
import { join } from 'node:path';
import type { HotPath } from '../hotpath/types.js';
import { decodeRecordBatches, encodeRecordBatch } from '../records/index.js';
import { PartitionLog, type StorageLogger } from '../storage/index.js';

export const GROUP_STORE_DIR = '__sluice_groups';

export interface CommittedOffset {
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
  readonly commitTimestamp: number;
}

/** What the coordinator keeps of a group across restarts (opaque to the store). */
export type GroupMetadataRecord = Readonly<Record<string, unknown>>;

export interface OffsetCommitEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: CommittedOffset;
}

type RecordKey = { kind: 'offset'; group: string; topic: string; partition: number } | { kind: 'group'; group: string };

const COMPACT_WHEN_DEAD_RECORDS = 10_000;

export interface GroupStoreOptions {
  readonly hotpath?: HotPath;
  readonly logger?: StorageLogger;
  /** Superseded records that trigger a compaction. */
  readonly compactAfterDeadRecords?: number;
}

export class GroupStore {
  private readonly offsets = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private readonly groupMetadata = new Map<string, GroupMetadataRecord>();
  private deadRecords = 0;
  private compacting: Promise<void> | null = null;

  private constructor(
    private readonly log: PartitionLog,
    private readonly hotpath: HotPath | undefined,
    private readonly compactAfter: number,
  ) {}

  static async open(dataDir: string, options: GroupStoreOptions = {}): Promise<GroupStore> {
    const log = await PartitionLog.open(join(dataDir, GROUP_STORE_DIR), {
      hotpath: options.hotpath,
      logger: options.logger,
      config: { flushPolicy: 'fsync', segmentBytes: 64 * 1024 * 1024, retentionMs: -1, retentionBytes: -1, maxMessageBytes: 64 * 1024 * 1024 },
    });
    const store = new GroupStore(log, options.hotpath, options.compactAfterDeadRecords ?? COMPACT_WHEN_DEAD_RECORDS);
    await store.load();
    return store;
  }

  /** Commits offsets of one group; resolves once they are on disk. */
  async commitOffsets(group: string, entries: readonly OffsetCommitEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.append(entries.map((entry) => [{ kind: 'offset', group, topic: entry.topic, partition: entry.partition }, entry.offset]));
  }

  committedOffset(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(group)?.get(topic)?.get(partition);
  }

  /** Every committed offset of a group, by topic then partition. */
  committedOffsets(group: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.offsets.get(group) ?? new Map();
  }

  /** Groups that have committed offsets or stored metadata. */
  groups(): string[] {
    return [...new Set([...this.offsets.keys(), ...this.groupMetadata.keys()])];
  }

  /** Removes committed offsets: of the given partitions, of a whole topic (partitions omitted). */
  async deleteOffsets(group: string, topic: string, partitions?: readonly number[]): Promise<void> {
    const committed = this.offsets.get(group)?.get(topic);
    if (committed === undefined) return;
    const doomed = partitions ?? [...committed.keys()];
    await this.append(doomed.filter((p) => committed.has(p)).map((partition) => [{ kind: 'offset', group, topic, partition }, null]));
  }

  /** Drops every group's commits for a deleted topic. */
  async deleteTopic(topic: string): Promise<void> {
    const tombstones: Array<[RecordKey, null]> = [];
    for (const [group, topics] of this.offsets) {
      for (const partition of topics.get(topic)?.keys() ?? []) tombstones.push([{ kind: 'offset', group, topic, partition }, null]);
    }
    await this.append(tombstones);
  }

  groupRecord(group: string): GroupMetadataRecord | undefined {
    return this.groupMetadata.get(group);
  }

  /** Stores (or with null, removes) a group's metadata. */
  async saveGroup(group: string, record: GroupMetadataRecord | null): Promise<void> {
    await this.append([[{ kind: 'group', group }, record]]);
  }

  /** Removes a group: its metadata and all its committed offsets. */
  async deleteGroup(group: string): Promise<void> {
    const tombstones: Array<[RecordKey, null]> = [];
    for (const [topic, partitions] of this.offsets.get(group) ?? []) {
      for (const partition of partitions.keys()) tombstones.push([{ kind: 'offset', group, topic, partition }, null]);
    }
    if (this.groupMetadata.has(group)) tombstones.push([{ kind: 'group', group }, null]);
    await this.append(tombstones);
  }

  /** Records in the internal log (compaction keeps this near the number of live keys). */
  get logRecords(): number {
    return this.log.logEndOffset - this.log.logStartOffset;
  }

  async close(): Promise<void> {
    await this.compacting;
    await this.log.close();
  }

  /**
   * Applies the changes in memory at once (so the state always matches the order of the log)
   * and resolves when the batch holding them is on disk.
   */
  private async append(changes: ReadonlyArray<readonly [RecordKey, unknown]>): Promise<void> {
    if (changes.length === 0) return;
    for (const [key, value] of changes) this.apply(key, value);
    const written = this.log.append(this.encode(changes), { sync: true });
    if (this.deadRecords >= this.compactAfter && this.compacting === null) {
      this.compacting = this.compact().finally(() => {
        this.compacting = null;
      });
    }
    await written;
  }

  private encode(changes: ReadonlyArray<readonly [RecordKey, unknown]>): Buffer {
    return encodeRecordBatch(
      changes.map(([key, value]) => ({ key: JSON.stringify(key), value: value === null ? null : JSON.stringify(value) })),
      {},
      this.hotpath,
    );
  }

  private async load(): Promise<void> {
    let offset = this.log.logStartOffset;
    while (offset < this.log.logEndOffset) {
      const bytes = await this.log.read(offset, 4 * 1024 * 1024);
      for (const batch of decodeRecordBatches(bytes, { hotpath: this.hotpath })) {
        for (const record of batch.records) {
          if (record.offset < offset || record.key === null) continue;
          this.apply(JSON.parse(record.key.toString('utf8')) as RecordKey, record.value === null ? null : JSON.parse(record.value.toString('utf8')));
        }
        offset = batch.baseOffset + batch.lastOffsetDelta + 1;
      }
    }
  }

  private apply(key: RecordKey, value: unknown): void {
    if (key.kind === 'group') {
      if (this.groupMetadata.has(key.group)) this.deadRecords++;
      if (value === null) this.groupMetadata.delete(key.group);
      else this.groupMetadata.set(key.group, value as GroupMetadataRecord);
      return;
    }
    const topics = this.offsets.get(key.group) ?? new Map<string, Map<number, CommittedOffset>>();
    const partitions = topics.get(key.topic) ?? new Map<number, CommittedOffset>();
    if (partitions.has(key.partition)) this.deadRecords++;
    if (value === null) partitions.delete(key.partition);
    else partitions.set(key.partition, value as CommittedOffset);
    if (partitions.size > 0) topics.set(key.topic, partitions);
    else topics.delete(key.topic);
    if (topics.size > 0) this.offsets.set(key.group, topics);
    else this.offsets.delete(key.group);
  }

  /**
   * Re-appends every live record, then drops everything before them. The live records are
   * taken and their appends started without yielding, so no other change can slip in between.
   */
  private async compact(): Promise<void> {
    const live: Array<[RecordKey, unknown]> = [];
    for (const [group, record] of this.groupMetadata) live.push([{ kind: 'group', group }, record]);
    for (const [group, topics] of this.offsets) {
      for (const [topic, partitions] of topics) {
        for (const [partition, committed] of partitions) live.push([{ kind: 'offset', group, topic, partition }, committed]);
      }
    }
    this.deadRecords = 0;
    const appends: Array<ReturnType<PartitionLog['append']>> = [];
    for (let i = 0; i < live.length; i += 1000) appends.push(this.log.append(this.encode(live.slice(i, i + 1000)), { sync: true }));
    const results = await Promise.all(appends);
    if (results.length > 0) this.log.deleteRecordsBefore(results[0].baseOffset);
  }
}
