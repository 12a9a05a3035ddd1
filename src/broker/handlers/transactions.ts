// The transaction APIs clients call: AddPartitionsToTxn (v0-3, one transaction per request),
// AddOffsetsToTxn and EndTxn go to the transaction coordinator (src/group/txn-coordinator.ts);
// TxnOffsetCommit to the group coordinator, which stages the offsets until the transaction ends.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultAddOffsetsToTxnResponse } from '../../protocol/generated/add-offsets-to-txn.js';
import { defaultAddPartitionsToTxnResponse, type AddPartitionsToTxnTopicResult } from '../../protocol/generated/add-partitions-to-txn.js';
import { defaultEndTxnResponse } from '../../protocol/generated/end-txn.js';
import { defaultTxnOffsetCommitResponse } from '../../protocol/generated/txn-offset-commit.js';
import { AclOperation } from '../authorization.js';
import { authorize, type Handler, type RequestContext } from '../request-context.js';
import type { TopicRegistry } from '../topic-registry.js';
import { groupRefusal } from './group-membership.js';

/**
 * Partitions of topics the producer may not write get TOPIC_AUTHORIZATION_FAILED, partitions that
 * do not exist UNKNOWN_TOPIC_OR_PARTITION, and the others OPERATION_NOT_ATTEMPTED, with nothing
 * added, as Kafka answers.
 */
export const addPartitionsToTxnHandler: Handler<typeof ApiKey.AddPartitionsToTxn> = async (request, context) => {
  const { v3AndBelowTopics: topics } = request;
  const idRefusal = transactionalIdRefusal(context, request.v3AndBelowTransactionalId);
  const writable = new Set(topics.filter((topic) => authorize(context, 'topic', topic.name, AclOperation.WRITE)).map((topic) => topic.name));
  const exists = (topic: string, partition: number) => partitionExists(context.broker.registry, topic, partition);
  const refusal = (topic: string, partition: number) =>
    !writable.has(topic) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : !exists(topic, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE;
  const refused = topics.some((topic) => topic.partitions.some((partition) => refusal(topic.name, partition) !== ErrorCode.NONE));
  let errorOf: (topic: string, partition: number) => number;
  if (idRefusal !== ErrorCode.NONE) {
    errorOf = () => idRefusal;
  } else if (refused) {
    errorOf = (topic, partition) => (refusal(topic, partition) === ErrorCode.NONE ? ErrorCode.OPERATION_NOT_ATTEMPTED : refusal(topic, partition));
  } else {
    const added = topics.flatMap((topic) => topic.partitions.map((partition) => ({ topic: topic.name, partition })));
    const errorCode = await context.broker.transactions.addPartitions(request.v3AndBelowTransactionalId, producerOf(request.v3AndBelowProducerId, request.v3AndBelowProducerEpoch), added);
    errorOf = () => fencedForVersion(errorCode, context.apiVersion, 2);
  }
  const resultsByTopicV3AndBelow: AddPartitionsToTxnTopicResult[] = topics.map((topic) => ({
    name: topic.name,
    resultsByPartition: topic.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: errorOf(topic.name, partitionIndex) })),
  }));
  return { ...defaultAddPartitionsToTxnResponse(), resultsByTopicV3AndBelow };
};

/** Needs WRITE on the transactional id and READ on the group, as Kafka asks. */
export const addOffsetsToTxnHandler: Handler<typeof ApiKey.AddOffsetsToTxn> = async (request, context) => {
  const refusal = firstRefusal(transactionalIdRefusal(context, request.transactionalId), groupRefusal(context, request.groupId, AclOperation.READ));
  if (refusal !== ErrorCode.NONE) return { ...defaultAddOffsetsToTxnResponse(), errorCode: refusal };
  const errorCode = request.groupId === ''
    ? ErrorCode.INVALID_GROUP_ID
    : await context.broker.transactions.addOffsets(request.transactionalId, producerOf(request.producerId, request.producerEpoch), request.groupId);
  return { ...defaultAddOffsetsToTxnResponse(), errorCode: fencedForVersion(errorCode, context.apiVersion, 2) };
};

export const endTxnHandler: Handler<typeof ApiKey.EndTxn> = async (request, context) => {
  const refusal = transactionalIdRefusal(context, request.transactionalId);
  if (refusal !== ErrorCode.NONE) return { ...defaultEndTxnResponse(), errorCode: refusal };
  const errorCode = await context.broker.transactions.endTransaction(request.transactionalId, producerOf(request.producerId, request.producerEpoch), request.committed);
  return { ...defaultEndTxnResponse(), errorCode: fencedForVersion(errorCode, context.apiVersion, 2) };
};

/**
 * WRITE on the transactional id and READ on the group refuse every partition; a topic the
 * producer may not READ gets TOPIC_AUTHORIZATION_FAILED while the others are staged, as Kafka does.
 */
export const txnOffsetCommitHandler: Handler<typeof ApiKey.TxnOffsetCommit> = async (request, context) => {
  const { registry, groups } = context.broker;
  const refusal = firstRefusal(transactionalIdRefusal(context, request.transactionalId), groupRefusal(context, request.groupId, AclOperation.READ));
  const refusedTopic = (name: string) => ({ name, errorCode: refusal !== ErrorCode.NONE ? refusal : ErrorCode.TOPIC_AUTHORIZATION_FAILED });
  const [allowed, refused] = partitionBy(request.topics, (topic) => refusal === ErrorCode.NONE && authorize(context, 'topic', topic.name, AclOperation.READ));
  const who = { generationId: request.generationId, memberId: request.memberId, groupInstanceId: request.groupInstanceId };
  const topics = allowed.map((topic) => ({
    topic: topic.name,
    partitions: topic.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })),
  }));
  const results = topics.length === 0 ? [] : await groups.stageTransactionalOffsets(request.groupId, request.producerId, who, topics, (topic, partition) => partitionExists(registry, topic, partition));
  return {
    ...defaultTxnOffsetCommitResponse(),
    topics: [
      ...results.map((result) => ({ name: result.topic, partitions: result.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })) })),
      ...refused.map((topic) => {
        const { name, errorCode } = refusedTopic(topic.name);
        return { name, partitions: topic.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) };
      }),
    ],
  };
};

/**
 * PRODUCER_FENCED as versions before `newFrom` knew it: INVALID_PRODUCER_EPOCH, which old clients
 * handle the same way (Kafka's KafkaApis does this for each transaction API).
 */
export function fencedForVersion(errorCode: number, apiVersion: number, newFrom: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < newFrom ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}

function transactionalIdRefusal(context: RequestContext, transactionalId: string): number {
  return authorize(context, 'transactionalId', transactionalId, AclOperation.WRITE) ? ErrorCode.NONE : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
}

function partitionBy<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

function firstRefusal(...refusals: number[]): number {
  return refusals.find((code) => code !== ErrorCode.NONE) ?? ErrorCode.NONE;
}

function producerOf(producerId: number, epoch: number): { producerId: number; epoch: number } {
  return { producerId, epoch };
}

function partitionExists(registry: TopicRegistry, topic: string, partition: number): boolean {
  const found = registry.get(topic);
  return found !== undefined && partition >= 0 && partition < found.logs.length;
}
