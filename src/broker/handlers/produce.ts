// Produce: each partition's bytes go to its log as received. The log validates them (framing,
// magic, count, CRC) and assigns offsets in place with one hot-path call; nothing is decoded and
// no record becomes an object. Appends start before the first await so that requests pipelined
// on one connection are appended in the order they arrived.
// acks=0: no response; acks=1: answer once written; acks=-1: once fdatasync'd (group commit).
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import {
  defaultPartitionProduceResponse,
  defaultProduceResponse,
  type PartitionProduceData,
  type PartitionProduceResponse,
} from '../../protocol/generated/produce.js';
import { Attributes, BatchField, LOG_OVERHEAD } from '../../records/layout.js';
import type { AppendResult, PartitionLog } from '../../storage/index.js';
import { errorCodeOf, errorMessageOf } from '../error-codes.js';
import { AclOperation } from '../authorization.js';
import { authorize, type Handler } from '../request-context.js';
import { LEADER_EPOCH } from './metadata.js';

const VALID_ACKS = new Set([-1, 0, 1]);

export const produceHandler: Handler<typeof ApiKey.Produce> = async (request, context) => {
  const { registry } = context.broker;
  const acksAll = request.acks === -1;
  // One append time for the whole request, as Kafka takes it (LogAppendTime topics stamp it).
  const now = Date.now();
  // A transactional producer needs WRITE on its transactional id; every producer WRITE on each topic.
  const transactionAllowed = request.transactionalId === null || authorize(context, 'transactionalId', request.transactionalId, AclOperation.WRITE);
  const pending = request.topicData.map((topic) => {
    const found = registry.get(topic.name);
    const topicAllowed = authorize(context, 'topic', topic.name, AclOperation.WRITE);
    return {
      name: topic.name,
      partitions: topic.partitionData.map((data) => {
        if (!transactionAllowed) return Promise.resolve(failure(data.index, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, null));
        if (!topicAllowed) return Promise.resolve(failure(data.index, ErrorCode.TOPIC_AUTHORIZATION_FAILED, null));
        if (!VALID_ACKS.has(request.acks)) return Promise.resolve(failure(data.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be -1, 0 or 1, got ${request.acks}`));
        const log = found?.logs[data.index];
        if (log === undefined) return Promise.resolve(failure(data.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null));
        return appendPartition(log, data, acksAll, now);
      }),
    };
  });
  const responses = await Promise.all(
    pending.map(async (topic) => ({ name: topic.name, partitionResponses: await Promise.all(topic.partitions) })),
  );
  if (request.acks === 0) return null;
  return { ...defaultProduceResponse(), responses };
};

function appendPartition(log: PartitionLog, data: PartitionProduceData, acksAll: boolean, now: number): Promise<PartitionProduceResponse> {
  const refusal = refuseBatches(data.records);
  if (refusal !== null) return Promise.resolve(failure(data.index, refusal.code, refusal.message));
  return log
    .append(data.records as Buffer, { leaderEpoch: LEADER_EPOCH, sync: acksAll ? true : undefined, now })
    .then(
      (result) => success(data.index, result),
      (error: unknown) => failure(data.index, errorCodeOf(error), errorMessageOf(error)),
    );
}

/** Checks Kafka makes before looking at CRCs: there must be a batch, and clients may not write control batches. */
function refuseBatches(records: Buffer | null): { code: number; message: string } | null {
  if (records === null || records.length < LOG_OVERHEAD) return { code: ErrorCode.CORRUPT_MESSAGE, message: 'no record batch' };
  for (let at = 0; at + BatchField.ATTRIBUTES + 2 <= records.length; at += LOG_OVERHEAD + records.readInt32BE(at + BatchField.BATCH_LENGTH)) {
    if (records.readInt16BE(at + BatchField.ATTRIBUTES) & Attributes.CONTROL) {
      return { code: ErrorCode.INVALID_RECORD, message: 'clients may not write control batches' };
    }
    if (records.readInt32BE(at + BatchField.BATCH_LENGTH) <= 0) break;
  }
  return null;
}

function success(index: number, result: AppendResult): PartitionProduceResponse {
  return { ...defaultPartitionProduceResponse(), index, baseOffset: result.baseOffset, logStartOffset: result.logStartOffset, logAppendTimeMs: result.logAppendTime };
}

function failure(index: number, errorCode: number, errorMessage: string | null): PartitionProduceResponse {
  return { ...defaultPartitionProduceResponse(), index, errorCode, baseOffset: -1, errorMessage };
}
