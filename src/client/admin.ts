// Cluster administration: topics (create, delete, list, describe, add partitions), configs,
// record deletion, offset lookups and consumer groups (admin-groups.ts). Topic changes go to the controller; record deletion and
// offset lookups to each partition's leader. A failed item throws a KafkaClientError naming it.
import { ApiKey, ErrorCode, ZERO_UUID } from '../protocol/index.js';
import {
  deleteGroups,
  describeGroups,
  fetchGroupOffsets,
  listGroups,
  resetGroupOffsets,
  type GroupDescription,
  type GroupListing,
  type ResetTarget,
} from './admin-groups.js';
import { createAcls, deleteAcls, deleteScramUser, describeAcls, describeScramUsers, upsertScramUser, type Acl, type AclFilter, type ScramUser } from './admin-security.js';
import type { ScramMechanism } from '../protocol/scram.js';
import { describeProducers, describeTransactions, listTransactions, type ActiveProducer, type TransactionDescription, type TransactionListing } from './admin-transactions.js';
import type { Cluster } from './cluster.js';
import type { CommittedOffset, TopicPartitionOffset } from './group-commit.js';
import { KafkaClientError, throwIfError } from './errors.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, type IsolationLevel } from './list-offsets.js';
import type { PartitionMetadata } from './metadata-cache.js';

export interface NewTopic {
  readonly topic: string;
  /** -1 (default) = the broker's num.partitions. */
  readonly numPartitions?: number;
  /** -1 (default) = the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface CreatedTopic {
  readonly topic: string;
  /** null when the broker does not report it (CreateTopics < v7). */
  readonly topicId: string | null;
  readonly numPartitions: number;
  readonly replicationFactor: number;
}

export interface TopicDescription {
  readonly topic: string;
  readonly topicId: string | null;
  readonly isInternal: boolean;
  readonly partitions: readonly PartitionMetadata[];
}

export type ConfigResourceType = 'topic' | 'broker';

export interface ConfigResource {
  readonly type: ConfigResourceType;
  /** Topic name, or the broker's node id as a string. */
  readonly name: string;
  /** Only these keys; all when missing. */
  readonly keys?: readonly string[];
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  readonly isDefault: boolean;
  readonly isSensitive: boolean;
}

export interface ConfigDescription {
  readonly type: ConfigResourceType;
  readonly name: string;
  readonly configs: readonly ConfigEntry[];
}

export interface PartitionOffset {
  readonly partition: number;
  readonly offset: number;
}

export interface AdminOptions {
  /** How long the broker may take for topic operations (30000 ms). */
  readonly operationTimeoutMs?: number;
}

/** Kafka's resource type codes (ConfigResource.Type). */
const RESOURCE_TYPE = { topic: 2, broker: 4 } as const;
/** DescribeConfigs v3+ config source code for a default value. */
const DEFAULT_CONFIG_SOURCE = 5;

export class Admin {
  private readonly timeoutMs: number;

  constructor(
    private readonly cluster: Cluster,
    options: AdminOptions = {},
  ) {
    this.timeoutMs = options.operationTimeoutMs ?? 30_000;
  }

  async connect(): Promise<void> {
    await this.cluster.anyConnection();
  }

