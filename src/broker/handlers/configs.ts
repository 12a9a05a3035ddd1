// DescribeConfigs, AlterConfigs and IncrementalAlterConfigs. Topics have the configs of
// topic-config.ts; the broker's own settings come from its config file and are shown read-only.
// New topic settings are persisted and used for partitions opened from then on (new partitions,
// restarts): PartitionLog's config is fixed when it opens, so live logs keep their old settings.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import {
  defaultAlterConfigsResourceResponse,
  defaultAlterConfigsResponse,
  type AlterConfigsResourceResponse,
  type AlterableConfig,
} from '../../protocol/generated/alter-configs.js';
import {
  defaultDescribeConfigsResponse,
  defaultDescribeConfigsResult,
  type DescribeConfigsResource,
  type DescribeConfigsResourceResult,
  type DescribeConfigsResult,
} from '../../protocol/generated/describe-configs.js';
import { defaultIncrementalAlterConfigsResponse, type AlterableConfig as ConfigOperation } from '../../protocol/generated/incremental-alter-configs.js';
import { AclOperation } from '../authorization.js';
import { requireAuthorized, type Handler, type RequestContext } from '../request-context.js';
import { CLUSTER_RESOURCE } from '../security/acls.js';
import { TopicError, type Topic, type TopicRegistry } from '../topic-registry.js';
import { topicNameProblem } from '../topic-name.js';
import { Refusal, failureOf, invalidRequest, repeated } from './admin-common.js';
import { brokerConfigView, type BrokerConfigEntry } from './broker-config-view.js';
import { ConfigSource, defaultValueOf, isListConfig, isTopicConfigName, topicConfigType, topicConfigView, type TopicConfigView } from './config-view.js';

/** ConfigResource.Type values this broker answers for. */
export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

/** IncrementalAlterConfigs operations. */
export const ConfigOperationType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

// ---- DescribeConfigs ----

export const describeConfigsHandler: Handler<typeof ApiKey.DescribeConfigs> = (request, context) => ({
  ...defaultDescribeConfigsResponse(),
  results: request.resources.map((resource) => describeResource(resource, request.includeSynonyms, context)),
});

function describeResource(resource: DescribeConfigsResource, includeSynonyms: boolean, context: RequestContext): DescribeConfigsResult {
  const result = { ...defaultDescribeConfigsResult(), errorMessage: null, resourceType: resource.resourceType, resourceName: resource.resourceName };
  try {
    const configs = describedConfigs(resource, includeSynonyms, context);
    // Kafka treats an empty key list like null: every config.
    const keys = resource.configurationKeys;
    return { ...result, configs: keys === null || keys.length === 0 ? configs : configs.filter((config) => keys.includes(config.name)) };
  } catch (error) {
    return { ...result, ...failureOf(error) };
  }
}

function describedConfigs(resource: DescribeConfigsResource, includeSynonyms: boolean, context: RequestContext): DescribeConfigsResourceResult[] {
  requireConfigAccess(context, resource, AclOperation.DESCRIBE_CONFIGS);
  switch (resource.resourceType) {
    case ResourceType.TOPIC:
      return topicConfigView(requireTopic(resource.resourceName, context.broker.registry).configs, context.broker.config.log).map((view) => describeTopicConfig(view, includeSynonyms));
    case ResourceType.BROKER:
      return describedBrokerConfigs(resource.resourceName, context).map((entry) => describeBrokerConfig(entry, includeSynonyms));
    default:
      throw unsupportedResource(resource.resourceType);
  }
}

function describeTopicConfig(view: TopicConfigView, includeSynonyms: boolean): DescribeConfigsResourceResult {
  return {
    name: view.name,
    value: view.value,
    readOnly: false,
    isDefault: view.isDefault,
    configSource: view.source,
    isSensitive: false,
    synonyms: includeSynonyms ? [...view.synonyms] : [],
    configType: topicConfigType(view.name),
    documentation: null,
  };
}

/** The broker's settings when asked by its own id; "" (the cluster-wide dynamic defaults) has none here. */
function describedBrokerConfigs(resourceName: string, context: RequestContext): BrokerConfigEntry[] {
  if (resourceName === '') return [];
  const node = context.broker.config.nodeId;
  if (!/^-?\d+$/.test(resourceName)) throw invalidRequest(`Broker id must be an integer, but it is: ${resourceName}`);
  if (Number(resourceName) !== node) throw invalidRequest(`Unexpected broker id, expected ${node} or empty string, but received ${resourceName}`);
  return brokerConfigView(context.broker.config);
}

function describeBrokerConfig(entry: BrokerConfigEntry, includeSynonyms: boolean): DescribeConfigsResourceResult {
  return {
    name: entry.name,
    value: entry.value,
    readOnly: true,
    isDefault: false,
    configSource: ConfigSource.STATIC_BROKER_CONFIG,
    isSensitive: false,
    synonyms: includeSynonyms ? [{ name: entry.name, value: entry.value, source: ConfigSource.STATIC_BROKER_CONFIG }] : [],
    configType: entry.type,
    documentation: null,
  };
}

// ---- AlterConfigs and IncrementalAlterConfigs ----

interface AlterableResource<C> {
  readonly resourceType: number;
  readonly resourceName: string;
  readonly configs: C[];
}

type TopicChange<C> = (topic: Topic, configs: readonly C[]) => Record<string, string>;

