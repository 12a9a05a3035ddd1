// The consumer's per-partition bookkeeping: where the next fetch starts (or which end to look
// up first), whether the partition is paused, its byte limit, and a version that every move
// bumps so the consumer can tell answers to fetches sent before the move and ignore them.
import { ErrorCode } from '../protocol/index.js';
import { KafkaClientError } from './errors.js';

export type OffsetSpec = number | 'earliest' | 'latest';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface PartitionState extends TopicPartition {
  /** Next offset to fetch; null while `reset` is being looked up. */
  fetchOffset: number | null;
  reset: 'earliest' | 'latest' | null;
  paused: boolean;
  maxBytes: number;
  version: number;
}

export class PartitionStates {
  private readonly states = new Map<string, PartitionState>();

  constructor(private readonly initialMaxBytes: number) {}

  key(tp: TopicPartition): string {
    return `${tp.topic}\u0000${tp.partition}`;
  }

  get(topic: string, partition: number): PartitionState | undefined {
    return this.states.get(this.key({ topic, partition }));
  }

  /** The state of an assigned partition; throws for one that is not assigned. */
  require(topic: string, partition: number): PartitionState {
    const state = this.get(topic, partition);
    if (state === undefined) throw new RangeError(`${topic}[${partition}] is not assigned to this consumer`);
    return state;
  }

  all(): PartitionState[] {
    return [...this.states.values()];
  }

  topics(): string[] {
    return [...new Set(this.all().map((s) => s.topic))];
  }

  /**
   * Replaces the assignment. A partition already assigned keeps its state when no offset is
   * given for it; `start` supplies the offset of new ones. Returns the keys kept unchanged.
   */
  replace(assignments: ReadonlyArray<TopicPartition & { offset?: OffsetSpec }>, start: (offset: OffsetSpec | undefined) => OffsetSpec): Set<string> {
    const next = new Map<string, PartitionState>();
    const kept = new Set<string>();
    for (const assignment of assignments) {
      checkTopicPartition(assignment);
      const key = this.key(assignment);
      const old = this.states.get(key);
      if (old !== undefined && assignment.offset === undefined) {
        next.set(key, old);
        kept.add(key);
        continue;
      }
      const state: PartitionState = { topic: assignment.topic, partition: assignment.partition, fetchOffset: null, reset: null, paused: false, maxBytes: this.initialMaxBytes, version: 0 };
      this.moveTo(state, start(assignment.offset));
      next.set(key, state);
    }
    this.states.clear();
    for (const [key, state] of next) this.states.set(key, state);
    return kept;
  }

  moveTo(state: PartitionState, offset: OffsetSpec): void {
    state.version++;
    if (offset === 'earliest' || offset === 'latest') {
      state.reset = offset;
      state.fetchOffset = null;
      return;
    }
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`offset must be a non-negative integer, 'earliest' or 'latest', not ${String(offset)}`);
    state.reset = null;
    state.fetchOffset = offset;
  }

  /** A looked-up reset arrived. */
  resolved(state: PartitionState, offset: number): void {
    state.reset = null;
    state.fetchOffset = offset;
  }

  /**
   * A fetch brought bytes but no whole batch: the next batch is larger than the partition
   * limit. Double the limit up to the response limit; beyond that the batch can never arrive.
   */
  growMaxBytes(state: PartitionState, responseMaxBytes: number): void {
    if (state.maxBytes >= responseMaxBytes) {
      throw new KafkaClientError(
        ErrorCode.MESSAGE_TOO_LARGE,
        `${state.topic}[${state.partition}]: the batch at offset ${state.fetchOffset} is larger than maxBytes (${responseMaxBytes})`,
        { topic: state.topic, partition: state.partition },
      );
    }
    state.maxBytes = Math.min(state.maxBytes * 2, responseMaxBytes);
  }
}

function checkTopicPartition(tp: TopicPartition): void {
  if (typeof tp.topic !== 'string' || tp.topic.length === 0) throw new TypeError('topic must be a non-empty string');
  if (!Number.isInteger(tp.partition) || tp.partition < 0) throw new RangeError(`partition must be a non-negative integer, not ${tp.partition}`);
}
