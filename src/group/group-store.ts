// Durable state of the group coordinator: committed offsets, group metadata, and the offsets
// transactions committed but have not yet ended (visible once the transaction commits), kept in
// an internal log (like Kafka's __consumer_offsets) at <dataDir>/__sluice_groups/ (keyed-log.ts:
// an acknowledged OffsetCommit is there after a crash).
import { join } from 'node:path';
import { KeyedLog, type KeyedLogOptions } from './keyed-log.js';

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

type RecordKey =
  | { kind: 'offset'; group: string; topic: string; partition: number }
  | { kind: 'group'; group: string }
  | { kind: 'txn-offset'; group: string; producerId: number; topic: string; partition: number };

export type GroupStoreOptions = KeyedLogOptions;

/** Offsets by topic, then partition. */
type OffsetTable = Map<string, Map<number, CommittedOffset>>;

export class GroupStore {
  private readonly offsets = new Map<string, OffsetTable>();
  private readonly groupMetadata = new Map<string, GroupMetadataRecord>();
  /** Offsets of open transactions, by group then producer id. */
  private readonly pending = new Map<string, Map<number, OffsetTable>>();
  private log!: KeyedLog<RecordKey>;

  private constructor() {}

  static async open(dataDir: string, options: GroupStoreOptions = {}): Promise<GroupStore> {
    const store = new GroupStore();
    store.log = await KeyedLog.open<RecordKey>(join(dataDir, GROUP_STORE_DIR), (key, value) => store.apply(key, value), () => store.liveRecords(), options);
    return store;
  }

  /** Commits offsets of one group; resolves once they are on disk. */
  async commitOffsets(group: string, entries: readonly OffsetCommitEntry[]): Promise<void> {
    await this.log.append(entries.map((entry) => [{ kind: 'offset', group, topic: entry.topic, partition: entry.partition }, entry.offset]));
  }

  committedOffset(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(group)?.get(topic)?.get(partition);
  }

  /** Every committed offset of a group, by topic then partition. */
  committedOffsets(group: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.offsets.get(group) ?? new Map();
  }

  /** Groups that have committed offsets, stored metadata or pending transactional offsets. */
  groups(): string[] {
    return [...new Set([...this.offsets.keys(), ...this.groupMetadata.keys(), ...this.pending.keys()])];
  }

  /** TxnOffsetCommit: offsets a transaction commits, invisible until it commits; resolves once on disk. */
  async stageTransactionalOffsets(group: string, producerId: number, entries: readonly OffsetCommitEntry[]): Promise<void> {
    await this.log.append(entries.map((entry) => [{ kind: 'txn-offset', group, producerId, topic: entry.topic, partition: entry.partition }, entry.offset]));
  }

  /** Whether a transaction has offsets of this partition waiting (OffsetFetch with requireStable). */
  hasPendingOffset(group: string, topic: string, partition: number): boolean {
    for (const table of this.pending.get(group)?.values() ?? []) if (table.get(topic)?.has(partition) === true) return true;
    return false;
  }

  /** The producer's transaction ended: its staged offsets become committed offsets (commit) or go (abort), in one durable batch. */
  async endTransaction(group: string, producerId: number, commit: boolean): Promise<void> {
    const changes: Array<readonly [RecordKey, unknown]> = [];
    for (const [topic, partitions] of this.pending.get(group)?.get(producerId) ?? []) {
      for (const [partition, offset] of partitions) {
        changes.push([{ kind: 'txn-offset', group, producerId, topic, partition }, null]);
        if (commit) changes.push([{ kind: 'offset', group, topic, partition }, offset]);
      }
    }
    await this.log.append(changes);
  }

  /** Groups with staged offsets of this producer (what a transaction recovered after a crash must finish). */
  groupsWithPendingOffsets(producerId: number): string[] {
    return [...this.pending].filter(([, byProducer]) => byProducer.has(producerId)).map(([group]) => group);
  }

