// Topic-level configs by their Kafka names: one table says each key's type, default and how it
// maps onto the storage layer's LogConfig. CreateTopics, AlterConfigs, IncrementalAlterConfigs
// and DescribeConfigs all go through it, so an unknown key or a bad value is refused in one place.
import { DEFAULT_LOG_CONFIG, type FlushPolicy, type LogConfig, type TimestampType } from '../storage/index.js';
import { ACCEPTED_TOPIC_CONFIGS } from './topic-config-accepted.js';
import { noEffect, oneOf, safeIntegerAtLeast, type ConfigDefinition, type Mutable } from './topic-config-values.js';

export type { ConfigDefinition } from './topic-config-values.js';





function numeric(name: string, defaultValue: number, min: number, field: keyof LogConfig): ConfigDefinition {
  return {
    name,
    defaultValue: String(defaultValue),
    problem: safeIntegerAtLeast(min),
    field,
    apply: (value, target) => {
      (target as Record<string, unknown>)[field] = Number(value);
    },
  };
}

/** flush.messages=1 means "fsync every append" in Kafka; sluice maps it onto the fsync policy. */
function flushPolicyFor(flushMessages: string): FlushPolicy {
  return flushMessages === '1' ? 'fsync' : 'interval';
}

export const TOPIC_CONFIGS: readonly ConfigDefinition[] = [
  { name: 'cleanup.policy', defaultValue: 'delete', problem: oneOf('delete'), apply: noEffect },
  { name: 'compression.type', defaultValue: 'producer', problem: oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'), apply: noEffect },
  numeric('retention.ms', DEFAULT_LOG_CONFIG.retentionMs, -1, 'retentionMs'),
  numeric('retention.bytes', DEFAULT_LOG_CONFIG.retentionBytes, -1, 'retentionBytes'),
  numeric('segment.bytes', DEFAULT_LOG_CONFIG.segmentBytes, 14, 'segmentBytes'),
  numeric('segment.ms', DEFAULT_LOG_CONFIG.segmentMs, 1, 'segmentMs'),
  numeric('segment.index.bytes', DEFAULT_LOG_CONFIG.segmentIndexBytes, 12, 'segmentIndexBytes'),
  numeric('index.interval.bytes', DEFAULT_LOG_CONFIG.indexIntervalBytes, 1, 'indexIntervalBytes'),
  numeric('max.message.bytes', DEFAULT_LOG_CONFIG.maxMessageBytes, 1, 'maxMessageBytes'),
  numeric('flush.ms', DEFAULT_LOG_CONFIG.flushMs, 1, 'flushMs'),
  {
    name: 'flush.messages',
    defaultValue: '9223372036854775807',
    problem: (value) => (/^\d+$/.test(value) && value !== '0' ? null : 'must be a positive integer'),
    apply: (value, target) => {
      target.flushPolicy = flushPolicyFor(value);
    },
  },
  {
    name: 'message.timestamp.type',
    defaultValue: DEFAULT_LOG_CONFIG.timestampType,
    problem: oneOf('CreateTime', 'LogAppendTime'),
    field: 'timestampType',
    apply: (value, target) => {
      target.timestampType = value as TimestampType;
    },
  },
  { name: 'min.insync.replicas', defaultValue: '1', problem: oneOf('1'), apply: noEffect },
  ...ACCEPTED_TOPIC_CONFIGS,
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((definition) => [definition.name, definition]));

export class TopicConfigError extends Error {
  override readonly name = 'TopicConfigError';
  constructor(readonly key: string, reason: string) {
    super(`config ${key}: ${reason}`);
  }
}

/** Throws TopicConfigError for an unknown key or a refused value. */
export function checkTopicConfigs(configs: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(configs)) {
    const definition = BY_NAME.get(key);
    if (definition === undefined) throw new TopicConfigError(key, 'unknown topic config');
    const problem = definition.problem(value);
    if (problem !== null) throw new TopicConfigError(key, `${JSON.stringify(value)} ${problem}`);
  }
}

/** The storage settings for a topic: the broker's defaults with the topic's overrides on top. */
export function logConfigFor(brokerDefaults: Partial<LogConfig>, overrides: Readonly<Record<string, string>>): Partial<LogConfig> {
  const result: Mutable<Partial<LogConfig>> = { ...brokerDefaults };
  for (const [key, value] of Object.entries(overrides)) BY_NAME.get(key)?.apply(value, result);
  return result;
}

export interface DescribedTopicConfig {
  readonly name: string;
  readonly value: string;
  /** No topic override: the value is the broker's setting or the built-in default. */
  readonly isDefault: boolean;
  /** The value comes from the broker's own settings (its `log` section), not the built-in default. */
  readonly fromBroker: boolean;
  /** The broker's own setting for it, whether or not the topic overrides it; null when unset. */
  readonly brokerValue: string | null;
}

/** Every topic config with its effective value and where it comes from (DescribeConfigs, CreateTopics v5+). */
export function describeTopicConfigs(overrides: Readonly<Record<string, string>>, brokerDefaults: Partial<LogConfig> = {}): DescribedTopicConfig[] {
  return TOPIC_CONFIGS.map((definition) => {
    const setting = definition.field === undefined ? undefined : brokerDefaults[definition.field];
    const brokerValue = setting === undefined ? null : String(setting);
    const override = overrides[definition.name];
    if (override !== undefined) return { name: definition.name, value: override, isDefault: false, fromBroker: false, brokerValue };
    if (brokerValue !== null) return { name: definition.name, value: brokerValue, isDefault: true, fromBroker: true, brokerValue };
    return { name: definition.name, value: definition.defaultValue, isDefault: true, fromBroker: false, brokerValue };
  });
}
