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
import type { BrokerState, Handler } from '../request-context.js';

export const offsetCommitHandler: Handler<typeof ApiKey.OffsetCommit> = async (request, context) => {
  const { groups } = context.broker;
  const who = {
    generationId: request.generationIdOrMemberEpoch,
    memberId: request.memberId,
    groupInstanceId: context.apiVersion >= 7 ? request.groupInstanceId : null,
  };
  const topics = request.topics.map((topic) => ({
    topic: topic.name,
    partitions: topic.partitions.map((p) => ({
      partition: p.partitionIndex,
      offset: p.committedOffset,
      leaderEpoch: context.apiVersion >= 6 ? p.committedLeaderEpoch : -1,
      metadata: p.committedMetadata,
    })),
  }));
  const results = await groups.commitOffsets(request.groupId, who, topics, partitionExistsIn(context.broker));
  return {
    ...defaultOffsetCommitResponse(),
    topics: results.map((topic) => ({
      name: topic.topic,
      partitions: topic.partitions.map(({ partition, errorCode }) => ({ partitionIndex: partition, errorCode })),
    })),
  };
};

/**
 * v1 asks for listed partitions; v2-7 may ask for every committed one (null topics) and have a
 * top-level error; v8+ ask for several groups at once. With require_stable (v7+), a partition
 * whose offset an open transaction is committing answers UNSTABLE_OFFSET_COMMIT (retriable),
 * as Kafka does, until the transaction ends.
 */
export const offsetFetchHandler: Handler<typeof ApiKey.OffsetFetch> = (request, context) => {
  const { groups } = context.broker;
  const requireStable = context.apiVersion >= 7 && request.requireStable;
  const partitionFields = (groupId: string, topic: string) => (offset: FetchedOffset) =>
    requireStable && groups.hasPendingOffset(groupId, topic, offset.partition) ? unstableFields(offset.partition) : committedFields(offset);
  const asked = (topics: ReadonlyArray<{ name: string; partitionIndexes: number[] }> | null) =>
    topics === null ? null : topics.map((topic) => ({ topic: topic.name, partitions: topic.partitionIndexes }));
  if (context.apiVersion >= 8) {
    return {
      ...defaultOffsetFetchResponse(),
      groups: request.groups.map((group) => ({
        ...defaultOffsetFetchResponseGroup(),
        groupId: group.groupId,
        topics: groups.fetchOffsets(group.groupId, asked(group.topics)).map(({ topic, partitions }) => ({
          name: topic,
          partitions: partitions.map((offset) => ({ ...defaultOffsetFetchResponsePartitions(), ...partitionFields(group.groupId, topic)(offset) })),
        })),
      })),
    };
  }
  // v1 cannot say "all topics"; a null there would not have decoded.
  const topics: OffsetFetchResponseTopic[] = groups.fetchOffsets(request.groupId, asked(request.topics)).map(({ topic, partitions }) => ({
    name: topic,
    partitions: partitions.map((offset) => ({ ...defaultOffsetFetchResponsePartition(), ...partitionFields(request.groupId, topic)(offset) })),
  }));
  return { ...defaultOffsetFetchResponse(), topics, errorCode: ErrorCode.NONE };
};

type PartitionFields = { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string; errorCode: number };

function committedFields(offset: FetchedOffset): PartitionFields {
  return { partitionIndex: offset.partition, committedOffset: offset.offset, committedLeaderEpoch: offset.leaderEpoch, metadata: offset.metadata, errorCode: ErrorCode.NONE };
}

function unstableFields(partition: number): PartitionFields {
  return { partitionIndex: partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT };
}

export const offsetDeleteHandler: Handler<typeof ApiKey.OffsetDelete> = async (request, context) => {
  const topics = request.topics.map((topic) => ({ topic: topic.name, partitions: topic.partitions.map((p) => p.partitionIndex) }));
  const result = await context.broker.groups.deleteOffsets(request.groupId, topics, partitionExistsIn(context.broker));
  return {
    ...defaultOffsetDeleteResponse(),
    errorCode: result.errorCode,
    topics: result.topics.map((topic) => ({
      name: topic.topic,
      partitions: topic.partitions.map(({ partition, errorCode }) => ({ partitionIndex: partition, errorCode })),
    })),
  };
};

function partitionExistsIn(broker: BrokerState): (topic: string, partition: number) => boolean {
  return (topic, partition) => {
    const found = broker.registry.get(topic);
    return found !== undefined && partition >= 0 && partition < found.partitions;
  };
}