  /** Removes committed offsets: of the given partitions, of a whole topic (partitions omitted). */
  async deleteOffsets(group: string, topic: string, partitions?: readonly number[]): Promise<void> {
    const committed = this.offsets.get(group)?.get(topic);
    if (committed === undefined) return;
    const doomed = partitions ?? [...committed.keys()];
    await this.log.append(doomed.filter((p) => committed.has(p)).map((partition) => [{ kind: 'offset', group, topic, partition }, null]));
  }

  /** Drops every group's commits for a deleted topic. */
  async deleteTopic(topic: string): Promise<void> {
    const tombstones: Array<[RecordKey, null]> = [];
    for (const [group, topics] of this.offsets) {
      for (const partition of topics.get(topic)?.keys() ?? []) tombstones.push([{ kind: 'offset', group, topic, partition }, null]);
    }
    await this.log.append(tombstones);
  }

  groupRecord(group: string): GroupMetadataRecord | undefined {
    return this.groupMetadata.get(group);
  }

  /** Stores (or with null, removes) a group's metadata. */
  async saveGroup(group: string, record: GroupMetadataRecord | null): Promise<void> {
    await this.log.append([[{ kind: 'group', group }, record]]);
  }

  /** Removes a group: its metadata and all its committed offsets. */
  async deleteGroup(group: string): Promise<void> {
    const tombstones: Array<[RecordKey, null]> = [];
    for (const [topic, partitions] of this.offsets.get(group) ?? []) {
      for (const partition of partitions.keys()) tombstones.push([{ kind: 'offset', group, topic, partition }, null]);
    }
    if (this.groupMetadata.has(group)) tombstones.push([{ kind: 'group', group }, null]);
    await this.log.append(tombstones);
  }

  /** Records in the internal log (compaction keeps this near the number of live keys). */
  get logRecords(): number {
    return this.log.records;
  }

  async close(): Promise<void> {
    await this.log.close();
  }

  /** Applies one change in memory; true when it replaced a live record. */
  private apply(key: RecordKey, value: unknown): boolean {
    switch (key.kind) {
      case 'group': {
        const replaced = this.groupMetadata.has(key.group);
        if (value === null) this.groupMetadata.delete(key.group);
        else this.groupMetadata.set(key.group, value as GroupMetadataRecord);
        return replaced;
      }
      case 'offset':
        return setOffset(this.offsets, key.group, key.topic, key.partition, value as CommittedOffset | null);
      case 'txn-offset': {
        const byProducer = this.pending.get(key.group) ?? new Map<number, OffsetTable>();
        this.pending.set(key.group, byProducer);
        const replaced = setOffset(byProducer, key.producerId, key.topic, key.partition, value as CommittedOffset | null);
        if (byProducer.size === 0) this.pending.delete(key.group);
        return replaced;
      }
    }
  }

  private liveRecords(): Array<readonly [RecordKey, unknown]> {
    const live: Array<readonly [RecordKey, unknown]> = [];
    for (const [group, record] of this.groupMetadata) live.push([{ kind: 'group', group }, record]);
    for (const [group, topics] of this.offsets) {
      for (const [topic, partitions] of topics) {
        for (const [partition, committed] of partitions) live.push([{ kind: 'offset', group, topic, partition }, committed]);
      }
    }
    for (const [group, byProducer] of this.pending) {
      for (const [producerId, topics] of byProducer) {
        for (const [topic, partitions] of topics) {
          for (const [partition, staged] of partitions) live.push([{ kind: 'txn-offset', group, producerId, topic, partition }, staged]);
        }
      }
    }
    return live;
  }
}

/** Sets (or with null, removes) one offset in a two-level table under `owner`, dropping emptied levels; true when it replaced one. */
function setOffset<O>(tables: Map<O, OffsetTable>, owner: O, topic: string, partition: number, value: CommittedOffset | null): boolean {
  const topics = tables.get(owner) ?? new Map<string, Map<number, CommittedOffset>>();
  const partitions = topics.get(topic) ?? new Map<number, CommittedOffset>();
  const replaced = partitions.has(partition);
  if (value === null) partitions.delete(partition);
  else partitions.set(partition, value);
  if (partitions.size > 0) topics.set(topic, partitions);
  else topics.delete(topic);
  if (topics.size > 0) tables.set(owner, topics);
  else tables.delete(owner);
  return replaced;
}
