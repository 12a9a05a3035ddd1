// OffsetCommit, OffsetFetch and OffsetDelete: version differences and response shapes. Which
// commits are accepted and what a fetch answers is src/group/offsets.ts.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultOffsetCommitResponse } from '../../protocol/generated/offset-commit.js';
import { defaultOffsetDeleteResponse } from '../../protocol/generated/offset-delete.js';
import {
  defaultOffsetFetchResponse,
  defaultOffsetFetchResponseGroup,
  defaultOffsetFetchResponsePartition,
  defaultOffsetFetchResponsePartitions,
  type OffsetFetchResponseTopic,
} from '../../protocol/generated/offset-fetch.js';
import type { FetchedOffset } from '../../group/offsets.js';
import { AclOperation } from '../authorization.js';
import { authorize, type BrokerState, type Handler, type RequestContext } from '../request-context.js';
import { groupRefusal } from './group-membership.js';

type TopicResult = { name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> };

/** Needs READ on the group (else every partition is refused) and READ on each topic (else its partitions are). */
export const offsetCommitHandler: Handler<typeof ApiKey.OffsetCommit> = async (request, context) => {
  const { groups } = context.broker;
  const groupError = groupRefusal(context, request.groupId, AclOperation.READ);
  const readable = (name: string) => groupError === ErrorCode.NONE && authorize(context, 'topic', name, AclOperation.READ);
  const refused = request.topics.filter((topic) => !readable(topic.name)).map((topic) => refusedTopic(topic.name, topic.partitions, groupError));
  const who = {
    generationId: request.generationIdOrMemberEpoch,
    memberId: request.memberId,
    groupInstanceId: context.apiVersion >= 7 ? request.groupInstanceId : null,
  };
  const topics = request.topics.filter((topic) => readable(topic.name)).map((topic) => ({
    topic: topic.name,
    partitions: topic.partitions.map((p) => ({
      partition: p.partitionIndex,
      offset: p.committedOffset,
      leaderEpoch: context.apiVersion >= 6 ? p.committedLeaderEpoch : -1,
      metadata: p.committedMetadata,
    })),
  }));
  const results = topics.length === 0 ? [] : await groups.commitOffsets(request.groupId, who, topics, partitionExistsIn(context.broker));
  return {
    ...defaultOffsetCommitResponse(),
    topics: [
      ...results.map((topic) => ({
        name: topic.topic,
        partitions: topic.partitions.map(({ partition, errorCode }) => ({ partitionIndex: partition, errorCode })),
      })),
      ...refused,
    ],
  };
};

/** A topic's partitions answered with a group refusal, or TOPIC_AUTHORIZATION_FAILED when the group was allowed. */
function refusedTopic(name: string, partitions: ReadonlyArray<{ partitionIndex: number } | number>, groupError: number): TopicResult {
  const errorCode = groupError !== ErrorCode.NONE ? groupError : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
  return { name, partitions: partitions.map((p) => ({ partitionIndex: typeof p === 'number' ? p : p.partitionIndex, errorCode })) };
}

/**
 * v1 asks for listed partitions; v2-7 may ask for every committed one (null topics) and have a
 * top-level error; v8+ ask for several groups at once. With require_stable (v7+), a partition
 * whose offset an open transaction is committing answers UNSTABLE_OFFSET_COMMIT (retriable),
 * as Kafka does, until the transaction ends. Needs DESCRIBE on the group; topics the client may
 * not describe are left out of "every topic" and refused when named.
 */
export const offsetFetchHandler: Handler<typeof ApiKey.OffsetFetch> = (request, context) => {
  const requireStable = context.apiVersion >= 7 && request.requireStable;
  if (context.apiVersion >= 8) {
    return {
      ...defaultOffsetFetchResponse(),
      groups: request.groups.map((group) => {
        const { errorCode, topics } = fetchGroup(context, group.groupId, group.topics, requireStable);
        const withDefaults = topics.map((topic) => ({ ...topic, partitions: topic.partitions.map((p) => ({ ...defaultOffsetFetchResponsePartitions(), ...p })) }));
        return { ...defaultOffsetFetchResponseGroup(), groupId: group.groupId, errorCode, topics: withDefaults };
      }),
    };
  }
  // v1 cannot say "all topics"; a null there would not have decoded.
  const { errorCode, topics } = fetchGroup(context, request.groupId, request.topics, requireStable);
  const answered: OffsetFetchResponseTopic[] = topics.map((topic) => ({ ...topic, partitions: topic.partitions.map((p) => ({ ...defaultOffsetFetchResponsePartition(), ...p })) }));
  // v1 has no top-level error: a refused group is told in every asked partition.
  if (errorCode !== ErrorCode.NONE && context.apiVersion < 2) {
    return { ...defaultOffsetFetchResponse(), topics: (request.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((i) => ({ ...defaultOffsetFetchResponsePartition(), ...refusedFields(i, errorCode) })) })) };
  }
  return { ...defaultOffsetFetchResponse(), topics: answered, errorCode };
};

