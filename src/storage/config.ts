// Per-log settings, named after Kafka's topic configs (segment.bytes -> segmentBytes, ...).

export type FlushPolicy =
  /** fdatasync before an append is acknowledged; appends that arrive during one sync share the next. */
  | 'fsync'
  /** fdatasync every flushMs in the background. */
  | 'interval'
  /** never fdatasync on our own: the page cache decides (roll and close still flush). */
  | 'os';

/** Which time a record carries (message.timestamp.type): the producer's, or the broker's at append. */
export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  /** Roll to a new segment before the active one would exceed this many bytes (segment.bytes). */
  readonly segmentBytes: number;
  /** Roll when the active segment's first batch is this old (segment.ms). */
  readonly segmentMs: number;
  /** Bytes appended between two sparse index entries (index.interval.bytes). */
  readonly indexIntervalBytes: number;
  /** Largest size of one index file (segment.index.bytes); a full index rolls the segment. */
  readonly segmentIndexBytes: number;
  /** Delete old segments while the log is larger than this; -1 = no limit (retention.bytes). */
  readonly retentionBytes: number;
  /** Delete segments whose newest record is older than this; -1 = forever (retention.ms). */
  readonly retentionMs: number;
  readonly flushPolicy: FlushPolicy;
  /** Background flush period for the 'interval' policy (flush.ms). */
  readonly flushMs: number;
  /** Largest batch accepted by append (max.message.bytes). */
  readonly maxMessageBytes: number;
  /** How often the recovery point and indexes are written out (log.flush.offset.checkpoint.interval.ms). */
  readonly checkpointMs: number;
  /** Appended bytes not yet written at which further appends wait their turn (memory bound per partition). */
  readonly maxPendingBytes: number;
  /**
   * The active segment's file is extended this far ahead of its data, sparsely, so appends do
   * not grow the file (see preallocation.ts); 0 lets each append grow it (Kafka's default).
   */
  readonly preallocateBytes: number;
  /** LogAppendTime: each batch is stamped with the time of its append (see HotPath.validateBatches). */
  readonly timestampType: TimestampType;
  /** An idempotent producer that wrote nothing for this long is forgotten (producer.id.expiration.ms). */
  readonly producerIdExpirationMs: number;
}

export const DEFAULT_LOG_CONFIG: LogConfig = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10 * 1024 * 1024,
  retentionBytes: -1,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  flushPolicy: 'interval',
  flushMs: 1000,
  maxMessageBytes: 1048588,
  checkpointMs: 60_000,
  maxPendingBytes: 32 * 1024 * 1024,
  preallocateBytes: 8 * 1024 * 1024,
  timestampType: 'CreateTime',
  producerIdExpirationMs: 24 * 60 * 60 * 1000,
};

export function resolveLogConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  const config = { ...DEFAULT_LOG_CONFIG, ...overrides };
  assertPositive('segmentBytes', config.segmentBytes);
  assertPositive('segmentMs', config.segmentMs);
  assertPositive('indexIntervalBytes', config.indexIntervalBytes);
  assertPositive('flushMs', config.flushMs);
  assertPositive('maxMessageBytes', config.maxMessageBytes);
  assertPositive('checkpointMs', config.checkpointMs);
  assertPositive('maxPendingBytes', config.maxPendingBytes);
  assertPositive('producerIdExpirationMs', config.producerIdExpirationMs);
  if (!Number.isSafeInteger(config.preallocateBytes) || config.preallocateBytes < 0) throw new RangeError(`preallocateBytes must be 0 or a positive integer, got ${config.preallocateBytes}`);
  if (config.segmentIndexBytes < 12) throw new RangeError(`segmentIndexBytes must hold one entry, got ${config.segmentIndexBytes}`);
  if (!['CreateTime', 'LogAppendTime'].includes(config.timestampType)) throw new RangeError(`unknown timestampType ${String(config.timestampType)}`);
  if (!['fsync', 'interval', 'os'].includes(config.flushPolicy)) throw new RangeError(`unknown flushPolicy ${String(config.flushPolicy)}`);
  if (config.segmentBytes > 0x7fffffff) throw new RangeError(`segmentBytes must fit an int32 position, got ${config.segmentBytes}`);
  return config;
}

function assertPositive(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}
