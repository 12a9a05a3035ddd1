// The group coordinator: every classic group of this broker (it coordinates them all: one node),
// their rebalances and timers, and their committed offsets, kept durable through GroupStore.
// Handlers call it with decoded requests; the per-request rules live in join.ts, membership.ts
// and offsets.ts, the rebalance mechanics in rebalance.ts.
import type { Logger } from 'pino';
import { ErrorCode } from '../protocol/index.js';
import { groupRecordOf, restoreGroup } from './group-record.js';
import type { GroupStore, OffsetCommitEntry } from './group-store.js';
import { CONSUMER_PROTOCOL_TYPE, Group, type GroupState } from './group.js';
import { Joiner, type JoinRequest } from './join.js';
import { joinError, syncError, type JoinResult, type SyncResult } from './member.js';
import { Membership, type HeartbeatRequest, type LeaveResult, type LeavingMember, type SyncRequest } from './membership.js';
import {
  commitRefusal,
  committedOffsetOf,
  fetchedOffsetOf,
  partitionCommitRefusal,
  txnCommitRefusal,
  type CommitIdentity,
  type CommitResult,
  type FetchedOffset,
  type TopicCommit,
} from './offsets.js';
import { Rebalancer } from './rebalance.js';
import type { CoordinatorSettings } from './settings.js';

export interface GroupSummary {
  readonly groupId: string;
  readonly state: GroupState;
  readonly protocolType: string;
  /** The chosen protocol while Stable, else ''. */
  readonly protocol: string;
  readonly members: ReadonlyArray<{
    readonly memberId: string;
    readonly groupInstanceId: string | null;
    readonly clientId: string;
    readonly clientHost: string;
    /** Metadata and assignment only while Stable (Kafka's summary), else empty. */
    readonly metadata: Buffer;
    readonly assignment: Buffer;
  }>;
}

export interface ListedGroup {
  readonly groupId: string;
  readonly protocolType: string;
  readonly state: GroupState;
}

