// Offset lookups by time (ListOffsets, NOTES.md §5): -2 = earliest (log start), -1 = latest
// (high watermark, or last stable offset under read_committed), >= 0 = the first offset whose
// timestamp is at least that. Used by the consumer to resolve 'earliest'/'latest' and by admin.
import { ApiKey, ErrorCode, type ListOffsetsRequest } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import { KafkaClientError, needsMetadataRefresh } from './errors.js';
import type { PartitionStates } from './partition-states.js';
import { withRetry } from './retry.js';

export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface OffsetQuery {
  readonly topic: string;
  readonly partition: number;
  /** -2 earliest, -1 latest, or a timestamp in ms. */
  readonly timestamp: number;
}

export interface OffsetAnswer {
  readonly topic: string;
  readonly partition: number;
  /** -1 when no record has a timestamp at or after the one asked for. */
  readonly offset: number;
  readonly timestamp: number;
}

export function isolationCode(level: IsolationLevel): 0 | 1 {
  return level === 'read_committed' ? 1 : 0;
}

/**
 * Moves the consumer's partitions waiting for 'earliest'/'latest' (and not paused) to the offset
 * it stands for now, unless a partition was moved meanwhile (its state version changed).
 */
export async function resolveResets(cluster: Cluster, states: PartitionStates, isolation: IsolationLevel): Promise<void> {
  const pending = states.all().filter((s) => s.reset !== null && !s.paused);
  if (pending.length === 0) return;
  const versions = new Map(pending.map((s) => [s, s.version]));
  const queries = pending.map((s) => ({ topic: s.topic, partition: s.partition, timestamp: s.reset === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP }));
  const answers = await listOffsets(cluster, queries, isolation);
  pending.forEach((state, i) => {
    if (state.version === versions.get(state) && state.reset !== null) states.resolved(state, answers[i].offset);
  });
}

/** Looks up offsets at the partitions' leaders, retrying (with a metadata refresh) while errors are retriable. */
export function listOffsets(cluster: Cluster, queries: readonly OffsetQuery[], isolation: IsolationLevel = 'read_uncommitted'): Promise<OffsetAnswer[]> {
  return withRetry(() => listOffsetsOnce(cluster, queries, isolation), cluster.retry, {
    beforeRetry: async (error) => {
      if (needsMetadataRefresh(error)) await cluster.refreshMetadata(uniqueTopics(queries)).catch(() => undefined);
    },
    aborted: () => cluster.isClosed,
  });
}

async function listOffsetsOnce(cluster: Cluster, queries: readonly OffsetQuery[], isolation: IsolationLevel): Promise<OffsetAnswer[]> {
  const byLeader = new Map<number, OffsetQuery[]>();
  for (const query of queries) {
    const { nodeId } = await cluster.leaderFor(query.topic, query.partition);
    byLeader.set(nodeId, [...(byLeader.get(nodeId) ?? []), query]);
  }
  const answers = await Promise.all([...byLeader].map(([nodeId, group]) => askLeader(cluster, nodeId, group, isolation)));
  return answers.flat();
}

async function askLeader(cluster: Cluster, nodeId: number, queries: readonly OffsetQuery[], isolation: IsolationLevel): Promise<OffsetAnswer[]> {
  const connection = cluster.connectionTo(nodeId);
  const { body } = await connection.request(ApiKey.ListOffsets, () => listOffsetsRequest(queries, isolation));
  return queries.map((query) => {
    const answer = body.topics.find((t) => t.name === query.topic)?.partitions.find((p) => p.partitionIndex === query.partition);
    const context = { topic: query.topic, partition: query.partition, broker: connection.address };
    if (answer === undefined) throw new KafkaClientError(ErrorCode.UNKNOWN_SERVER_ERROR, 'the ListOffsets response left out this partition', context);
    if (answer.errorCode !== ErrorCode.NONE) throw KafkaClientError.fromCode(answer.errorCode, context);
    return { topic: query.topic, partition: query.partition, offset: answer.offset, timestamp: answer.timestamp };
  });
}

function listOffsetsRequest(queries: readonly OffsetQuery[], isolation: IsolationLevel): ListOffsetsRequest {
  const topics = new Map<string, ListOffsetsRequest['topics'][number]>();
  for (const query of queries) {
    const topic = topics.get(query.topic) ?? { name: query.topic, partitions: [] };
    topic.partitions.push({ partitionIndex: query.partition, currentLeaderEpoch: -1, timestamp: query.timestamp, maxNumOffsets: 1 });
    topics.set(query.topic, topic);
  }
  return { replicaId: -1, isolationLevel: isolationCode(isolation), topics: [...topics.values()], timeoutMs: 30_000 };
}

function uniqueTopics(queries: readonly OffsetQuery[]): string[] {
  return [...new Set(queries.map((q) => q.topic))];
}
