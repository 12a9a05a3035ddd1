// Fetch: file bytes straight into the response, never re-encoded. Topics are named (v4-12) or
// identified by topic id (v13+). Long poll: when fewer than min_bytes are there, wait for an
// append to any fetched partition or for max_wait_ms, then read again. No fetch sessions: the
// session id is always 0, so clients send full fetches. A read_committed fetch (isolation level
// 1) gets only batches below the last stable offset, with the aborted transactions among them,
// which the client skips.
import { EMPTY_BYTES, ErrorCode, type ApiKey } from '../../protocol/index.js';
import {
  defaultFetchResponse,
  defaultFetchableTopicResponse,
  defaultPartitionData,
  type FetchPartition,
  type FetchRequest,
  type FetchableTopicResponse,
  type PartitionData,
} from '../../protocol/generated/fetch.js';
import type { PartitionLog } from '../../storage/index.js';
import { errorCodeOf } from '../error-codes.js';
import { AclOperation } from '../authorization.js';
import { authorize, type Handler, type RequestContext } from '../request-context.js';
import type { Topic } from '../topic-registry.js';
import { waitForAppend } from '../append-waiter.js';
import { LEADER_EPOCH } from './metadata.js';

/** FetchRequest.isolationLevel: 0 read_uncommitted, 1 read_committed. */
export const READ_COMMITTED = 1;

/** Longest long poll we honour, whatever the client asks. */
const MAX_WAIT_CAP_MS = 30_000;

interface FetchTarget {
  readonly topic: FetchRequest['topics'][number];
  readonly found: Topic | undefined;
}

export const fetchHandler: Handler<typeof ApiKey.Fetch> = async (request, context) => {
  const targets = request.topics.map((topic) => ({ topic, found: resolveTopic(topic, context) }));
  const logs = targets.flatMap((target) => target.topic.partitions.map((p) => target.found?.logs[p.partition]).filter(isLog));
  // Taken before reading: an append during the read must end the long poll, not start it.
  const endOffsetsBefore = logs.map((log) => log.logEndOffset);
  let result = await readAll(request, targets, context);
  const waitMs = Math.min(Math.max(request.maxWaitMs, 0), MAX_WAIT_CAP_MS);
  if (result.bytes < request.minBytes && waitMs > 0 && result.errors === 0) {
    if (await waitForAppend(logs, waitMs, context.broker.stopping, endOffsetsBefore)) {
      giveBackRecords(result.responses, context); // read again: the first read is not sent
      result = await readAll(request, targets, context);
    }
  }
  return { ...defaultFetchResponse(), responses: result.responses };
};

function giveBackRecords(responses: readonly FetchableTopicResponse[], context: RequestContext): void {
  for (const topic of responses) for (const partition of topic.partitions) if (partition.records) context.broker.fetchMemory.giveBack(partition.records);
}

function resolveTopic(topic: FetchRequest['topics'][number], context: RequestContext): Topic | undefined {
  return context.apiVersion >= 13 ? context.broker.registry.getById(topic.topicId) : context.broker.registry.get(topic.topic);
}

/** Reads every requested partition in order, within max_bytes (the first batch found is always whole). */
async function readAll(request: FetchRequest, targets: FetchTarget[], context: RequestContext) {
  let budget = request.maxBytes > 0 ? request.maxBytes : Number.MAX_SAFE_INTEGER;
  let bytes = 0;
  let errors = 0;
  const responses: FetchableTopicResponse[] = [];
  for (const { topic, found } of targets) {
    const partitions: PartitionData[] = [];
    for (const wanted of topic.partitions) {
      const data = await readPartition(wanted, found, request, context, budget, bytes === 0);
      const size = data.records?.length ?? 0;
      budget = Math.max(0, budget - size);
      bytes += size;
      if (data.errorCode !== ErrorCode.NONE) errors++;
      partitions.push(data);
    }
    responses.push({ ...defaultFetchableTopicResponse(), topic: topic.topic, topicId: topic.topicId, partitions });
  }
  return { responses, bytes, errors };
}

async function readPartition(
  wanted: FetchPartition,
  topic: Topic | undefined,
  request: FetchRequest,
  context: RequestContext,
  budget: number,
  firstData: boolean,
): Promise<PartitionData> {
  if (topic !== undefined && !authorize(context, 'topic', topic.name, AclOperation.READ)) return emptyPartition(wanted.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  const log = topic?.logs[wanted.partition];
  if (log === undefined) {
    const missing = context.apiVersion >= 13 && topic === undefined ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return emptyPartition(wanted.partition, missing);
  }
  const epochError = leaderEpochError(wanted.currentLeaderEpoch);
  if (epochError !== ErrorCode.NONE) return { ...describeLog(wanted.partition, log), errorCode: epochError };
  try {
    const maxBytes = Math.min(wanted.partitionMaxBytes, budget);
    if (request.isolationLevel === READ_COMMITTED) {
      const { records, aborted } = await log.readCommitted(wanted.fetchOffset, maxBytes, firstData, context.broker.fetchMemory);
      const abortedTransactions = aborted.map(({ producerId, firstOffset }) => ({ producerId, firstOffset }));
      return { ...describeLog(wanted.partition, log), records, abortedTransactions };
    }
    const records = await log.read(wanted.fetchOffset, maxBytes, firstData, context.broker.fetchMemory);
    return { ...describeLog(wanted.partition, log), records };
  } catch (error) {
    return { ...describeLog(wanted.partition, log), errorCode: errorCodeOf(error) };
  }
}

/** Clients send the leader epoch they know (from Metadata); -1 means "don't check". */
function leaderEpochError(currentLeaderEpoch: number): number {
  if (currentLeaderEpoch < 0 || currentLeaderEpoch === LEADER_EPOCH) return ErrorCode.NONE;
  return currentLeaderEpoch > LEADER_EPOCH ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.FENCED_LEADER_EPOCH;
}

function describeLog(partitionIndex: number, log: PartitionLog): PartitionData {
  return {
    ...defaultPartitionData(),
    partitionIndex,
    highWatermark: log.logEndOffset,
    lastStableOffset: log.lastStableOffset,
    logStartOffset: log.logStartOffset,
    // Kafka sends null for read_uncommitted; an empty list reads the same to every client.
    abortedTransactions: [],
    records: EMPTY_BYTES,
  };
}

function emptyPartition(partitionIndex: number, errorCode: number): PartitionData {
  return { ...defaultPartitionData(), partitionIndex, errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: EMPTY_BYTES };
}

function isLog(log: PartitionLog | undefined): log is PartitionLog {
  return log !== undefined;
}
