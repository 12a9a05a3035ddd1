// Committed offsets of a group (NOTES.md §7.3): OffsetCommit as a member of the current
// generation (or with generation -1 and no member id while the group is empty: standalone
// consumers and admin tools), OffsetFetch for some partitions or for everything committed.
// A committed offset is the next one to read, i.e. the last processed offset + 1.
import { ApiKey, ErrorCode, type OffsetCommitRequest, type OffsetFetchRequest, type OffsetFetchResponse } from '../protocol/index.js';
import type { Response } from './connection.js';
import { KafkaClientError } from './errors.js';
import type { CoordinatorLink } from './group-coordinator.js';
import { groupByTopic } from '../protocol/consumer-protocol.js';
import type { TopicPartition } from './partition-states.js';

export interface TopicPartitionOffset extends TopicPartition {
  /** The next offset to read from the partition. */
  readonly offset: number;
}

export interface OffsetToCommit extends TopicPartitionOffset {
  /** Free text stored with the offset (at most 4096 bytes). */
  readonly metadata?: string | null;
}

export interface CommittedOffset extends TopicPartitionOffset {
  /** -1 (offset) when nothing is committed. */
  readonly metadata: string;
}

/** Who commits: a member in its generation, or nobody (generation -1) for an empty group. */
export interface CommitIdentity {
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export const OUTSIDE_THE_GROUP: CommitIdentity = { generationId: -1, memberId: '', groupInstanceId: null };

/** From this version OffsetFetch asks for a batch of groups. */
const BATCHED_FETCH_VERSION = 8;
/** The first OffsetFetch version that can ask for every committed partition (null topics). */
const FETCH_ALL_MIN_VERSION = 2;

/** Commits, retrying while the coordinator moves; throws the first partition's error. */
export async function commitOffsets(link: CoordinatorLink, who: CommitIdentity, offsets: readonly OffsetToCommit[]): Promise<void> {
  if (offsets.length === 0) return;
  for (const { topic, partition, offset } of offsets) {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`${topic}[${partition}]: a committed offset must be a non-negative integer, not ${offset}`);
  }
  const { body } = await link.retrying(() => link.send(ApiKey.OffsetCommit, () => commitRequest(link.groupId, who, offsets), firstCommitError));
  for (const topic of body.topics) {
    for (const p of topic.partitions) {
      if (p.errorCode !== ErrorCode.NONE) throw KafkaClientError.fromCode(p.errorCode, { topic: topic.name, partition: p.partitionIndex, detail: `commit for group ${link.groupId}` });
    }
  }
}

/** Committed offsets of the partitions (offset -1 where nothing is committed), or of every committed partition when null. */
export async function fetchCommittedOffsets(link: CoordinatorLink, partitions: readonly TopicPartition[] | null): Promise<CommittedOffset[]> {
  if (partitions !== null && partitions.length === 0) return [];
  const options = partitions === null ? { versions: { min: FETCH_ALL_MIN_VERSION } } : {};
  const response = await link.retrying(() => link.send(ApiKey.OffsetFetch, (v) => fetchRequest(link.groupId, partitions, v), fetchError, options));
  throwIfFetchFailed(response, link.groupId);
  return fetchedTopics(response).flatMap((topic) =>
    topic.partitions.map((p) => {
      if (p.errorCode !== ErrorCode.NONE) throw KafkaClientError.fromCode(p.errorCode, { topic: topic.name, partition: p.partitionIndex });
      return { topic: topic.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.metadata ?? '' };
    }),
  );
}

function commitRequest(groupId: string, who: CommitIdentity, offsets: readonly OffsetToCommit[]): OffsetCommitRequest {
  const metadataOf = new Map(offsets.map((o) => [`${o.topic}\u0000${o.partition}`, o]));
  return {
    groupId,
    generationIdOrMemberEpoch: who.generationId,
    memberId: who.memberId,
    groupInstanceId: who.groupInstanceId,
    retentionTimeMs: -1,
    topics: [...groupByTopic(offsets)].map(([name, partitions]) => ({
      name,
      partitions: partitions.map((partitionIndex) => {
        const entry = metadataOf.get(`${name}\u0000${partitionIndex}`) as OffsetToCommit;
        return { partitionIndex, committedOffset: entry.offset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: entry.metadata ?? '' };
      }),
    })),
  };
}

function firstCommitError(response: Response<typeof ApiKey.OffsetCommit>): number {
  for (const topic of response.body.topics) for (const p of topic.partitions) if (p.errorCode !== ErrorCode.NONE) return p.errorCode;
  return ErrorCode.NONE;
}

function fetchRequest(groupId: string, partitions: readonly TopicPartition[] | null, version: number): OffsetFetchRequest {
  const topics = partitions === null ? null : [...groupByTopic(partitions)].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
  if (version >= BATCHED_FETCH_VERSION) {
    return { groupId: '', topics: [], groups: [{ groupId, memberId: null, memberEpoch: -1, topics }], requireStable: false };
  }
  return { groupId, topics, groups: [], requireStable: false };
}

interface FetchedTopic {
  readonly name: string;
  readonly partitions: ReadonlyArray<{ partitionIndex: number; committedOffset: number; metadata: string | null; errorCode: number }>;
}

function fetchedTopics({ version, body }: Response<typeof ApiKey.OffsetFetch>): readonly FetchedTopic[] {
  return version >= BATCHED_FETCH_VERSION ? (body.groups[0]?.topics ?? []) : body.topics;
}

function fetchError({ version, body }: Response<typeof ApiKey.OffsetFetch>): number {
  if (version >= BATCHED_FETCH_VERSION) return body.groups[0]?.errorCode ?? ErrorCode.NONE;
  return version >= FETCH_ALL_MIN_VERSION ? body.errorCode : firstPartitionError(body);
}

/** v1 has no top-level error: the coordinator puts it on every partition. */
function firstPartitionError(body: OffsetFetchResponse): number {
  for (const topic of body.topics) for (const p of topic.partitions) if (p.errorCode !== ErrorCode.NONE) return p.errorCode;
  return ErrorCode.NONE;
}

function throwIfFetchFailed(response: Response<typeof ApiKey.OffsetFetch>, groupId: string): void {
  const code = fetchError(response);
  if (code !== ErrorCode.NONE) throw KafkaClientError.fromCode(code, { detail: `offsets of group ${groupId}` });
}
