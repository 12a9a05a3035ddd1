// Metadata: this broker is the whole cluster and leads every partition. Asked-for topics that do
// not exist are auto-created when the broker allows it and (v4+) the client asks for it.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import {
  defaultMetadataResponse,
  defaultMetadataResponsePartition,
  defaultMetadataResponseTopic,
  type MetadataRequestTopic,
  type MetadataResponseTopic,
} from '../../protocol/generated/metadata.js';
import { authorizedOperationsIf } from '../authorization.js';
import { errorCodeOf } from '../error-codes.js';
import { advertisedFor, type Handler, type RequestContext } from '../request-context.js';
import type { Topic } from '../topic-registry.js';

/** Leader epoch of every partition: one node, never re-elected. */
export const LEADER_EPOCH = 0;

export const metadataHandler: Handler<typeof ApiKey.Metadata> = async (request, context) => {
  const { broker, apiVersion } = context;
  const node = broker.config.nodeId;
  // v0 has no null: an empty list there means every topic.
  const wantsAll = request.topics === null || (apiVersion === 0 && request.topics.length === 0);
  const found = wantsAll
    ? broker.registry.list().map((topic) => describeTopic(topic, node))
    : await Promise.all((request.topics ?? []).map((wanted) => lookUp(wanted, request.allowAutoTopicCreation || apiVersion < 4, context)));
  // v8+: what the client may do with each topic and (v8-10) the cluster, when it asks.
  const topics = found.map((topic) =>
    topic.name !== null
      ? { ...topic, topicAuthorizedOperations: authorizedOperationsIf(request.includeTopicAuthorizedOperations, context.connection, 'topic', topic.name) }
      : topic,
  );
  return {
    ...defaultMetadataResponse(),
    brokers: [{ nodeId: node, ...advertisedFor(context), rack: null }],
    clusterId: broker.clusterId,
    controllerId: node,
    topics,
    clusterAuthorizedOperations: authorizedOperationsIf(request.includeClusterAuthorizedOperations, context.connection, 'cluster', broker.clusterId),
  };
};

async function lookUp(wanted: MetadataRequestTopic, clientAllowsCreation: boolean, context: RequestContext): Promise<MetadataResponseTopic> {
  const { registry, config } = context.broker;
  if (wanted.name === null) {
    const byId = registry.getById(wanted.topicId);
    if (byId !== undefined) return describeTopic(byId, config.nodeId);
    return { ...defaultMetadataResponseTopic(), name: null, topicId: wanted.topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID };
  }
  const existing = registry.get(wanted.name);
  if (existing !== undefined) return describeTopic(existing, config.nodeId);
  if (!(config.autoCreateTopics && clientAllowsCreation)) {
    return { ...defaultMetadataResponseTopic(), name: wanted.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  }
  try {
    return describeTopic(await registry.getOrCreate(wanted.name, config.numPartitions), config.nodeId);
  } catch (error) {
    return { ...defaultMetadataResponseTopic(), name: wanted.name, errorCode: errorCodeOf(error) };
  }
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