type AskedTopics = ReadonlyArray<{ name: string; partitionIndexes: number[] }> | null;

function fetchGroup(context: RequestContext, groupId: string, asked: AskedTopics, requireStable: boolean): { errorCode: number; topics: Array<{ name: string; partitions: PartitionFields[] }> } {
  const { groups } = context.broker;
  const groupError = groupRefusal(context, groupId, AclOperation.DESCRIBE);
  if (groupError !== ErrorCode.NONE) return { errorCode: groupError, topics: [] };
  const describable = (name: string) => authorize(context, 'topic', name, AclOperation.DESCRIBE);
  const wanted = asked === null ? null : asked.filter((t) => describable(t.name)).map((t) => ({ topic: t.name, partitions: t.partitionIndexes }));
  const fields = (topic: string) => (offset: FetchedOffset) =>
    requireStable && groups.hasPendingOffset(groupId, topic, offset.partition) ? refusedFields(offset.partition, ErrorCode.UNSTABLE_OFFSET_COMMIT) : committedFields(offset);
  const fetched = wanted !== null && wanted.length === 0 ? [] : groups.fetchOffsets(groupId, wanted);
  const topics = fetched.filter(({ topic }) => describable(topic)).map(({ topic, partitions }) => ({ name: topic, partitions: partitions.map(fields(topic)) }));
  const refused = (asked ?? [])
    .filter((t) => !describable(t.name))
    .map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((i) => refusedFields(i, ErrorCode.TOPIC_AUTHORIZATION_FAILED)) }));
  return { errorCode: ErrorCode.NONE, topics: [...topics, ...refused] };
}

type PartitionFields = { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string; errorCode: number };

function committedFields(offset: FetchedOffset): PartitionFields {
  return { partitionIndex: offset.partition, committedOffset: offset.offset, committedLeaderEpoch: offset.leaderEpoch, metadata: offset.metadata, errorCode: ErrorCode.NONE };
}

function refusedFields(partition: number, errorCode: number): PartitionFields {
  return { partitionIndex: partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode };
}

/** Needs DELETE on the group (else a top-level refusal) and READ on each topic (else its partitions are refused). */
export const offsetDeleteHandler: Handler<typeof ApiKey.OffsetDelete> = async (request, context) => {
  const groupError = groupRefusal(context, request.groupId, AclOperation.DELETE);
  if (groupError !== ErrorCode.NONE) return { ...defaultOffsetDeleteResponse(), errorCode: groupError };
  const readable = (name: string) => authorize(context, 'topic', name, AclOperation.READ);
  const topics = request.topics.filter((topic) => readable(topic.name)).map((topic) => ({ topic: topic.name, partitions: topic.partitions.map((p) => p.partitionIndex) }));
  const result = await context.broker.groups.deleteOffsets(request.groupId, topics, partitionExistsIn(context.broker));
  const refused = request.topics.filter((topic) => !readable(topic.name)).map((topic) => refusedTopic(topic.name, topic.partitions, ErrorCode.NONE));
  return {
    ...defaultOffsetDeleteResponse(),
    errorCode: result.errorCode,
    topics: [
      ...result.topics.map((topic) => ({
        name: topic.topic,
        partitions: topic.partitions.map(({ partition, errorCode }) => ({ partitionIndex: partition, errorCode })),
      })),
      ...refused,
    ],
  };
};

function partitionExistsIn(broker: BrokerState): (topic: string, partition: number) => boolean {
  return (topic, partition) => {
    const found = broker.registry.get(topic);
    return found !== undefined && partition >= 0 && partition < found.partitions;
  };
}
