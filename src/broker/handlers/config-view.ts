// How topic configs are shown to clients (CreateTopics v5+ and DescribeConfigs): Kafka's numeric
// ConfigSource and ConfigType values, which the JSON schemas leave to Kafka's Java enums, and the
// type Kafka gives each topic config.
import type { LogConfig } from '../../storage/index.js';
import { TOPIC_CONFIGS, describeTopicConfigs, type DescribedTopicConfig } from '../topic-config.js';

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

interface TopicConfigDisplay {
  /** Kafka's ConfigDef type. cleanup.policy is a list there, which is what IncrementalAlterConfigs APPEND/SUBTRACT go by. */
  readonly type: number;
  /** The broker key Kafka lists as the config's synonym (the first of ServerTopicConfigSynonyms); null for configs with none. */
  readonly brokerKey: string | null;
  /**
   * Whether Kafka's broker has a default of its own for that key, which it then lists as a
   * DEFAULT_CONFIG synonym. retention.ms, segment.ms and flush.ms have none: Kafka derives them
   * from other keys (log.retention.hours, ...) and lists no synonym while they are unset.
   */
  readonly brokerDefault: boolean;
}

const TOPIC_CONFIG_DISPLAY: Readonly<Record<string, TopicConfigDisplay>> = {
  'cleanup.policy': { type: ConfigType.LIST, brokerKey: 'log.cleanup.policy', brokerDefault: true },
  'compression.type': { type: ConfigType.STRING, brokerKey: 'compression.type', brokerDefault: true },
  'retention.ms': { type: ConfigType.LONG, brokerKey: 'log.retention.ms', brokerDefault: false },
  'retention.bytes': { type: ConfigType.LONG, brokerKey: 'log.retention.bytes', brokerDefault: true },
  'segment.bytes': { type: ConfigType.INT, brokerKey: 'log.segment.bytes', brokerDefault: true },
  'segment.ms': { type: ConfigType.LONG, brokerKey: 'log.roll.ms', brokerDefault: false },
  'segment.index.bytes': { type: ConfigType.INT, brokerKey: 'log.index.size.max.bytes', brokerDefault: true },
  'index.interval.bytes': { type: ConfigType.INT, brokerKey: 'log.index.interval.bytes', brokerDefault: true },
  'max.message.bytes': { type: ConfigType.INT, brokerKey: 'message.max.bytes', brokerDefault: true },
  'flush.ms': { type: ConfigType.LONG, brokerKey: 'log.flush.interval.ms', brokerDefault: false },
  'flush.messages': { type: ConfigType.LONG, brokerKey: 'log.flush.interval.messages', brokerDefault: true },
  'message.timestamp.type': { type: ConfigType.STRING, brokerKey: 'log.message.timestamp.type', brokerDefault: true },
  'min.insync.replicas': { type: ConfigType.INT, brokerKey: 'min.insync.replicas', brokerDefault: true },
  'compression.gzip.level': { type: ConfigType.INT, brokerKey: 'compression.gzip.level', brokerDefault: true },
  'compression.lz4.level': { type: ConfigType.INT, brokerKey: 'compression.lz4.level', brokerDefault: true },
  'compression.zstd.level': { type: ConfigType.INT, brokerKey: 'compression.zstd.level', brokerDefault: true },
  'delete.retention.ms': { type: ConfigType.LONG, brokerKey: 'log.cleaner.delete.retention.ms', brokerDefault: true },
  'file.delete.delay.ms': { type: ConfigType.LONG, brokerKey: 'log.segment.delete.delay.ms', brokerDefault: true },
  'follower.replication.throttled.replicas': { type: ConfigType.LIST, brokerKey: null, brokerDefault: false },
  'leader.replication.throttled.replicas': { type: ConfigType.LIST, brokerKey: null, brokerDefault: false },
  'local.retention.bytes': { type: ConfigType.LONG, brokerKey: 'log.local.retention.bytes', brokerDefault: true },
  'local.retention.ms': { type: ConfigType.LONG, brokerKey: 'log.local.retention.ms', brokerDefault: true },
  'max.compaction.lag.ms': { type: ConfigType.LONG, brokerKey: 'log.cleaner.max.compaction.lag.ms', brokerDefault: true },
  'message.downconversion.enable': { type: ConfigType.BOOLEAN, brokerKey: 'log.message.downconversion.enable', brokerDefault: true },
  'message.format.version': { type: ConfigType.STRING, brokerKey: 'log.message.format.version', brokerDefault: true },
  'message.timestamp.after.max.ms': { type: ConfigType.LONG, brokerKey: 'log.message.timestamp.after.max.ms', brokerDefault: true },
  'message.timestamp.before.max.ms': { type: ConfigType.LONG, brokerKey: 'log.message.timestamp.before.max.ms', brokerDefault: true },
  'message.timestamp.difference.max.ms': { type: ConfigType.LONG, brokerKey: 'log.message.timestamp.difference.max.ms', brokerDefault: true },
  'min.cleanable.dirty.ratio': { type: ConfigType.DOUBLE, brokerKey: 'log.cleaner.min.cleanable.ratio', brokerDefault: true },
  'min.compaction.lag.ms': { type: ConfigType.LONG, brokerKey: 'log.cleaner.min.compaction.lag.ms', brokerDefault: true },
  preallocate: { type: ConfigType.BOOLEAN, brokerKey: 'log.preallocate', brokerDefault: true },
  'remote.storage.enable': { type: ConfigType.BOOLEAN, brokerKey: null, brokerDefault: false },
  'segment.jitter.ms': { type: ConfigType.LONG, brokerKey: 'log.roll.jitter.ms', brokerDefault: false },
  'unclean.leader.election.enable': { type: ConfigType.BOOLEAN, brokerKey: 'unclean.leader.election.enable', brokerDefault: true },
};

