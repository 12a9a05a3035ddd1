// Metadata: this broker is the whole cluster and leads every partition. Asked-for topics that do
// not exist are auto-created when the broker allows it and (v4+) the client asks for it.
import { ErrorCode, ZERO_UUID, type ApiKey } from '../../protocol/index.js';
import {
  defaultMetadataResponse,
  defaultMetadataResponsePartition,
  defaultMetadataResponseTopic,
  type MetadataRequestTopic,
  type MetadataResponseTopic,
} from '../../protocol/generated/metadata.js';
import { errorCodeOf } from '../error-codes.js';
import { AclOperation } from '../authorization.js';
import { advertisedFor, authorize, type Handler, type RequestContext } from '../request-context.js';
import { CLUSTER_RESOURCE } from '../security/acls.js';
import type { Topic } from '../topic-registry.js';

/** Leader epoch of every partition: one node, never re-elected. */
export const LEADER_EPOCH = 0;

export const metadataHandler: Handler<typeof ApiKey.Metadata> = async (request, context) => {
  const { broker, apiVersion } = context;
  const node = broker.config.nodeId;
  // v0 has no null: an empty list there means every topic.
  const wantsAll = request.topics === null || (apiVersion === 0 && request.topics.length === 0);
  // Every topic means every topic the client may describe.
  const found = wantsAll
    ? broker.registry.list().filter((topic) => authorize(context, 'topic', topic.name, AclOperation.DESCRIBE)).map((topic) => describeTopic(topic, node))
    : await Promise.all((request.topics ?? []).map((wanted) => lookUp(wanted, request.allowAutoTopicCreation || apiVersion < 4, context)));
  // v8+: what the client may do with each topic and (v8-10) the cluster, when it asks.
  const topics = found.map((topic) =>
    topic.name !== null
      ? { ...topic, topicAuthorizedOperations: context.broker.authorizer.authorizedOperationsIf(request.includeTopicAuthorizedOperations, context.connection, 'topic', topic.name) }
      : topic,
  );
  return {
    ...defaultMetadataResponse(),
    brokers: [{ nodeId: node, ...advertisedFor(context), rack: null }],
    clusterId: broker.clusterId,
    controllerId: node,
    topics,
    clusterAuthorizedOperations: context.broker.authorizer.authorizedOperationsIf(request.includeClusterAuthorizedOperations, context.connection, 'cluster', broker.clusterId),
  };
};

async function lookUp(wanted: MetadataRequestTopic, clientAllowsCreation: boolean, context: RequestContext): Promise<MetadataResponseTopic> {
  const { registry, config } = context.broker;
  if (wanted.name === null) {
    const byId = registry.getById(wanted.topicId);
    if (byId !== undefined && !authorize(context, 'topic', byId.name, AclOperation.DESCRIBE)) return refused(null, wanted.topicId);
    if (byId !== undefined) return describeTopic(byId, config.nodeId);
    return { ...defaultMetadataResponseTopic(), name: null, topicId: wanted.topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID };
  }
  // Refused before looking: whether a topic exists is not told to those who may not describe it.
  if (!authorize(context, 'topic', wanted.name, AclOperation.DESCRIBE)) return refused(wanted.name, ZERO_UUID);
  const existing = registry.get(wanted.name);
  if (existing !== undefined) return describeTopic(existing, config.nodeId);
  if (!(config.autoCreateTopics && clientAllowsCreation)) {
    return { ...defaultMetadataResponseTopic(), name: wanted.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  }
  // Auto-creation needs CREATE on the cluster or on the topic.
  if (!authorize(context, 'cluster', CLUSTER_RESOURCE, AclOperation.CREATE) && !authorize(context, 'topic', wanted.name, AclOperation.CREATE)) return refused(wanted.name, ZERO_UUID);
  try {
    return describeTopic(await registry.getOrCreate(wanted.name, config.numPartitions), config.nodeId);
  } catch (error) {
    return { ...defaultMetadataResponseTopic(), name: wanted.name, errorCode: errorCodeOf(error) };
  }
}

function refused(name: string | null, topicId: string): MetadataResponseTopic {
  return { ...defaultMetadataResponseTopic(), name, topicId, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
}

export function describeTopic(topic: Topic, node: number): MetadataResponseTopic {
  return {
    ...defaultMetadataResponseTopic(),
    name: topic.name,
    topicId: topic.id,
    partitions: topic.logs.map((_, partitionIndex) => ({
      ...defaultMetadataResponsePartition(),
      partitionIndex,
      leaderId: node,
      leaderEpoch: LEADER_EPOCH,
      replicaNodes: [node],
      isrNodes: [node],
    })),
  };
}

