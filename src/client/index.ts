// The sluice Kafka client: createClient() and the types around it. Lower layers (Connection,
// Cluster) are exported for tools and tests that need a raw request.
export { createClient } from './client.js';
export type { Client, ClientOptions } from './client.js';
export { Producer } from './producer.js';
export type { Acks, CompressionType, Message, PartitionOffsets, Partitioner, ProducerOptions, SendOptions, Transaction } from './producer.js';
export { ProducerFencedError } from './transaction.js';
export type { GroupMetadata, TransactionalOffset } from './transaction.js';
export { Consumer } from './consumer.js';
export type { Assignment, AutoOffsetReset, ConsumedMessage, ConsumerOptions, OffsetSpec, TopicPartition } from './consumer.js';
export type { GroupOptions, RebalanceListener } from './group-options.js';
export { rangeAssignor, roundRobinAssignor, KAFKAJS_ROUND_ROBIN } from './group-assignors.js';
export type { AssignorName, GroupAssignment, MemberSubscription, PartitionAssignor } from './group-assignors.js';
export type { CommittedOffset, OffsetToCommit, TopicPartitionOffset } from './group-commit.js';
export { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../protocol/consumer-protocol.js';
export type { Subscription } from '../protocol/consumer-protocol.js';
export { Admin } from './admin.js';
export type {
  AdminOptions,
  ConfigDescription,
  ConfigEntry,
  ConfigResource,
  ConfigResourceType,
  CreatedTopic,
  NewTopic,
  PartitionOffset,
  TopicDescription,
} from './admin.js';
export type { GroupDescription, GroupListing, GroupMemberDescription, ResetTarget } from './admin-groups.js';
export type { ActiveProducer, TransactionDescription, TransactionListing } from './admin-transactions.js';
export type { Acl, AclFilter, AclOperationName, AclResourceName, ScramUser } from './admin-security.js';
export type { IsolationLevel } from './list-offsets.js';
export { KafkaClientError, isRetriable } from './errors.js';
export type { SaslOptions } from './sasl-client.js';
export type { ErrorContext } from './errors.js';
export { DefaultPartitioner, murmur2, partitionForKey } from './partitioner.js';
export { Cluster, parseHostPort } from './cluster.js';
export type { ClusterOptions } from './cluster.js';
export { Connection } from './connection.js';
export type { ConnectionOptions, RequestOptions, Response } from './connection.js';
export type { BrokerAddress, PartitionMetadata, TopicMetadata } from './metadata-cache.js';
export { chooseVersion } from './negotiate.js';
export type { BrokerVersions, VersionRange } from './negotiate.js';
export { backoffDelay, DEFAULT_RETRY } from './retry.js';
export type { RetryOptions } from './retry.js';
