// Topic configs Kafka knows that sluice takes, checks and shows, but that change nothing here
// yet: compaction's settings (compaction itself is not built), compression levels, replication
// throttles and tiered storage (one node, one tier), and timestamp windows not yet enforced. A
// client that sets them, as librdkafka's and kafkajs's suites do, gets what Kafka answers
// instead of INVALID_CONFIG. Defaults are Kafka 3.9's.
import { longAtLeast, noEffect, oneOf, type ConfigDefinition } from './topic-config-values.js';

const LONG_MAX = '9223372036854775807';
const intBetween = (min: number, max: number) => (value: string) =>
  /^-?\d+$/.test(value) && Number(value) >= min && Number(value) <= max ? null : `must be an integer in [${min}, ${max}]`;
const ratio = (value: string) => (/^\d*\.?\d+$/.test(value) && Number(value) >= 0 && Number(value) <= 1 ? null : 'must be a number in [0, 1]');
const boolean = oneOf('true', 'false');
/** Replica lists: empty, '*', or partition:broker pairs. */
const throttledReplicas = (value: string) => (/^(|\*|\d+:\d+(,\d+:\d+)*)$/.test(value.replace(/\s/g, '')) ? null : "must be '', '*' or partition:broker pairs");
const anyValue = () => null;

function accepted(name: string, defaultValue: string, problem: (value: string) => string | null): ConfigDefinition {
  return { name, defaultValue, problem, apply: noEffect };
}

export const ACCEPTED_TOPIC_CONFIGS: readonly ConfigDefinition[] = [
  accepted('compression.gzip.level', '-1', intBetween(-1, 9)),
  accepted('compression.lz4.level', '9', intBetween(1, 17)),
  accepted('compression.zstd.level', '3', intBetween(-131072, 22)),
  accepted('delete.retention.ms', '86400000', longAtLeast(0)),
  accepted('file.delete.delay.ms', '60000', longAtLeast(0)),
  accepted('follower.replication.throttled.replicas', '', throttledReplicas),
  accepted('leader.replication.throttled.replicas', '', throttledReplicas),
  accepted('local.retention.bytes', '-2', longAtLeast(-2)),
  accepted('local.retention.ms', '-2', longAtLeast(-2)),
  accepted('max.compaction.lag.ms', LONG_MAX, longAtLeast(1)),
  accepted('message.downconversion.enable', 'true', boolean),
  accepted('message.format.version', '3.0-IV1', anyValue),
  accepted('message.timestamp.after.max.ms', LONG_MAX, longAtLeast(0)),
  accepted('message.timestamp.before.max.ms', LONG_MAX, longAtLeast(0)),
  accepted('message.timestamp.difference.max.ms', LONG_MAX, longAtLeast(0)),
  accepted('min.cleanable.dirty.ratio', '0.5', ratio),
  accepted('min.compaction.lag.ms', '0', longAtLeast(0)),
  accepted('preallocate', 'false', boolean),
  accepted('remote.storage.enable', 'false', oneOf('false')),
  accepted('segment.jitter.ms', '0', longAtLeast(0)),
  accepted('unclean.leader.election.enable', 'false', boolean),
];
