// CreateTopics and DeleteTopics on a single-node cluster: every partition lives here with
// replication factor 1, so a request may only ask for that (or leave it to us with -1).
import { ErrorCode, ZERO_UUID, type ApiKey } from '../../protocol/index.js';
import {
  defaultCreatableTopicResult,
  defaultCreateTopicsResponse,
  type CreatableReplicaAssignment,
  type CreatableTopic,
  type CreatableTopicConfig,
  type CreatableTopicConfigs,
  type CreatableTopicResult,
} from '../../protocol/generated/create-topics.js';
import {
  defaultDeletableTopicResult,
  defaultDeleteTopicsResponse,
  type DeletableTopicResult,
  type DeleteTopicState,
} from '../../protocol/generated/delete-topics.js';
import { AclOperation } from '../authorization.js';
import { authorize, requireAuthorized, type Handler, type RequestContext } from '../request-context.js';
import { CLUSTER_RESOURCE } from '../security/acls.js';
import { TopicError } from '../topic-registry.js';
import { topicNameProblem } from '../topic-name.js';
import { Refusal, checkReplicas, failureOf, invalidRequest, repeated } from './admin-common.js';
import { topicConfigView } from './config-view.js';

/** "Use the broker's default" for numPartitions and replicationFactor. */
const USE_DEFAULT = -1;
const REPLICATION_FACTOR = 1;

export const createTopicsHandler: Handler<typeof ApiKey.CreateTopics> = async (request, context) => {
  const duplicates = repeated(request.topics.map((topic) => topic.name));
  const topics: CreatableTopicResult[] = [];
  for (const wanted of request.topics) {
    if (!duplicates.has(wanted.name)) {
      topics.push(await createTopic(wanted, request.validateOnly, context));
    } else if (!topics.some((result) => result.name === wanted.name)) {
      // One answer per repeated name: clients key the results by name.
      topics.push(failedCreation(wanted.name, invalidRequest('Duplicate topic name.')));
    }
  }
  return { ...defaultCreateTopicsResponse(), topics };
};

async function createTopic(wanted: CreatableTopic, validateOnly: boolean, context: RequestContext): Promise<CreatableTopicResult> {
  const { registry, config } = context.broker;
  try {
    // Kafka's order of checks: the name, whether it exists, then the layout, then the configs.
    const nameProblem = topicNameProblem(wanted.name);
    if (nameProblem !== null) throw new TopicError('INVALID_TOPIC', nameProblem, wanted.name);
    // CREATE on the cluster, or on the topic's name (a literal or prefixed ACL).
    if (!authorize(context, 'cluster', CLUSTER_RESOURCE, AclOperation.CREATE)) requireAuthorized(context, 'topic', wanted.name, AclOperation.CREATE);
    if (registry.get(wanted.name) !== undefined) throw new TopicError('TOPIC_EXISTS', `Topic '${wanted.name}' already exists.`, wanted.name);
    const partitions = partitionCountOf(wanted, config.numPartitions, config.nodeId);
    const configs = configOverrides(wanted.configs);
    const topic = await registry.create(wanted.name, partitions, configs, validateOnly);
    return {
      ...defaultCreatableTopicResult(),
      name: wanted.name,
      topicId: topic?.id ?? ZERO_UUID,
      errorMessage: null,
      numPartitions: partitions,
      replicationFactor: REPLICATION_FACTOR,
      configs: topicConfigView(configs, context.broker.config.log).map(asCreatedConfig),
    };
  } catch (error) {
    return failedCreation(wanted.name, error);
  }
}

function failedCreation(name: string, error: unknown): CreatableTopicResult {
  // configs stays an empty list rather than null: clients that read v5+ results iterate it.
  return { ...defaultCreatableTopicResult(), name, ...failureOf(error) };
}

