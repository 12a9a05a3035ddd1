// One fetch round of the consumer: resolve the positions waiting for 'earliest'/'latest'
// (ListOffsets), send one Fetch per leader for the partitions not paused, and put what comes
// back into the buffer, unless the partition moved since (seek, pause, reassignment) or the
// consumer closed. Retriable errors are retried on the next round after a backoff (and a
// metadata refresh when leadership may have moved).
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import type { AutoOffsetReset } from './consumer-options.js';
import { KafkaClientError, isRetriable, needsMetadataRefresh } from './errors.js';
import { fetchFromLeaders, type FetchSent, type FetchSettings, type PartitionOutcome } from './fetcher.js';
import { resolveResets } from './list-offsets.js';
import type { MessageBuffer } from './message-buffer.js';
import type { PartitionState, PartitionStates } from './partition-states.js';
import { backoffDelay } from './retry.js';

/** What a round works on: the consumer's partitions and where their messages go. */
export interface RoundContext {
  readonly cluster: Cluster;
  readonly states: PartitionStates;
  readonly buffer: MessageBuffer;
  readonly settings: FetchSettings;
  readonly autoOffsetReset: AutoOffsetReset;
  /** Answers arriving after close() are dropped. */
  isClosed(): boolean;
  /** Resolves at the next assign/seek/resume/close: with nothing to fetch, a round waits for it. */
  nextChange(): Promise<void>;
}

export class FetchRounds {
  private consecutiveFailures = 0;

  constructor(private readonly context: RoundContext) {}

  /** One round: resolve earliest/latest positions, one Fetch per leader, answers into the buffer; retriable errors back off. */
  async run(): Promise<void> {
    try {
      await resolveResets(this.context.cluster, this.context.states, this.context.settings.isolation);
      const fetchable = this.context.states.all().filter((s) => !s.paused && s.fetchOffset !== null);
      if (fetchable.length === 0) return await this.context.nextChange();
      const retriable = await this.fetchAll(fetchable);
      if (retriable !== null) throw retriable;
      this.consecutiveFailures = 0;
    } catch (error) {
      if (!isRetriable(error) || this.consecutiveFailures >= this.context.cluster.retry.retries) throw error;
      if (needsMetadataRefresh(error)) await this.context.cluster.refreshMetadata(this.context.states.topics()).catch(() => undefined);
      await sleep(backoffDelay(this.consecutiveFailures++, this.context.cluster.retry));
    }
  }

  /** Fetches from every leader at once; returns the first retriable partition error, if any. */
  private async fetchAll(states: PartitionState[]): Promise<KafkaClientError | null> {
    const sends: FetchSent[] = [];
    for (const state of states) {
      const { topicId } = await this.context.cluster.topic(state.topic);
      const target = { topic: state.topic, topicId, partition: state.partition, fetchOffset: state.fetchOffset as number, maxBytes: state.maxBytes };
      sends.push({ target, version: state.version });
    }
    let retriable: KafkaClientError | null = null;
    for (const { sent, outcome } of await fetchFromLeaders(this.context.cluster, sends, this.context.settings)) {
      const error = this.apply(outcome, sent.version); // every outcome is taken in, errors or not
      retriable ??= error;
    }
    return retriable;
  }

  /** Takes one partition's outcome in, unless the partition moved since the fetch was sent. */
  private apply(outcome: PartitionOutcome, sentVersion: number): KafkaClientError | null {
    const state = this.context.states.get(outcome.target.topic, outcome.target.partition);
    if (state === undefined || state.version !== sentVersion || state.paused || this.context.isClosed()) return null;
    if (outcome.kind === 'error') return this.onPartitionError(state, outcome.error);
    const { fetched } = outcome;
    if (fetched.incomplete) this.context.states.growMaxBytes(state, this.context.settings.maxBytes);
    this.context.buffer.add(fetched.messages);
    state.fetchOffset = fetched.nextOffset;
    return null;
  }

  private onPartitionError(state: PartitionState, error: KafkaClientError): KafkaClientError | null {
    if (error.code === ErrorCode.OFFSET_OUT_OF_RANGE && this.context.autoOffsetReset !== 'none') {
      this.context.states.moveTo(state, this.context.autoOffsetReset);
      return null;
    }
    if (error.retriable) return error;
    throw error;
  }
}
