// CreatePartitions (grow a topic) and DeleteRecords (move a partition's log start forward).
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import {
  defaultCreatePartitionsResponse,
  defaultCreatePartitionsTopicResult,
  type CreatePartitionsTopic,
  type CreatePartitionsTopicResult,
} from '../../protocol/generated/create-partitions.js';
import {
  defaultDeleteRecordsPartitionResult,
  defaultDeleteRecordsResponse,
  type DeleteRecordsPartition,
  type DeleteRecordsPartitionResult,
} from '../../protocol/generated/delete-records.js';
import { errorCodeOf } from '../error-codes.js';
import { AclOperation } from '../authorization.js';
import { authorize, requireAuthorized, type Handler, type RequestContext } from '../request-context.js';
import type { Topic } from '../topic-registry.js';
import { Refusal, checkReplicas, failureOf, invalidRequest, repeated } from './admin-common.js';

export const createPartitionsHandler: Handler<typeof ApiKey.CreatePartitions> = async (request, context) => {
  const duplicates = repeated(request.topics.map((topic) => topic.name));
  const results: CreatePartitionsTopicResult[] = [];
  for (const wanted of request.topics) {
    if (!duplicates.has(wanted.name)) {
      results.push(await growTopic(wanted, request.validateOnly, context));
    } else if (!results.some((result) => result.name === wanted.name)) {
      results.push(partitionsResult(wanted.name, invalidRequest('Duplicate topic name.')));
    }
  }
  return { ...defaultCreatePartitionsResponse(), results };
};

async function growTopic(wanted: CreatePartitionsTopic, validateOnly: boolean, context: RequestContext): Promise<CreatePartitionsTopicResult> {
  const { registry, config } = context.broker;
  try {
    // Validation first (unknown topic, a count that does not grow), then the assignment, then the change.
    requireAuthorized(context, 'topic', wanted.name, AclOperation.ALTER);
    await registry.addPartitions(wanted.name, wanted.count, true);
    const current = (registry.get(wanted.name) as Topic).partitions;
    if (wanted.assignments !== null) checkNewAssignments(wanted.assignments.map((a) => a.brokerIds), wanted.count - current, config.nodeId);
    if (!validateOnly) await registry.addPartitions(wanted.name, wanted.count);
    return { ...defaultCreatePartitionsTopicResult(), name: wanted.name };
  } catch (error) {
    return partitionsResult(wanted.name, error);
  }
}

function checkNewAssignments(replicaLists: readonly number[][], added: number, node: number): void {
  if (replicaLists.length !== added) {
    throw new Refusal(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `Attempted to add ${added} additional partition(s), but only ${replicaLists.length} assignment(s) were specified.`,
    );
  }
  for (const replicas of replicaLists) checkReplicas(replicas, node);
}

function partitionsResult(name: string, error: unknown): CreatePartitionsTopicResult {
  return { ...defaultCreatePartitionsTopicResult(), name, ...failureOf(error) };
}

// ---- DeleteRecords ----

/** DeleteRecords' "up to the high watermark" offset. */
const HIGH_WATERMARK = -1;
/** Kafka's low watermark in a failed partition result. */
const NO_LOW_WATERMARK = -1;

export const deleteRecordsHandler: Handler<typeof ApiKey.DeleteRecords> = (request, context) => ({
  ...defaultDeleteRecordsResponse(),
  topics: request.topics.map((wanted) => {
    if (!authorize(context, 'topic', wanted.name, AclOperation.DELETE)) {
      const errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      return { name: wanted.name, partitions: wanted.partitions.map((p) => ({ ...defaultDeleteRecordsPartitionResult(), partitionIndex: p.partitionIndex, lowWatermark: NO_LOW_WATERMARK, errorCode })) };
    }
    const topic = context.broker.registry.get(wanted.name);
    return { name: wanted.name, partitions: wanted.partitions.map((partition) => deleteBefore(topic, partition)) };
  }),
});

function deleteBefore(topic: Topic | undefined, wanted: DeleteRecordsPartition): DeleteRecordsPartitionResult {
  const result = { ...defaultDeleteRecordsPartitionResult(), partitionIndex: wanted.partitionIndex, lowWatermark: NO_LOW_WATERMARK };
  const log = topic?.logs[wanted.partitionIndex];
  if (log === undefined) return { ...result, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  // One replica: the high watermark is the log end.
  const offset = wanted.offset === HIGH_WATERMARK ? log.logEndOffset : wanted.offset;
  if (offset < 0) return { ...result, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
  try {
    return { ...result, lowWatermark: log.deleteRecordsBefore(offset) };
  } catch (error) {
    return { ...result, errorCode: errorCodeOf(error) };
  }
}
