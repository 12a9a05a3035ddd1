// Who may commit offsets for a group, and what a partition's commit or fetch looks like
// (NOTES.md §7.3). A group that is not using the coordinator (standalone consumers, admin
// tools) commits with generation -1 while it has no members; a member commits only in its
// own, current generation, and not while the leader's assignment is still outstanding.
import { ErrorCode } from '../protocol/index.js';
import type { CommittedOffset } from './group-store.js';
import type { Group } from './group.js';
import { currentMemberError } from './membership.js';

/** offset.metadata.max.bytes */
export const MAX_OFFSET_METADATA_BYTES = 4096;

export interface CommitIdentity {
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface PartitionCommit {
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
}

export interface TopicCommit {
  readonly topic: string;
  readonly partitions: readonly PartitionCommit[];
}

export interface CommitResult {
  readonly topic: string;
  readonly partitions: ReadonlyArray<{ readonly partition: number; readonly errorCode: number }>;
}

/** What OffsetFetch answers for one partition. */
export interface FetchedOffset {
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
}

/** Offset -1 with empty metadata: "nothing committed", answered without an error. */
export const NO_COMMIT = { offset: -1, leaderEpoch: -1, metadata: '' } as const;

/**
 * The error that refuses the whole commit, or NONE. `group` undefined = no such group (the
 * caller creates it when generation -1 commits are accepted).
 */
export function commitRefusal(group: Group | undefined, who: CommitIdentity): number {
  if (group === undefined) return who.generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (group.isStaticMemberFenced(who.memberId, who.groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
  if (who.generationId < 0 && group.is('Empty')) return ErrorCode.NONE;
  const memberError = currentMemberError(group, who.memberId, who.groupInstanceId);
  if (memberError !== ErrorCode.NONE) return memberError;
  if (who.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  // Commits while members revoke (PreparingRebalance) are fine; between the join and the
  // leader's assignment the member has nothing it may commit for yet.
  if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

/** Kafka's checks of a TxnOffsetCommit (doTxnCommitOffsets): a member and generation only when given. */
export function txnCommitRefusal(group: Group, who: CommitIdentity): number {
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (group.isStaticMemberFenced(who.memberId, who.groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
  if (who.memberId !== '' && !group.has(who.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (who.generationId >= 0 && who.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  return ErrorCode.NONE;
}

/** A partition's own reason to refuse its commit, or NONE. */
export function partitionCommitRefusal(commit: PartitionCommit, partitionExists: boolean): number {
  if (!partitionExists) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (commit.metadata !== null && Buffer.byteLength(commit.metadata, 'utf8') > MAX_OFFSET_METADATA_BYTES) return ErrorCode.OFFSET_METADATA_TOO_LARGE;
  return ErrorCode.NONE;
}

export function committedOffsetOf(commit: PartitionCommit, now: number): CommittedOffset {
  return { offset: commit.offset, leaderEpoch: commit.leaderEpoch, metadata: commit.metadata ?? '', commitTimestamp: now };
}

export function fetchedOffsetOf(partition: number, committed: CommittedOffset | undefined): FetchedOffset {
  if (committed === undefined) return { partition, ...NO_COMMIT };
  return { partition, offset: committed.offset, leaderEpoch: committed.leaderEpoch, metadata: committed.metadata ?? '' };
}
