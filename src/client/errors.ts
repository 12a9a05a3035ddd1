// Errors the client throws. Anything the broker reports, and the transport failures the client
// maps onto Kafka's own codes (NETWORK_EXCEPTION for a dropped connection, REQUEST_TIMED_OUT for
// a request without an answer), is a KafkaClientError carrying the Kafka error code, its name
// and whether retrying the same call can succeed. Bad arguments stay TypeError/RangeError.
import { ErrorCode, errorByCode, type ErrorName } from '../protocol/index.js';

/** Where an error happened, when the client knows. */
export interface ErrorContext {
  /** 'host:port' of the broker involved. */
  readonly broker?: string;
  readonly topic?: string;
  readonly partition?: number;
  /** The broker's own error message, when the response carries one. */
  readonly detail?: string | null;
  readonly cause?: unknown;
}

export class KafkaClientError extends Error {
  /** Kafka's error code (e.g. 3 for UNKNOWN_TOPIC_OR_PARTITION). */
  readonly code: number;
  /** Kafka's error name (e.g. 'UNKNOWN_TOPIC_OR_PARTITION'), or 'UNKNOWN_ERROR_CODE'. */
  readonly type: ErrorName | 'UNKNOWN_ERROR_CODE';
  /** True when the same call may succeed if tried again (after a metadata refresh or a pause). */
  readonly retriable: boolean;
  readonly broker: string | undefined;
  readonly topic: string | undefined;
  readonly partition: number | undefined;

  constructor(code: number, message: string, context: ErrorContext = {}, retriable?: boolean) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    const info = errorByCode(code);
    this.name = 'KafkaClientError';
    this.code = code;
    this.type = info?.name ?? 'UNKNOWN_ERROR_CODE';
    this.retriable = retriable ?? info?.retriable ?? false;
    this.broker = context.broker;
    this.topic = context.topic;
    this.partition = context.partition;
  }

  /** The error for a non-zero error code in a response. */
  static fromCode(code: number, context: ErrorContext = {}): KafkaClientError {
    const info = errorByCode(code);
    const what = info === undefined ? `error code ${code}` : `${info.name} (${code}): ${info.message}`;
    return new KafkaClientError(code, `${where(context)}${what}${context.detail ? ` - ${context.detail}` : ''}`, context);
  }
}

/** The connection dropped or could not be opened; always worth another try. */
export function networkError(message: string, context: ErrorContext = {}): KafkaClientError {
  return new KafkaClientError(ErrorCode.NETWORK_EXCEPTION, `${where(context)}${message}`, context, true);
}

/** No answer within the request timeout. */
export function requestTimeoutError(message: string, context: ErrorContext = {}): KafkaClientError {
  return new KafkaClientError(ErrorCode.REQUEST_TIMED_OUT, `${where(context)}${message}`, context, true);
}

/** Throws the KafkaClientError for a non-zero code; returns quietly for 0. */
export function throwIfError(code: number, context: ErrorContext = {}): void {
  if (code !== ErrorCode.NONE) throw KafkaClientError.fromCode(code, context);
}

/** True for errors a retry can fix: retriable Kafka errors and transport failures. */
export function isRetriable(error: unknown): boolean {
  return error instanceof KafkaClientError && error.retriable;
}

/** Errors after which the metadata cache is probably stale (leader moved, topic created or deleted). */
export function needsMetadataRefresh(error: unknown): boolean {
  if (!(error instanceof KafkaClientError)) return false;
  return STALE_METADATA_CODES.has(error.code);
}

const STALE_METADATA_CODES = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.INCONSISTENT_TOPIC_ID,
  ErrorCode.NETWORK_EXCEPTION,
]);

function where(context: ErrorContext): string {
  const parts: string[] = [];
  if (context.topic !== undefined) parts.push(context.partition === undefined ? context.topic : `${context.topic}[${context.partition}]`);
  if (context.broker !== undefined) parts.push(`broker ${context.broker}`);
  return parts.length === 0 ? '' : `${parts.join(' @ ')}: `;
}
