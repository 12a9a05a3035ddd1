// ListOffsets: -1 latest (the high watermark, or the last stable offset for a read_committed
// request: isolation level 1), -2 earliest (the log start offset), -3 the record with the largest timestamp
// (v7+), and a timestamp >= 0: the first record at or after it. The last two find their batch
// through the segments' timestamps and time index, then the record inside that one batch by
// decoding it (the only decode on the broker), as Kafka 3.8+ does (KAFKA-16310).
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import {
  defaultListOffsetsPartitionResponse,
  defaultListOffsetsResponse,
  type ListOffsetsPartition,
  type ListOffsetsPartitionResponse,
} from '../../protocol/generated/list-offsets.js';
import { decodeRecordBatches } from '../../records/index.js';
import type { PartitionLog } from '../../storage/index.js';
import { errorCodeOf } from '../error-codes.js';
import { AclOperation } from '../authorization.js';
import { authorize, type Handler } from '../request-context.js';
import { READ_COMMITTED } from './fetch.js';
import { LEADER_EPOCH } from './metadata.js';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const NOT_FOUND = { offset: -1, timestamp: -1 };

export const listOffsetsHandler: Handler<typeof ApiKey.ListOffsets> = async (request, context) => {
  const { registry } = context.broker;
  const topics = await Promise.all(
    request.topics.map(async (topic) => {
      const found = registry.get(topic.name);
      if (!authorize(context, 'topic', topic.name, AclOperation.DESCRIBE)) {
        return { name: topic.name, partitions: topic.partitions.map((p) => ({ ...defaultListOffsetsPartitionResponse(), partitionIndex: p.partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })) };
      }
      const partitions = await Promise.all(topic.partitions.map((partition) => answer(partition, found?.logs[partition.partitionIndex], request.isolationLevel === READ_COMMITTED)));
      return { name: topic.name, partitions };
    }),
  );
  return { ...defaultListOffsetsResponse(), topics };
};

async function answer(partition: ListOffsetsPartition, log: PartitionLog | undefined, readCommitted: boolean): Promise<ListOffsetsPartitionResponse> {
  const base = { ...defaultListOffsetsPartitionResponse(), partitionIndex: partition.partitionIndex };
  if (log === undefined) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  try {
    const found = await lookUp(log, partition.timestamp, readCommitted);
    return { ...base, ...found, leaderEpoch: found.offset >= 0 ? LEADER_EPOCH : -1 };
  } catch (error) {
    return { ...base, errorCode: errorCodeOf(error) };
  }
}

async function lookUp(log: PartitionLog, timestamp: number, readCommitted: boolean): Promise<{ offset: number; timestamp: number }> {
  switch (timestamp) {
    case LATEST:
      return { offset: readCommitted ? log.lastStableOffset : log.logEndOffset, timestamp: -1 };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: log.logStartOffset, timestamp: -1 };
    case MAX_TIMESTAMP:
      return maxTimestamp(log);
    default:
      return timestamp >= 0 ? firstAtOrAfter(log, timestamp) : NOT_FOUND;
  }
}

/** The first record carrying the log's largest timestamp, inside the batch the storage names by its last offset. */
async function maxTimestamp(log: PartitionLog): Promise<{ offset: number; timestamp: number }> {
  const { timestamp, offset: batchLastOffset } = log.maxTimestampAndOffset;
  if (batchLastOffset < log.logStartOffset) return NOT_FOUND;
  const batch = await log.read(batchLastOffset, 1);
  return firstRecord(batch, log.logStartOffset, (recordTimestamp) => recordTimestamp === timestamp) ?? { offset: batchLastOffset, timestamp };
}

async function firstAtOrAfter(log: PartitionLog, target: number): Promise<{ offset: number; timestamp: number }> {
  const batch = await log.readBatchAtTimestamp(target);
  if (batch === null) return NOT_FOUND;
  return firstRecord(batch, log.logStartOffset, (timestamp) => timestamp >= target) ?? NOT_FOUND;
}

function firstRecord(batch: Buffer, logStartOffset: number, matches: (timestamp: number) => boolean): { offset: number; timestamp: number } | null {
  for (const decoded of decodeRecordBatches(batch, { verifyCrc: false })) {
    for (const record of decoded.records) {
      if (matches(record.timestamp) && record.offset >= logStartOffset) return { offset: record.offset, timestamp: record.timestamp };
    }
  }
  return null;
}
