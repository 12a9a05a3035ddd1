// What a consumer is configured with: fetch sizes and waits, isolation, where to start without
// an offset, and (through GroupOptions) the group it joins.
import type { GroupOptions } from './group-options.js';
import type { IsolationLevel } from './list-offsets.js';
import type { OffsetSpec, TopicPartition } from './partition-states.js';

export type AutoOffsetReset = 'earliest' | 'latest' | 'none';

export interface Assignment extends TopicPartition {
  /** Where to start; autoOffsetReset when missing. */
  readonly offset?: OffsetSpec;
}

export interface ConsumerOptions extends GroupOptions {
  /** Longest time the broker holds a Fetch waiting for minBytes (500 ms). */
  readonly maxWaitMs?: number;
  /** Bytes the broker waits for before answering a Fetch (1). */
  readonly minBytes?: number;
  /** Bytes per Fetch response (52428800, Kafka's fetch.max.bytes). */
  readonly maxBytes?: number;
  /** Bytes per partition per Fetch (1048576); grows when a single batch does not fit. */
  readonly maxBytesPerPartition?: number;
  /** 'read_uncommitted' (default) or 'read_committed' (hides aborted transactions). */
  readonly isolationLevel?: IsolationLevel;
  /** Where to go when an offset is out of range or none was given ('latest'; 'none' = throw). */
  readonly autoOffsetReset?: AutoOffsetReset;
}
