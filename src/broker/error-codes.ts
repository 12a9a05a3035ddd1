// Our own errors to Kafka error codes, in one place.
import { ErrorCode } from '../protocol/index.js';
import { StorageError } from '../storage/index.js';
import { TopicError } from './topic-registry.js';
import { AuthorizationFailed } from './authorization.js';

const STORAGE_CODES: Record<StorageError['code'], number> = {
  CORRUPT_BATCH: ErrorCode.CORRUPT_MESSAGE,
  MESSAGE_TOO_LARGE: ErrorCode.MESSAGE_TOO_LARGE,
  OFFSET_OUT_OF_RANGE: ErrorCode.OFFSET_OUT_OF_RANGE,
  LOG_CLOSED: ErrorCode.NOT_LEADER_OR_FOLLOWER,
  INVALID_OFFSET: ErrorCode.OFFSET_OUT_OF_RANGE,
  INVALID_LOG_FILE: ErrorCode.KAFKA_STORAGE_ERROR,
  OUT_OF_ORDER_SEQUENCE: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  INVALID_PRODUCER_EPOCH: ErrorCode.INVALID_PRODUCER_EPOCH,
  INVALID_RECORD: ErrorCode.INVALID_RECORD,
  INVALID_TXN_STATE: ErrorCode.INVALID_TXN_STATE,
};

const TOPIC_CODES: Record<TopicError['kind'], number> = {
  INVALID_TOPIC: ErrorCode.INVALID_TOPIC_EXCEPTION,
  TOPIC_EXISTS: ErrorCode.TOPIC_ALREADY_EXISTS,
  UNKNOWN_TOPIC: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  INVALID_PARTITIONS: ErrorCode.INVALID_PARTITIONS,
  INVALID_CONFIG: ErrorCode.INVALID_CONFIG,
};

/** The Kafka error code for an error thrown while serving a request. */
export function errorCodeOf(error: unknown): number {
  if (error instanceof AuthorizationFailed) return error.code;
  if (error instanceof StorageError) return STORAGE_CODES[error.code];
  if (error instanceof TopicError) return TOPIC_CODES[error.kind];
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

export function errorMessageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
