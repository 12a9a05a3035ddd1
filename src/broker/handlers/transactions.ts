// The transaction APIs clients call: AddPartitionsToTxn (v0-3, one transaction per request),
// AddOffsetsToTxn and EndTxn go to the transaction coordinator (src/group/txn-coordinator.ts);
// TxnOffsetCommit to the group coordinator, which stages the offsets until the transaction ends.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultAddOffsetsToTxnResponse } from '../../protocol/generated/add-offsets-to-txn.js';
import { defaultAddPartitionsToTxnResponse, type AddPartitionsToTxnTopicResult } from '../../protocol/generated/add-partitions-to-txn.js';
import { defaultEndTxnResponse } from '../../protocol/generated/end-txn.js';
import { defaultTxnOffsetCommitResponse } from '../../protocol/generated/txn-offset-commit.js';
import type { Handler } from '../request-context.js';
import type { TopicRegistry } from '../topic-registry.js';

/**
 * Partitions that do not exist get UNKNOWN_TOPIC_OR_PARTITION and the others
 * OPERATION_NOT_ATTEMPTED, with nothing added, as Kafka answers.
 */
export const addPartitionsToTxnHandler: Handler<typeof ApiKey.AddPartitionsToTxn> = async (request, context) => {
  const { v3AndBelowTopics: topics } = request;
  const exists = (topic: string, partition: number) => partitionExists(context.broker.registry, topic, partition);
  const missing = topics.some((topic) => topic.partitions.some((partition) => !exists(topic.name, partition)));
  let errorOf: (topic: string, partition: number) => number;
  if (missing) {
    errorOf = (topic, partition) => (exists(topic, partition) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  } else {
    const added = topics.flatMap((topic) => topic.partitions.map((partition) => ({ topic: topic.name, partition })));
    const errorCode = await context.broker.transactions.addPartitions(request.v3AndBelowTransactionalId, producerOf(request.v3AndBelowProducerId, request.v3AndBelowProducerEpoch), added);
    errorOf = () => errorCode;
  }
  const resultsByTopicV3AndBelow: AddPartitionsToTxnTopicResult[] = topics.map((topic) => ({
    name: topic.name,
    resultsByPartition: topic.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: errorOf(topic.name, partitionIndex) })),
  }));
  return { ...defaultAddPartitionsToTxnResponse(), resultsByTopicV3AndBelow };
};

export const addOffsetsToTxnHandler: Handler<typeof ApiKey.AddOffsetsToTxn> = async (request, context) => {
  const errorCode = request.groupId === ''
    ? ErrorCode.INVALID_GROUP_ID
    : await context.broker.transactions.addOffsets(request.transactionalId, producerOf(request.producerId, request.producerEpoch), request.groupId);
  return { ...defaultAddOffsetsToTxnResponse(), errorCode };
};

export const endTxnHandler: Handler<typeof ApiKey.EndTxn> = async (request, context) => {
  const errorCode = await context.broker.transactions.endTransaction(request.transactionalId, producerOf(request.producerId, request.producerEpoch), request.committed);
  return { ...defaultEndTxnResponse(), errorCode };
};

export const txnOffsetCommitHandler: Handler<typeof ApiKey.TxnOffsetCommit> = async (request, context) => {
  const { registry, groups } = context.broker;
  const who = { generationId: request.generationId, memberId: request.memberId, groupInstanceId: request.groupInstanceId };
  const topics = request.topics.map((topic) => ({
    topic: topic.name,
    partitions: topic.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })),
  }));
  const results = await groups.stageTransactionalOffsets(request.groupId, request.producerId, who, topics, (topic, partition) => partitionExists(registry, topic, partition));
  return {
    ...defaultTxnOffsetCommitResponse(),
    topics: results.map((result) => ({ name: result.topic, partitions: result.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })) })),
  };
};

function producerOf(producerId: number, epoch: number): { producerId: number; epoch: number } {
  return { producerId, epoch };
}

function partitionExists(registry: TopicRegistry, topic: string, partition: number): boolean {
  const found = registry.get(topic);
  return found !== undefined && partition >= 0 && partition < found.logs.length;
}