/** AlterConfigs: the request's configs replace the topic's whole override set. */
export const alterConfigsHandler: Handler<typeof ApiKey.AlterConfigs> = (request, context) => ({
  ...defaultAlterConfigsResponse(),
  responses: alterResources(request.resources, request.validateOnly, context, replacedConfigs),
});

/** IncrementalAlterConfigs: each operation changes one key of the current overrides. */
export const incrementalAlterConfigsHandler: Handler<typeof ApiKey.IncrementalAlterConfigs> = (request, context) => ({
  ...defaultIncrementalAlterConfigsResponse(),
  responses: alterResources(request.resources, request.validateOnly, context, operatedConfigs),
});

function alterResources<C extends { name: string }>(
  resources: readonly AlterableResource<C>[],
  validateOnly: boolean,
  context: RequestContext,
  change: TopicChange<C>,
): AlterConfigsResourceResponse[] {
  const duplicates = repeated(resources.map(resourceKey));
  return resources.map((resource) => {
    const response = { ...defaultAlterConfigsResourceResponse(), errorMessage: null, resourceType: resource.resourceType, resourceName: resource.resourceName };
    try {
      if (duplicates.has(resourceKey(resource))) throw invalidRequest('Each resource must appear at most once in a request.');
      requireConfigAccess(context, resource, AclOperation.ALTER_CONFIGS);
      alterResource(resource, validateOnly, context.broker.registry, change);
      return response;
    } catch (error) {
      return { ...response, ...failureOf(error) };
    }
  });
}

function alterResource<C extends { name: string }>(
  resource: AlterableResource<C>,
  validateOnly: boolean,
  registry: TopicRegistry,
  change: TopicChange<C>,
): void {
  if (resource.resourceType === ResourceType.BROKER) {
    // Broker settings come from the config file at start-up; nothing changes them at run time.
    throw invalidRequest('Broker configs are read-only in sluice: set them in the broker configuration and restart.');
  }
  if (resource.resourceType !== ResourceType.TOPIC) throw unsupportedResource(resource.resourceType);
  const topic = requireTopic(resource.resourceName, registry);
  const keys = resource.configs.map((config) => config.name);
  if (repeated(keys).size > 0) throw invalidRequest(`Error due to duplicate config keys: ${[...repeated(keys)].join(',')}`);
  registry.setConfigs(topic.name, change(topic, resource.configs), validateOnly);
}

function replacedConfigs(_topic: Topic, configs: readonly AlterableConfig[]): Record<string, string> {
  return Object.fromEntries(configs.map((config) => [config.name, requireValue(config)]));
}

function operatedConfigs(topic: Topic, operations: readonly ConfigOperation[]): Record<string, string> {
  const configs = new Map(Object.entries(topic.configs));
  for (const operation of operations) applyOperation(configs, operation);
  return Object.fromEntries(configs);
}

function applyOperation(configs: Map<string, string>, operation: ConfigOperation): void {
  const { name } = operation;
  if (!isTopicConfigName(name)) throw new Refusal(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
  switch (operation.configOperation) {
    case ConfigOperationType.SET:
      configs.set(name, requireValue(operation));
      return;
    case ConfigOperationType.DELETE:
      configs.delete(name);
      return;
    case ConfigOperationType.APPEND:
    case ConfigOperationType.SUBTRACT:
      configs.set(name, changedList(configs.get(name) ?? defaultValueOf(name) ?? '', operation));
      return;
    default:
      throw invalidRequest(`Unknown operation ${operation.configOperation} for config key: ${name}`);
  }
}

/** APPEND adds the values not yet in the list, SUBTRACT removes them (list configs only, as in Kafka). */
function changedList(current: string, operation: ConfigOperation): string {
  const verb = operation.configOperation === ConfigOperationType.APPEND ? 'append' : 'subtract';
  if (!isListConfig(operation.name)) throw invalidRequest(`Config value ${verb} is not allowed for config key: ${operation.name}`);
  const items = splitList(current);
  const given = splitList(requireValue(operation));
  const result = verb === 'append' ? [...items, ...given.filter((item) => !items.includes(item))] : items.filter((item) => !given.includes(item));
  return result.join(',');
}

function splitList(value: string): string[] {
  return value.split(',').filter((item) => item.length > 0);
}

// ---- shared ----

/** DESCRIBE_CONFIGS / ALTER_CONFIGS on the topic, or on the cluster for a broker resource. */
function requireConfigAccess(context: RequestContext, resource: { resourceType: number; resourceName: string }, operation: 10 | 11): void {
  if (resource.resourceType === ResourceType.TOPIC) requireAuthorized(context, 'topic', resource.resourceName, operation);
  else if (resource.resourceType === ResourceType.BROKER) requireAuthorized(context, 'cluster', CLUSTER_RESOURCE, operation);
}

function requireTopic(name: string, registry: TopicRegistry): Topic {
  const problem = topicNameProblem(name);
  if (problem !== null) throw new TopicError('INVALID_TOPIC', problem, name);
  const topic = registry.get(name);
  if (topic === undefined) throw new TopicError('UNKNOWN_TOPIC', `Topic '${name}' does not exist.`, name);
  return topic;
}

function requireValue(config: { name: string; value: string | null }): string {
  if (config.value === null) throw invalidRequest(`Null value not supported for: ${config.name}`);
  return config.value;
}

function resourceKey(resource: { resourceType: number; resourceName: string }): string {
  return `${resource.resourceType}:${resource.resourceName}`;
}

function unsupportedResource(resourceType: number): Refusal {
  return invalidRequest(`Unsupported resource type ${resourceType}: sluice has topic (2) and broker (4) configs`);
}
