// What a partition log takes and answers: its options, an append's options and its result.
import type { HotPath } from '../hotpath/types.js';
import type { LogConfig } from './config.js';
import type { StorageLogger } from './log-loader.js';

export interface PartitionLogOptions {
  readonly config?: Partial<LogConfig>;
  /** Backend for validation, appends and index lookups; the active one by default. */
  readonly hotpath?: HotPath;
  readonly logger?: StorageLogger;
}

export interface AppendOptions {
  /** partitionLeaderEpoch to stamp into the batches; left as sent when omitted. */
  readonly leaderEpoch?: number;
  /** Wait for an fdatasync covering this append (acks=all); defaults to the flush policy. */
  readonly sync?: boolean;
  /** The append's time, for a LogAppendTime log (one per request, as Kafka takes it); now by default. */
  readonly now?: number;
}

export interface AppendResult {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly recordCount: number;
  readonly maxTimestamp: number;
  readonly logStartOffset: number;
  /** The time stamped into the batches by a LogAppendTime log; -1 for CreateTime. */
  readonly logAppendTime: number;
}
