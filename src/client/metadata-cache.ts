// What the client knows about the cluster from Metadata responses: brokers by node id, topics
// by name and by id, the controller. Plain data in, plain data out; cluster.ts decides when to
// ask the broker again.
import { ErrorCode, isZeroUuid, type MetadataResponse } from '../protocol/index.js';

export interface BrokerAddress {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

export interface PartitionMetadata {
  readonly partition: number;
  /** Node id of the leader, -1 while there is none. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offlineReplicas: readonly number[];
  readonly errorCode: number;
}

export interface TopicMetadata {
  readonly name: string;
  /** The topic's UUID (22-char base64url), or null when the broker did not send one (Metadata < v10). */
  readonly topicId: string | null;
  readonly isInternal: boolean;
  /** Sorted by partition index. */
  readonly partitions: readonly PartitionMetadata[];
  /** Non-zero when the broker could not describe the topic (unknown, being created, ...). */
  readonly errorCode: number;
  /** Date.now() of the response this came from. */
  readonly updatedAt: number;
}

export class MetadataCache {
  private readonly brokersById = new Map<number, BrokerAddress>();
  private readonly topicsByName = new Map<string, TopicMetadata>();
  private readonly namesById = new Map<string, string>();
  private controller = -1;
  private cluster: string | null = null;

  /**
   * Merges a response in. When it answered for all topics, topics it no longer lists are
   * forgotten (they were deleted); otherwise only the topics it lists are replaced.
   */
  update(response: MetadataResponse, allTopics: boolean, now: number = Date.now()): void {
    this.brokersById.clear();
    for (const broker of response.brokers) this.brokersById.set(broker.nodeId, { ...broker });
    this.controller = response.controllerId;
    this.cluster = response.clusterId;
    if (allTopics) {
      this.topicsByName.clear();
      this.namesById.clear();
    }
    for (const topic of response.topics) {
      const name = topic.name;
      if (name === null) continue; // only for lookups by id, which the client does not make
      const metadata = toTopicMetadata({ ...topic, name }, now);
      this.forget(name);
      this.topicsByName.set(metadata.name, metadata);
      if (metadata.topicId !== null) this.namesById.set(metadata.topicId, metadata.name);
    }
  }

  topic(name: string): TopicMetadata | undefined {
    return this.topicsByName.get(name);
  }

  topics(): TopicMetadata[] {
    return [...this.topicsByName.values()];
  }

  topicNameById(topicId: string): string | undefined {
    return this.namesById.get(topicId);
  }

  broker(nodeId: number): BrokerAddress | undefined {
    return this.brokersById.get(nodeId);
  }

  brokers(): BrokerAddress[] {
    return [...this.brokersById.values()];
  }

  /** Node id of the controller, -1 when unknown (Metadata v0 does not say). */
  get controllerId(): number {
    return this.controller;
  }

  get clusterId(): string | null {
    return this.cluster;
  }

  /** Drops a topic, so the next use fetches it again. */
  forget(name: string): void {
    const old = this.topicsByName.get(name);
    if (old === undefined) return;
    this.topicsByName.delete(name);
    if (old.topicId !== null) this.namesById.delete(old.topicId);
  }
}

type ResponseTopic = MetadataResponse['topics'][number];

function toTopicMetadata(topic: ResponseTopic & { name: string }, now: number): TopicMetadata {
  const partitions = topic.partitions
    .map((p) => ({
      partition: p.partitionIndex,
      leader: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicaNodes,
      isr: p.isrNodes,
      offlineReplicas: p.offlineReplicas,
      errorCode: p.errorCode,
    }))
    .sort((a, b) => a.partition - b.partition);
  return {
    name: topic.name,
    topicId: topic.topicId === undefined || isZeroUuid(topic.topicId) ? null : topic.topicId,
    isInternal: topic.isInternal,
    partitions,
    errorCode: topic.errorCode,
    updatedAt: now,
  };
}

/** The first error that keeps a topic from being used: the topic's own, or a partition without leader. */
export function topicUsabilityError(topic: TopicMetadata): number {
  if (topic.errorCode !== ErrorCode.NONE) return topic.errorCode;
  if (topic.partitions.length === 0) return ErrorCode.LEADER_NOT_AVAILABLE;
  const leaderless = topic.partitions.find((p) => p.leader < 0);
  return leaderless === undefined ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE;
}