  async createTopics(topics: readonly NewTopic[], options: { validateOnly?: boolean } = {}): Promise<CreatedTopic[]> {
    const connection = await this.cluster.controllerConnection();
    const { body } = await connection.request(ApiKey.CreateTopics, () => ({
      topics: topics.map((t) => ({
        name: t.topic,
        numPartitions: t.numPartitions ?? -1,
        replicationFactor: t.replicationFactor ?? -1,
        assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs: this.timeoutMs,
      validateOnly: options.validateOnly ?? false,
    }));
    return body.topics.map((result) => {
      throwIfError(result.errorCode, { topic: result.name, detail: result.errorMessage, broker: connection.address });
      return {
        topic: result.name,
        topicId: result.topicId === ZERO_UUID ? null : result.topicId,
        numPartitions: result.numPartitions,
        replicationFactor: result.replicationFactor,
      };
    });
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    const connection = await this.cluster.controllerConnection();
    const { body } = await connection.request(ApiKey.DeleteTopics, () => ({
      topics: topics.map((name) => ({ name, topicId: ZERO_UUID })), // v6+
      topicNames: [...topics], // v1-5
      timeoutMs: this.timeoutMs,
    }));
    for (const result of body.responses) {
      throwIfError(result.errorCode, { topic: result.name ?? result.topicId, detail: result.errorMessage, broker: connection.address });
    }
    for (const topic of topics) this.cluster.metadata.forget(topic);
  }

  /** Names of all topics except internal ones, sorted. */
  async listTopics(): Promise<string[]> {
    await this.cluster.refreshMetadata(null);
    return this.cluster.metadata.topics().filter((t) => !t.isInternal).map((t) => t.name).sort();
  }

  /** Partitions (leader, replicas, ISR) and topic id of the given topics, or of all. */
  async describeTopics(topics?: readonly string[]): Promise<TopicDescription[]> {
    await this.cluster.refreshMetadata(topics ?? null);
    const names = topics ?? this.cluster.metadata.topics().map((t) => t.name).sort();
    return names.map((name) => {
      const topic = this.cluster.metadata.topic(name);
      if (topic === undefined) throw KafkaClientError.fromCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic: name });
      throwIfError(topic.errorCode, { topic: name });
      return { topic: name, topicId: topic.topicId, isInternal: topic.isInternal, partitions: topic.partitions };
    });
  }

  async describeConfigs(resources: readonly ConfigResource[]): Promise<ConfigDescription[]> {
    const connection = await this.cluster.anyConnection();
    const { body } = await connection.request(ApiKey.DescribeConfigs, () => ({
      resources: resources.map((r) => ({ resourceType: RESOURCE_TYPE[r.type], resourceName: r.name, configurationKeys: r.keys === undefined ? null : [...r.keys] })),
      includeSynonyms: false,
      includeDocumentation: false,
    }));
    return body.results.map((result) => {
      const type = result.resourceType === RESOURCE_TYPE.broker ? 'broker' : 'topic';
      throwIfError(result.errorCode, { detail: result.errorMessage ?? `${type} ${result.resourceName}`, topic: type === 'topic' ? result.resourceName : undefined });
      return {
        type,
        name: result.resourceName,
        configs: result.configs.map((c) => ({
          name: c.name,
          value: c.value,
          readOnly: c.readOnly,
          isDefault: c.isDefault || c.configSource === DEFAULT_CONFIG_SOURCE,
          isSensitive: c.isSensitive,
        })),
      };
    });
  }

  /** Raises topics' partition counts to `count` (partitions are never removed). */
  async createPartitions(topics: ReadonlyArray<{ topic: string; count: number }>, options: { validateOnly?: boolean } = {}): Promise<void> {
    const connection = await this.cluster.controllerConnection();
    const { body } = await connection.request(ApiKey.CreatePartitions, () => ({
      topics: topics.map((t) => ({ name: t.topic, count: t.count, assignments: null })),
      timeoutMs: this.timeoutMs,
      validateOnly: options.validateOnly ?? false,
    }));
    for (const result of body.results) throwIfError(result.errorCode, { topic: result.name, detail: result.errorMessage, broker: connection.address });
    for (const t of topics) this.cluster.metadata.forget(t.topic);
  }

  /** Deletes records below `offset` (-1 = the high watermark); resolves with the new low watermarks. */
  async deleteRecords(topic: string, partitions: readonly PartitionOffset[]): Promise<PartitionOffset[]> {
    const byLeader = new Map<number, PartitionOffset[]>();
    for (const p of partitions) {
      const { nodeId } = await this.cluster.leaderFor(topic, p.partition);
      byLeader.set(nodeId, [...(byLeader.get(nodeId) ?? []), p]);
    }
    const answers = await Promise.all([...byLeader].map(([nodeId, group]) => this.deleteRecordsAt(nodeId, topic, group)));
    return answers.flat().sort((a, b) => a.partition - b.partition);
  }

  /** Offsets of every partition of a topic: 'earliest', 'latest' or the first at/after a timestamp. */
  async listOffsets(topic: string, at: 'earliest' | 'latest' | number = 'latest', isolation: IsolationLevel = 'read_uncommitted'): Promise<PartitionOffset[]> {
    const metadata = await this.cluster.topic(topic);
    const timestamp = at === 'earliest' ? EARLIEST_TIMESTAMP : at === 'latest' ? LATEST_TIMESTAMP : at;
    const answers = await listOffsets(this.cluster, metadata.partitions.map((p) => ({ topic, partition: p.partition, timestamp })), isolation);
    return answers.map(({ partition, offset }) => ({ partition, offset })).sort((a, b) => a.partition - b.partition);
  }

  /** Every group the brokers know, sorted by id. */
  listGroups(): Promise<GroupListing[]> {
    return listGroups(this.cluster);
  }

  /** State, assignor and members (with their decoded assignments); an unknown group is 'Dead'. */
  describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    return describeGroups(this.cluster, groupIds);
  }