/** Tells whether a topic partition exists (commits to unknown partitions are refused). */
export type PartitionExists = (topic: string, partition: number) => boolean;

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly rebalancer: Rebalancer;
  private readonly joiner: Joiner;
  private readonly membership: Membership;
  private shuttingDown = false;

  private constructor(
    private readonly store: GroupStore,
    readonly settings: CoordinatorSettings,
    private readonly logger: Logger,
  ) {
    const save = (group: Group, assignments?: ReadonlyMap<string, Buffer>) => this.store.saveGroup(group.groupId, groupRecordOf(group, assignments));
    this.rebalancer = new Rebalancer({ settings, logger, save, released: (group) => this.forgetIfUnused(group) });
    this.joiner = new Joiner({ settings, rebalancer: this.rebalancer, save });
    this.membership = new Membership({ rebalancer: this.rebalancer, logger, save });
  }

  /**
   * Loads every group the store knows (before the broker listens, so nothing is served from a
   * half-loaded state). Restored members get a fresh session clock.
   */
  static load(store: GroupStore, settings: CoordinatorSettings, logger: Logger): GroupCoordinator {
    const coordinator = new GroupCoordinator(store, settings, logger);
    for (const groupId of store.groups()) {
      const group = restoreGroup(groupId, store.groupRecord(groupId));
      for (const member of group.members.values()) coordinator.rebalancer.scheduleSessionExpiry(group, member);
      coordinator.groups.set(groupId, group);
    }
    return coordinator;
  }

  // ---- membership ----

  async joinGroup(request: JoinRequest): Promise<JoinResult> {
    if (this.shuttingDown) return joinError(request.memberId, ErrorCode.NOT_COORDINATOR);
    if (request.groupId === '') return joinError(request.memberId, ErrorCode.INVALID_GROUP_ID);
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = this.settings;
    if (request.sessionTimeoutMs < minSessionTimeoutMs || request.sessionTimeoutMs > maxSessionTimeoutMs) {
      return joinError(request.memberId, ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    let group = this.groups.get(request.groupId);
    if (group === undefined) {
      // Only a member without an id may create a group; an id implies a group we have lost.
      if (request.memberId !== '') return joinError(request.memberId, ErrorCode.UNKNOWN_MEMBER_ID);
      group = this.create(request.groupId);
    }
    const answer = this.joiner.join(group, request);
    this.forgetIfUnused(group);
    return answer;
  }

  async syncGroup(groupId: string, request: SyncRequest): Promise<SyncResult> {
    if (this.shuttingDown) return syncError(ErrorCode.NOT_COORDINATOR);
    if (groupId === '') return syncError(ErrorCode.INVALID_GROUP_ID);
    return this.membership.sync(this.groups.get(groupId), request);
  }

  heartbeat(groupId: string, request: HeartbeatRequest): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    return this.membership.heartbeat(this.groups.get(groupId), request);
  }

  leaveGroup(groupId: string, members: readonly LeavingMember[]): LeaveResult {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.groups.get(groupId);
    const result = this.membership.leave(group, members);
    if (group !== undefined) this.forgetIfUnused(group);
    return result;
  }

  // ---- offsets ----

  /** Commits what may be committed; resolves after the accepted offsets are durable. */
  async commitOffsets(groupId: string, who: CommitIdentity, topics: readonly TopicCommit[], partitionExists: PartitionExists): Promise<CommitResult[]> {
    let group = this.groups.get(groupId);
    const refusal = commitRefusal(group, who);
    if (refusal !== ErrorCode.NONE) return everyPartition(topics, refusal);
    group ??= this.create(groupId);
    const member = group.get(who.memberId);
    if (member !== undefined && who.generationId >= 0) this.rebalancer.scheduleSessionExpiry(group, member);
    const { results, entries } = acceptedCommits(topics, partitionExists, Date.now());
    try {
      await this.store.commitOffsets(groupId, entries);
    } catch (error) {
      this.logger.error({ err: error, group: groupId }, 'could not persist committed offsets');
      return everyPartition(topics, ErrorCode.UNKNOWN_SERVER_ERROR);
    } finally {
      this.forgetIfUnused(group);
    }
    return results;
  }

  /**
   * TxnOffsetCommit: offsets staged for the producer's open transaction, visible once it commits.
   * A member and generation are checked when given (v3+), as Kafka does.
   */
  async stageTransactionalOffsets(groupId: string, producerId: number, who: CommitIdentity, topics: readonly TopicCommit[], partitionExists: PartitionExists): Promise<CommitResult[]> {
    const group = this.groups.get(groupId) ?? this.create(groupId);
    const refusal = txnCommitRefusal(group, who);
    if (refusal !== ErrorCode.NONE) return everyPartition(topics, refusal);
    const { results, entries } = acceptedCommits(topics, partitionExists, Date.now());
    await this.store.stageTransactionalOffsets(groupId, producerId, entries);
    return results;
  }

  /** The producer's transaction ended: its staged offsets in the group become committed (commit) or go (abort). */
  endTransaction(groupId: string, producerId: number, commit: boolean): Promise<void> {
    return this.store.endTransaction(groupId, producerId, commit);
  }

  /** Whether a transaction has offsets of this partition staged (OffsetFetch with requireStable). */
  hasPendingOffset(groupId: string, topic: string, partition: number): boolean {
    return this.store.hasPendingOffset(groupId, topic, partition);
  }

  /** Committed offsets of the asked partitions, or (topics null) of every partition the group committed. */
  fetchOffsets(groupId: string, topics: ReadonlyArray<{ readonly topic: string; readonly partitions: readonly number[] }> | null): Array<{ topic: string; partitions: FetchedOffset[] }> {
    if (topics === null) {
      return [...this.store.committedOffsets(groupId)].map(([topic, partitions]) => ({
        topic,
        partitions: [...partitions].map(([partition, committed]) => fetchedOffsetOf(partition, committed)),
      }));
    }
    return topics.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map((partition) => fetchedOffsetOf(partition, this.store.committedOffset(groupId, topic, partition))),
    }));
  }

  /**
   * OffsetDelete: an empty group may drop any commit; a consumer group with members only those
   * of topics none of its members subscribes to; any other group with members none.
   */
  async deleteOffsets(groupId: string, topics: ReadonlyArray<{ readonly topic: string; readonly partitions: readonly number[] }>, partitionExists: PartitionExists): Promise<{ errorCode: number; topics: CommitResult[] }> {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    const group = this.groups.get(groupId);
    if (group === undefined || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    if (!group.is('Empty') && group.protocolType !== CONSUMER_PROTOCOL_TYPE) return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
    const results: CommitResult[] = [];
    for (const { topic, partitions } of topics) {
      const subscribed = !group.is('Empty') && group.isSubscribedTo(topic);
      const errors = partitions.map((partition) => ({
        partition,
        errorCode: !partitionExists(topic, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : subscribed ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE,
      }));
      const doomed = errors.filter((entry) => entry.errorCode === ErrorCode.NONE).map((entry) => entry.partition);
      if (doomed.length > 0) await this.store.deleteOffsets(groupId, topic, doomed);
      results.push({ topic, partitions: errors });
    }
    return { errorCode: ErrorCode.NONE, topics: results };
  }

  /** A deleted topic's commits go with it, in every group. */
  async topicDeleted(topic: string): Promise<void> {
    await this.store.deleteTopic(topic);
  }

  // ---- administration ----

  /** Kafka describes an unknown group as Dead, without an error. */
  describeGroup(groupId: string): GroupSummary {
    const group = this.groups.get(groupId);
    if (group === undefined) return { groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
    const stable = group.is('Stable');
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((member) => ({
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        metadata: stable ? member.metadataFor(group.protocolName) : Buffer.alloc(0),
        assignment: stable ? member.assignment : Buffer.alloc(0),
      })),
    };
  }

  listGroups(): ListedGroup[] {
    return [...this.groups.values()]
      .filter((group) => !group.is('Dead'))
      .map((group) => ({ groupId: group.groupId, protocolType: group.protocolType ?? '', state: group.state }));
  }

  /** DeleteGroups for one group: only an empty one goes, with all its committed offsets. */
  async deleteGroup(groupId: string): Promise<number> {
    const group = this.groups.get(groupId);
    if (group === undefined || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
    group.transitionTo('Dead');
    this.rebalancer.unload(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    this.groups.delete(groupId);
    await this.store.deleteGroup(groupId);
    return ErrorCode.NONE;
  }

  /** Test and tooling access to a group's live state. */
  group(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  // ---- lifecycle ----

  /**
   * Stops every timer and answers parked JoinGroup/SyncGroup requests with NOT_COORDINATOR (the
   * clients look for the coordinator again and find the restarted broker). The groups stay as
   * they are, so what was last persisted is what the next start restores. Commits are still
   * accepted until close().
   */
  shutdown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.rebalancer.stop();
    for (const group of this.groups.values()) this.rebalancer.unload(group, ErrorCode.NOT_COORDINATOR);
  }

  async close(): Promise<void> {
    this.shutdown();
    await this.store.close();
  }

  private create(groupId: string): Group {
    const group = new Group(groupId);
    this.groups.set(groupId, group);
    return group;
  }

  /** A group nothing refers to (never had a generation, no commits, no one joining) is forgotten. */
  private forgetIfUnused(group: Group): void {
    if (!group.is('Empty') || !group.isUnused || group.generationId > 0) return;
    if (this.store.committedOffsets(group.groupId).size > 0 || this.store.groupRecord(group.groupId) !== undefined) return;
    if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId);
  }
}

function everyPartition(topics: readonly TopicCommit[], errorCode: number): CommitResult[] {
  return topics.map((topic) => ({ topic: topic.topic, partitions: topic.partitions.map((commit) => ({ partition: commit.partition, errorCode })) }));
}

/** Each partition's answer to a commit, and the offsets of those accepted. */
function acceptedCommits(topics: readonly TopicCommit[], partitionExists: PartitionExists, now: number): { results: CommitResult[]; entries: OffsetCommitEntry[] } {
  const entries: OffsetCommitEntry[] = [];
  const results = topics.map((topic) => ({
    topic: topic.topic,
    partitions: topic.partitions.map((commit) => {
      const errorCode = partitionCommitRefusal(commit, partitionExists(topic.topic, commit.partition));
      if (errorCode === ErrorCode.NONE) entries.push({ topic: topic.topic, partition: commit.partition, offset: committedOffsetOf(commit, now) });
      return { partition: commit.partition, errorCode };
    }),
  }));
  return { results, entries };
}