const TOPIC_CONFIG_NAMES = new Set(TOPIC_CONFIGS.map((definition) => definition.name));
const DEFAULT_VALUES = new Map(TOPIC_CONFIGS.map((definition) => [definition.name, definition.defaultValue]));

export function isTopicConfigName(name: string): boolean {
  return TOPIC_CONFIG_NAMES.has(name);
}

export function topicConfigType(name: string): number {
  return TOPIC_CONFIG_DISPLAY[name]?.type ?? ConfigType.UNKNOWN;
}

export function isListConfig(name: string): boolean {
  return topicConfigType(name) === ConfigType.LIST;
}

export function defaultValueOf(name: string): string | undefined {
  return DEFAULT_VALUES.get(name);
}

export interface ConfigSynonym {
  readonly name: string;
  readonly value: string;
  readonly source: number;
}

export interface TopicConfigView {
  readonly name: string;
  readonly value: string;
  readonly isDefault: boolean;
  /** Where the value comes from: the first synonym's source, DEFAULT_CONFIG when there is none. */
  readonly source: number;
  /** As Kafka lists them, highest precedence first (ConfigHelper.createTopicConfigEntry). */
  readonly synonyms: readonly ConfigSynonym[];
}

/** Every topic config with its effective value, where that value comes from, and its synonyms. */
export function topicConfigView(overrides: Readonly<Record<string, string>>, brokerDefaults: Partial<LogConfig>): TopicConfigView[] {
  return describeTopicConfigs(overrides, brokerDefaults).map((entry) => {
    const synonyms = synonymsOf(entry);
    return { name: entry.name, value: entry.value, isDefault: entry.isDefault, source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG, synonyms };
  });
}

/**
 * The topic's override, then the broker key's value from the broker's settings, then Kafka's
 * broker default for that key where it has one. A key at its default with no broker default
 * has no synonyms at all (retention.ms), as in Kafka.
 */
function synonymsOf(entry: DescribedTopicConfig): ConfigSynonym[] {
  const display = TOPIC_CONFIG_DISPLAY[entry.name];
  const synonyms: ConfigSynonym[] = [];
  if (!entry.isDefault) synonyms.push({ name: entry.name, value: entry.value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
  if (display?.brokerKey === undefined || display.brokerKey === null) return synonyms;
  if (entry.brokerValue !== null) synonyms.push({ name: display.brokerKey, value: entry.brokerValue, source: ConfigSource.STATIC_BROKER_CONFIG });
  if (display.brokerDefault) synonyms.push({ name: display.brokerKey, value: DEFAULT_VALUES.get(entry.name) ?? entry.value, source: ConfigSource.DEFAULT_CONFIG });
  return synonyms;
}