  /** Deletes empty groups and their committed offsets (NON_EMPTY_GROUP while members remain). */
  deleteGroups(groupIds: readonly string[]): Promise<void> {
    return deleteGroups(this.cluster, groupIds);
  }

  /** The group's committed offsets (next offset to read), by topic and partition. */
  fetchOffsets(groupId: string): Promise<CommittedOffset[]> {
    return fetchGroupOffsets(this.cluster, groupId);
  }

  /** Moves a group's offsets for every partition of a topic; refused (NON_EMPTY_GROUP) while it has members. */
  resetOffsets(groupId: string, topic: string, to: ResetTarget): Promise<TopicPartitionOffset[]> {
    return resetGroupOffsets(this.cluster, groupId, topic, to);
  }

  /** The producers each partition of a topic knows: ids, epochs, last sequences, open transactions. */
  describeProducers(topic: string, partitions?: readonly number[]): Promise<ActiveProducer[]> {
    return describeProducers(this.cluster, topic, partitions);
  }

  /** Every transactional id with its producer id and state. */
  listTransactions(): Promise<TransactionListing[]> {
    return listTransactions(this.cluster);
  }

  /** Each transactional id's producer, timeout, state and open transaction's partitions. */
  describeTransactions(transactionalIds: readonly string[]): Promise<TransactionDescription[]> {
    return describeTransactions(this.cluster, transactionalIds);
  }

  /** Adds ACLs (needs ALTER on the cluster). */
  createAcls(acls: readonly Acl[]): Promise<void> {
    return createAcls(this.cluster, acls);
  }

  /** The ACLs a filter selects (every ACL without one). */
  describeAcls(filter?: AclFilter): Promise<Acl[]> {
    return describeAcls(this.cluster, filter);
  }

  /** Deletes the ACLs the filters select; returns them. */
  deleteAcls(filters: readonly AclFilter[]): Promise<Acl[]> {
    return deleteAcls(this.cluster, filters);
  }

  /** SCRAM users and their mechanisms (every user when none are named). */
  describeScramUsers(users?: readonly string[]): Promise<ScramUser[]> {
    return describeScramUsers(this.cluster, users);
  }

  /** Sets a user's SCRAM password for one mechanism; the password is salted and hashed before it is sent. */
  upsertScramUser(user: string, mechanism: ScramMechanism, password: string, iterations?: number): Promise<void> {
    return upsertScramUser(this.cluster, user, mechanism, password, iterations);
  }

  deleteScramUser(user: string, mechanism: ScramMechanism): Promise<void> {
    return deleteScramUser(this.cluster, user, mechanism);
  }

  async close(): Promise<void> {
    this.cluster.close();
  }

  private async deleteRecordsAt(nodeId: number, topic: string, partitions: readonly PartitionOffset[]): Promise<PartitionOffset[]> {
    const connection = this.cluster.connectionTo(nodeId);
    const { body } = await connection.request(ApiKey.DeleteRecords, () => ({
      topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p.partition, offset: p.offset })) }],
      timeoutMs: this.timeoutMs,
    }));
    const results = body.topics.find((t) => t.name === topic)?.partitions ?? [];
    return partitions.map(({ partition }) => {
      const result = results.find((r) => r.partitionIndex === partition);
      if (result === undefined) throw new KafkaClientError(ErrorCode.UNKNOWN_SERVER_ERROR, 'the DeleteRecords response left out this partition', { topic, partition });
      throwIfError(result.errorCode, { topic, partition, broker: connection.address });
      return { partition, offset: result.lowWatermark };
    });
  }
}
