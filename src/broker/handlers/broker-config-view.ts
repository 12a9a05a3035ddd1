// The broker settings DescribeConfigs shows for resource type BROKER, under Kafka's key names so
// admin tools recognise them. Only settings sluice really has are listed.
import { DEFAULT_LOG_CONFIG } from '../../storage/index.js';
import type { BrokerConfig } from '../config.js';
import { ConfigType } from './config-view.js';

export interface BrokerConfigEntry {
  readonly name: string;
  readonly value: string;
  readonly type: number;
}

export function brokerConfigView(config: BrokerConfig): BrokerConfigEntry[] {
  const log = { ...DEFAULT_LOG_CONFIG, ...config.log };
  const entry = (name: string, value: string | number | boolean, type: number): BrokerConfigEntry => ({ name, value: String(value), type });
  return [
    entry('broker.id', config.nodeId, ConfigType.INT),
    entry('node.id', config.nodeId, ConfigType.INT),
    entry('num.partitions', config.numPartitions, ConfigType.INT),
    // One node: every partition has one replica, whatever a topic asks for by default.
    entry('default.replication.factor', 1, ConfigType.SHORT),
    entry('auto.create.topics.enable', config.autoCreateTopics, ConfigType.BOOLEAN),
    entry('log.dirs', config.dataDir, ConfigType.STRING),
    entry('message.max.bytes', log.maxMessageBytes, ConfigType.INT),
    entry('log.retention.ms', log.retentionMs, ConfigType.LONG),
    entry('log.retention.bytes', log.retentionBytes, ConfigType.LONG),
    entry('log.segment.bytes', log.segmentBytes, ConfigType.INT),
    entry('socket.request.max.bytes', config.maxRequestBytes, ConfigType.INT),
    entry('group.initial.rebalance.delay.ms', config.groupInitialRebalanceDelayMs, ConfigType.INT),
  ];
}