/** The partition count the request asks for, after checking replication and any manual assignment. */
function partitionCountOf(wanted: CreatableTopic, defaultPartitions: number, node: number): number {
  if (wanted.assignments.length > 0) {
    if (wanted.numPartitions !== USE_DEFAULT || wanted.replicationFactor !== USE_DEFAULT) {
      throw invalidRequest('Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
    }
    checkManualAssignment(wanted.assignments, node);
    return wanted.assignments.length;
  }
  checkReplicationFactor(wanted.replicationFactor);
  const partitions = wanted.numPartitions === USE_DEFAULT ? defaultPartitions : wanted.numPartitions;
  if (partitions < 1) {
    throw new Refusal(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0, or -1 to use the default value.');
  }
  return partitions;
}

function checkReplicationFactor(replicationFactor: number): void {
  if (replicationFactor === USE_DEFAULT || replicationFactor === REPLICATION_FACTOR) return;
  const message =
    replicationFactor < 1
      ? 'Replication factor must be larger than 0, or -1 to use the default value.'
      : `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only 1 broker(s) are registered.`;
  throw new Refusal(ErrorCode.INVALID_REPLICATION_FACTOR, message);
}

/** A manual assignment must number partitions 0..n-1 and put each on this node alone (Kafka: INVALID_REPLICA_ASSIGNMENT). */
function checkManualAssignment(assignments: readonly CreatableReplicaAssignment[], node: number): void {
  const indexes = assignments.map((assignment) => assignment.partitionIndex).sort((a, b) => a - b);
  if (indexes.some((index, position) => index !== position)) {
    throw new Refusal(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence.');
  }
  for (const assignment of assignments) checkReplicas(assignment.brokerIds, node);
}

/** The request's configs as overrides; a null value is refused as Kafka does (unknown keys and bad values are the registry's to refuse). */
function configOverrides(configs: readonly CreatableTopicConfig[]): Record<string, string> {
  const nullNames = configs.filter((config) => config.value === null).map((config) => config.name);
  if (nullNames.length > 0) throw new Refusal(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${nullNames.join(',')}`);
  return Object.fromEntries(configs.map((config) => [config.name, config.value as string]));
}

function asCreatedConfig(entry: { name: string; value: string; source: number }): CreatableTopicConfigs {
  return { name: entry.name, value: entry.value, readOnly: false, configSource: entry.source, isSensitive: false };
}

// ---- DeleteTopics ----

export const deleteTopicsHandler: Handler<typeof ApiKey.DeleteTopics> = async (request, context) => {
  // v6 names topics by name or id in `topics`; v1-5 only by name in `topicNames`.
  const targets: DeleteTopicState[] =
    context.apiVersion >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  const duplicateNames = repeated(targets.filter((t) => t.name !== null).map((t) => t.name));
  const duplicateIds = repeated(targets.filter((t) => t.name === null && t.topicId !== ZERO_UUID).map((t) => t.topicId));
  const responses: DeletableTopicResult[] = [];
  for (const target of targets) {
    if (duplicateNames.has(target.name) || (target.name === null && duplicateIds.has(target.topicId))) {
      const what = target.name === null ? 'id' : 'name';
      if (!responses.some((done) => done.name === target.name && done.topicId === target.topicId)) {
        responses.push(deletionResult(target.name, target.topicId, invalidRequest(`Duplicate topic ${what}.`)));
      }
      continue;
    }
    responses.push(await deleteTopic(target, context));
  }
  return { ...defaultDeleteTopicsResponse(), responses };
};

async function deleteTopic(target: DeleteTopicState, context: RequestContext): Promise<DeletableTopicResult> {
  const { registry } = context.broker;
  try {
    const topic = target.name === null ? registry.getById(requireId(target.topicId)) : registry.get(requireName(target.name, target.topicId));
    if (target.name !== null || topic !== undefined) requireAuthorized(context, 'topic', target.name ?? topic?.name ?? '', AclOperation.DELETE);
    if (topic === undefined) {
      if (target.name === null) throw new Refusal(ErrorCode.UNKNOWN_TOPIC_ID, `Topic id ${target.topicId} does not exist.`);
      throw new Refusal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${target.name}' does not exist.`);
    }
    await registry.delete(topic.name);
    await context.broker.groups.topicDeleted(topic.name);
    return { ...defaultDeletableTopicResult(), name: topic.name, topicId: topic.id };
  } catch (error) {
    return deletionResult(target.name, target.topicId, error);
  }
}

function requireId(topicId: string): string {
  if (topicId === ZERO_UUID) throw invalidRequest('Neither topic name nor id were specified.');
  return topicId;
}

function requireName(name: string, topicId: string): string {
  if (topicId !== ZERO_UUID) throw invalidRequest('You may not specify both topic name and topic id.');
  const problem = topicNameProblem(name);
  if (problem !== null) throw new TopicError('INVALID_TOPIC', problem, name);
  return name;
}

function deletionResult(name: string | null, topicId: string, error: unknown): DeletableTopicResult {
  return { ...defaultDeletableTopicResult(), name, topicId, ...failureOf(error) };
}
