// One Fetch request to one leader and what it says per partition. Fetch v13+ names topics by
// id (from Metadata v10+), so without ids for every topic the version stays at 12 or below.
// No fetch sessions: session id 0, epoch -1, i.e. always a full fetch (NOTES.md §5).
import { ApiKey, ErrorCode, ZERO_UUID, type FetchRequest, type FetchResponse } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import { KafkaClientError } from './errors.js';
import { messagesFromFetch, type FetchedPartition } from './fetch-records.js';
import { isolationCode, type IsolationLevel } from './list-offsets.js';

/** The last Fetch version that names topics instead of using ids. */
const LAST_VERSION_BY_NAME = 12;

export interface FetchTarget {
  readonly topic: string;
  readonly topicId: string | null;
  readonly partition: number;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

export interface FetchSettings {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly isolation: IsolationLevel;
}

export type PartitionOutcome =
  | { readonly kind: 'data'; readonly target: FetchTarget; readonly fetched: FetchedPartition; readonly highWatermark: number }
  | { readonly kind: 'error'; readonly target: FetchTarget; readonly error: KafkaClientError };

/** A partition to fetch and the version of its consumer state when sent (answers to an older version are stale). */
export interface FetchSent {
  readonly target: FetchTarget;
  readonly version: number;
}

/** Sends one Fetch to each leader of the targets, all at once; each outcome comes with what was sent for it. */
export async function fetchFromLeaders(cluster: Cluster, sends: readonly FetchSent[], settings: FetchSettings): Promise<{ sent: FetchSent; outcome: PartitionOutcome }[]> {
  const byLeader = new Map<number, FetchSent[]>();
  for (const sent of sends) {
    const { nodeId } = await cluster.leaderFor(sent.target.topic, sent.target.partition);
    const group = byLeader.get(nodeId);
    if (group === undefined) byLeader.set(nodeId, [sent]);
    else group.push(sent);
  }
  const answers = await Promise.all(
    [...byLeader].map(async ([nodeId, group]) => {
      const outcomes = await fetchFromLeader(cluster, nodeId, group.map((s) => s.target), settings);
      return outcomes.map((outcome, i) => ({ sent: group[i], outcome }));
    }),
  );
  return answers.flat();
}

export async function fetchFromLeader(cluster: Cluster, nodeId: number, targets: readonly FetchTarget[], settings: FetchSettings): Promise<PartitionOutcome[]> {
  const connection = cluster.connectionTo(nodeId);
  const byId = targets.every((t) => t.topicId !== null);
  const { version, body } = await connection.request(ApiKey.Fetch, (v) => fetchRequest(targets, settings, v > LAST_VERSION_BY_NAME), {
    versions: byId ? undefined : { max: LAST_VERSION_BY_NAME },
    extraTimeoutMs: settings.maxWaitMs,
  });
  if (body.errorCode !== ErrorCode.NONE) throw KafkaClientError.fromCode(body.errorCode, { broker: connection.address });
  return targets.map((target) => outcomeFor(target, findPartition(body, target, version > LAST_VERSION_BY_NAME), settings, connection.address));
}

function fetchRequest(targets: readonly FetchTarget[], settings: FetchSettings, byId: boolean): FetchRequest {
  const topics = new Map<string, FetchRequest['topics'][number]>();
  for (const target of targets) {
    let topic = topics.get(target.topic);
    if (topic === undefined) {
      topic = { topic: byId ? '' : target.topic, topicId: byId ? (target.topicId as string) : ZERO_UUID, partitions: [] };
      topics.set(target.topic, topic);
    }
    topic.partitions.push({
      partition: target.partition,
      currentLeaderEpoch: -1,
      fetchOffset: target.fetchOffset,
      lastFetchedEpoch: -1,
      logStartOffset: -1,
      partitionMaxBytes: target.maxBytes,
      replicaDirectoryId: ZERO_UUID,
    });
  }
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: settings.maxWaitMs,
    minBytes: settings.minBytes,
    maxBytes: settings.maxBytes,
    isolationLevel: isolationCode(settings.isolation),
    sessionId: 0,
    sessionEpoch: -1,
    topics: [...topics.values()],
    forgottenTopicsData: [],
    rackId: '',
  };
}

type ResponsePartition = FetchResponse['responses'][number]['partitions'][number];

function findPartition(body: FetchResponse, target: FetchTarget, byId: boolean): ResponsePartition | undefined {
  const topic = body.responses.find((t) => (byId ? t.topicId === target.topicId : t.topic === target.topic));
  return topic?.partitions.find((p) => p.partitionIndex === target.partition);
}

function outcomeFor(target: FetchTarget, data: ResponsePartition | undefined, settings: FetchSettings, broker: string): PartitionOutcome {
  const context = { topic: target.topic, partition: target.partition, broker };
  if (data === undefined) {
    // The broker may leave partitions out of a response (e.g. when it is full); try again.
    return { kind: 'data', target, fetched: messagesFromFetch(target, null, null, false), highWatermark: -1 };
  }
  if (data.errorCode !== ErrorCode.NONE) return { kind: 'error', target, error: KafkaClientError.fromCode(data.errorCode, context) };
  const where = { topic: target.topic, partition: target.partition, fetchOffset: target.fetchOffset };
  const fetched = messagesFromFetch(where, data.records, data.abortedTransactions, settings.isolation === 'read_committed');
  return { kind: 'data', target, fetched, highWatermark: data.highWatermark };
}
