// How topic configs are shown to clients (CreateTopics v5+ and DescribeConfigs): Kafka's numeric
// ConfigSource and ConfigType values, which the JSON schemas leave to Kafka's Java enums, and the
// type Kafka gives each topic config.
import type { LogConfig } from '../../storage/index.js';
import { TOPIC_CONFIGS, describeTopicConfigs } from '../topic-config.js';

/** DescribeConfigsResponse.ConfigSource. */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** DescribeConfigsResponse.ConfigType (v3+). */
export const ConfigType = { UNKNOWN: 0, BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const;

/** Kafka's ConfigDef type of each topic config we know. cleanup.policy is a list there, which is what IncrementalAlterConfigs APPEND/SUBTRACT go by. */
const TOPIC_CONFIG_TYPES: Readonly<Record<string, number>> = {
  'cleanup.policy': ConfigType.LIST,
  'compression.type': ConfigType.STRING,
  'retention.ms': ConfigType.LONG,
  'retention.bytes': ConfigType.LONG,
  'segment.bytes': ConfigType.INT,
  'segment.ms': ConfigType.LONG,
  'segment.index.bytes': ConfigType.INT,
  'index.interval.bytes': ConfigType.INT,
  'max.message.bytes': ConfigType.INT,
  'flush.ms': ConfigType.LONG,
  'flush.messages': ConfigType.LONG,
  'message.timestamp.type': ConfigType.STRING,
  'min.insync.replicas': ConfigType.INT,
};

const TOPIC_CONFIG_NAMES = new Set(TOPIC_CONFIGS.map((definition) => definition.name));
const DEFAULT_VALUES = new Map(TOPIC_CONFIGS.map((definition) => [definition.name, definition.defaultValue]));

export function isTopicConfigName(name: string): boolean {
  return TOPIC_CONFIG_NAMES.has(name);
}

export function topicConfigType(name: string): number {
  return TOPIC_CONFIG_TYPES[name] ?? ConfigType.UNKNOWN;
}

export function isListConfig(name: string): boolean {
  return topicConfigType(name) === ConfigType.LIST;
}

export function defaultValueOf(name: string): string | undefined {
  return DEFAULT_VALUES.get(name);
}

export interface TopicConfigView {
  readonly name: string;
  readonly value: string;
  readonly isDefault: boolean;
  readonly source: number;
  readonly defaultValue: string;
}

/** Every topic config with its effective value and where that value comes from. */
export function topicConfigView(overrides: Readonly<Record<string, string>>, brokerDefaults: Partial<LogConfig>): TopicConfigView[] {
  return describeTopicConfigs(overrides, brokerDefaults).map((entry) => ({
    name: entry.name,
    value: entry.value,
    isDefault: entry.isDefault,
    source: sourceOf(entry),
    defaultValue: DEFAULT_VALUES.get(entry.name) ?? entry.value,
  }));
}

function sourceOf(entry: { isDefault: boolean; fromBroker: boolean }): number {
  if (!entry.isDefault) return ConfigSource.DYNAMIC_TOPIC_CONFIG;
  return entry.fromBroker ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
}
