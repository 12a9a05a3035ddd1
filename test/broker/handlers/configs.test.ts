import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigSource, ConfigType, topicConfigType } from '../../../src/broker/handlers/config-view.js';
import {
  ConfigOperationType,
  ResourceType,
  alterConfigsHandler,
  describeConfigsHandler,
  incrementalAlterConfigsHandler,
} from '../../../src/broker/handlers/configs.js';
import { createPartitionsHandler } from '../../../src/broker/handlers/partition-admin.js';
import { TOPIC_CONFIGS } from '../../../src/broker/topic-config.js';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.js';
import { defaultAlterConfigsRequest, type AlterableConfig, type AlterConfigsResourceResponse } from '../../../src/protocol/generated/alter-configs.js';
import { defaultCreatePartitionsRequest } from '../../../src/protocol/generated/create-partitions.js';
import {
  defaultDescribeConfigsRequest,
  type DescribeConfigsResource,
  type DescribeConfigsResult,
} from '../../../src/protocol/generated/describe-configs.js';
import { defaultIncrementalAlterConfigsRequest } from '../../../src/protocol/generated/incremental-alter-configs.js';
import { TEST_NODE_ID, openTestBroker, overTheWire, type TestBroker } from './context.js';

let broker: TestBroker;
beforeEach(async () => {
  broker = await openTestBroker({ log: { retentionMs: 3_600_000 } });
});
afterEach(async () => {
  await broker.close();
});

const TOPIC = ResourceType.TOPIC;
const BROKER = ResourceType.BROKER;

function resource(resourceType: number, resourceName: string, configurationKeys: string[] | null = null): DescribeConfigsResource {
  return { resourceType, resourceName, configurationKeys };
}

async function describeConfigs(version: number, resources: DescribeConfigsResource[], includeSynonyms = false): Promise<DescribeConfigsResult[]> {
  const request = { ...defaultDescribeConfigsRequest(), resources, includeSynonyms };
  return overTheWire(ApiKey.DescribeConfigs, version, await describeConfigsHandler(request, broker.context(version))).results;
}

async function describeTopic(name: string): Promise<Record<string, string>> {
  const [result] = await describeConfigs(4, [resource(TOPIC, name)]);
  return Object.fromEntries(result.configs.map((config) => [config.name, config.value ?? '']));
}

describe('DescribeConfigs', () => {
  it.each([1, 2, 3, 4])('v%i lists every topic config with its value and source', async (version) => {
    await broker.registry.create('described', 1, { 'retention.ms': '1000' });
    const [result] = await describeConfigs(version, [resource(TOPIC, 'described')]);
    expect(result).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null, resourceType: TOPIC, resourceName: 'described' });
    expect(result.configs.map((config) => config.name)).toEqual(TOPIC_CONFIGS.map((definition) => definition.name));
    const retention = result.configs.find((config) => config.name === 'retention.ms');
    expect(retention).toMatchObject({ value: '1000', readOnly: false, configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, isSensitive: false, synonyms: [] });
    const cleanup = result.configs.find((config) => config.name === 'cleanup.policy');
    expect(cleanup).toMatchObject({ value: 'delete', configSource: ConfigSource.DEFAULT_CONFIG });
    // configType and documentation exist from v3 on.
    expect(retention?.configType).toBe(version >= 3 ? ConfigType.LONG : 0);
    expect(cleanup?.configType).toBe(version >= 3 ? ConfigType.LIST : 0);
    if (version >= 3) expect(retention?.documentation).toBeNull();
  });

  it('gives every topic config a Kafka data type', () => {
    expect(TOPIC_CONFIGS.filter((definition) => topicConfigType(definition.name) === ConfigType.UNKNOWN)).toEqual([]);
  });

  it('lists only the keys asked for; an empty key list means all', async () => {
    await broker.registry.create('described', 1);
    const [some, all] = await describeConfigs(2, [
      resource(TOPIC, 'described', ['segment.bytes', 'no.such.key', 'retention.ms']),
      resource(TOPIC, 'described', []),
    ]);
    expect(some.configs.map((config) => config.name)).toEqual(['retention.ms', 'segment.bytes']);
    expect(all.configs).toHaveLength(TOPIC_CONFIGS.length);
  });

  it('includes synonyms as Kafka lists them: the override, the broker setting, then the broker default where Kafka has one', async () => {
    await broker.registry.create('described', 1, { 'retention.ms': '1000', 'max.message.bytes': '2000' });
    const [result] = await describeConfigs(4, [resource(TOPIC, 'described', ['compression.type', 'max.message.bytes', 'retention.ms', 'segment.ms'])], true);
    const synonyms = Object.fromEntries(result.configs.map((config) => [config.name, config.synonyms]));
    expect(synonyms).toEqual({
      // At its default: the broker key of the same name, at Kafka's broker default (kafkajs's describeConfigs spec).
      'compression.type': [{ name: 'compression.type', value: 'producer', source: ConfigSource.DEFAULT_CONFIG }],
      'max.message.bytes': [
        { name: 'max.message.bytes', value: '2000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG },
        { name: 'message.max.bytes', value: '1048588', source: ConfigSource.DEFAULT_CONFIG },
      ],
      // This broker sets log.retention.ms (3600000); Kafka has no default of its own for that key.
      'retention.ms': [
        { name: 'retention.ms', value: '1000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG },
        { name: 'log.retention.ms', value: '3600000', source: ConfigSource.STATIC_BROKER_CONFIG },
      ],
      // Unset everywhere, and Kafka derives log.roll.ms from log.roll.hours: no synonyms at all.
      'segment.ms': [],
    });
    const segmentMs = result.configs.find((config) => config.name === 'segment.ms');
    expect(segmentMs?.configSource).toBe(ConfigSource.DEFAULT_CONFIG);
  });

  it('lists retention.ms at its default with no synonyms, and a broker-set value as STATIC_BROKER_CONFIG', async () => {
    const plain = await openTestBroker();
    try {
      await plain.registry.create('plain', 1);
      const request = { ...defaultDescribeConfigsRequest(), resources: [resource(TOPIC, 'plain', ['retention.ms'])], includeSynonyms: true };
      const [result] = overTheWire(ApiKey.DescribeConfigs, 4, await describeConfigsHandler(request, plain.context(4))).results;
      expect(result.configs).toMatchObject([{ name: 'retention.ms', value: '604800000', configSource: ConfigSource.DEFAULT_CONFIG, synonyms: [] }]);
    } finally {
      await plain.close();
    }
    await broker.registry.create('inherits', 1);
    const [inherited] = await describeConfigs(4, [resource(TOPIC, 'inherits', ['retention.ms'])], true);
    expect(inherited.configs).toMatchObject([{ value: '3600000', configSource: ConfigSource.STATIC_BROKER_CONFIG, synonyms: [{ name: 'log.retention.ms', value: '3600000', source: ConfigSource.STATIC_BROKER_CONFIG }] }]);
  });

  it("takes Kafka's topic configs that change nothing here yet (librdkafka 0081, kafkajs produce), checks their values, and shows them", async () => {
    await broker.registry.create('kafka-configs', 1, { 'delete.retention.ms': '900', 'message.timestamp.difference.max.ms': '604800000', 'min.cleanable.dirty.ratio': '0.1' });
    const [result] = await describeConfigs(4, [resource(TOPIC, 'kafka-configs', ['delete.retention.ms', 'max.compaction.lag.ms', 'min.cleanable.dirty.ratio'])], true);
    expect(result.configs.map((c) => [c.name, c.value, c.configSource, c.configType])).toEqual([
      ['delete.retention.ms', '900', ConfigSource.DYNAMIC_TOPIC_CONFIG, ConfigType.LONG],
      ['max.compaction.lag.ms', '9223372036854775807', ConfigSource.DEFAULT_CONFIG, ConfigType.LONG],
      ['min.cleanable.dirty.ratio', '0.1', ConfigSource.DYNAMIC_TOPIC_CONFIG, ConfigType.DOUBLE],
    ]);
    expect(result.configs[0].synonyms).toEqual([
      { name: 'delete.retention.ms', value: '900', source: ConfigSource.DYNAMIC_TOPIC_CONFIG },
      { name: 'log.cleaner.delete.retention.ms', value: '86400000', source: ConfigSource.DEFAULT_CONFIG },
    ]);
    await expect(broker.registry.create('bad-ratio', 1, { 'min.cleanable.dirty.ratio': '1.5' })).rejects.toMatchObject({ kind: 'INVALID_CONFIG' });
    await expect(broker.registry.create('bad-level', 1, { 'compression.gzip.level': '42' })).rejects.toMatchObject({ kind: 'INVALID_CONFIG' });
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown topic and INVALID_TOPIC_EXCEPTION for an illegal name', async () => {
    const [unknown, illegal] = await describeConfigs(4, [resource(TOPIC, 'ghost'), resource(TOPIC, 'bad/name')]);
    expect(unknown).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: "Topic 'ghost' does not exist.", configs: [] });
    expect(illegal.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(illegal.errorMessage).toMatch(/may only contain/);
  });

  it.each([1, 4])('v%i shows this broker’s settings read-only under its node id', async (version) => {
    const [result] = await describeConfigs(version, [resource(BROKER, String(TEST_NODE_ID))], true);
    expect(result.errorCode).toBe(ErrorCode.NONE);
    const byName = new Map(result.configs.map((config) => [config.name, config]));
    expect(byName.get('broker.id')?.value).toBe(String(TEST_NODE_ID));
    expect(byName.get('log.dirs')?.value).toBe(broker.dataDir);
    expect(byName.get('num.partitions')?.value).toBe('2');
    expect(byName.get('auto.create.topics.enable')?.value).toBe('true');
    expect(byName.get('log.retention.ms')?.value).toBe('3600000');
    expect(result.configs.every((config) => config.readOnly && config.configSource === ConfigSource.STATIC_BROKER_CONFIG)).toBe(true);
    expect(byName.get('broker.id')?.synonyms).toEqual([{ name: 'broker.id', value: String(TEST_NODE_ID), source: ConfigSource.STATIC_BROKER_CONFIG }]);
  });

  it('answers INVALID_REQUEST for another broker id or a name that is no id; "" has no dynamic defaults', async () => {
    const [other, word, empty] = await describeConfigs(4, [resource(BROKER, '3'), resource(BROKER, 'leader'), resource(BROKER, '')]);
    expect(other).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unexpected broker id, expected ${TEST_NODE_ID} or empty string, but received 3` });
    expect(word).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Broker id must be an integer, but it is: leader' });
    expect(empty).toMatchObject({ errorCode: ErrorCode.NONE, configs: [] });
  });

  it('answers INVALID_REQUEST for resource types other than topic and broker', async () => {
    const [logger] = await describeConfigs(3, [resource(8, String(TEST_NODE_ID))]);
    expect(logger.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(logger.errorMessage).toMatch(/Unsupported resource type 8/);
  });
});

describe('AlterConfigs', () => {
  const set = (name: string, value: string | null): AlterableConfig => ({ name, value });

  async function alterConfigs(
    version: number,
    resources: Array<{ resourceType: number; resourceName: string; configs: AlterableConfig[] }>,
    validateOnly = false,
  ): Promise<AlterConfigsResourceResponse[]> {
    const request = { ...defaultAlterConfigsRequest(), resources, validateOnly };
    return overTheWire(ApiKey.AlterConfigs, version, await alterConfigsHandler(request, broker.context(version))).responses;
  }

  it.each([0, 1, 2])('v%i replaces the whole override set, persisted across a restart', async (version) => {
    await broker.registry.create('altered', 1, { 'retention.ms': '1000', 'segment.bytes': '65536' });
    const [result] = await alterConfigs(version, [{ resourceType: TOPIC, resourceName: 'altered', configs: [set('retention.bytes', '2048')] }]);
    expect(result).toEqual({ errorCode: ErrorCode.NONE, errorMessage: null, resourceType: TOPIC, resourceName: 'altered' });
    await broker.reopen();
    expect(broker.registry.get('altered')?.configs).toEqual({ 'retention.bytes': '2048' });
    const described = await describeTopic('altered');
    expect(described['retention.bytes']).toBe('2048');
    expect(described['retention.ms']).not.toBe('1000');
  });

  it('an empty config list removes every override', async () => {
    await broker.registry.create('altered', 1, { 'retention.ms': '1000' });
    await alterConfigs(2, [{ resourceType: TOPIC, resourceName: 'altered', configs: [] }]);
    expect(broker.registry.get('altered')?.configs).toEqual({});
  });

  it('partitions opened after the change use the new settings', async () => {
    await broker.registry.create('altered', 1);
    await alterConfigs(2, [{ resourceType: TOPIC, resourceName: 'altered', configs: [set('segment.bytes', '65536')] }]);
    const request = { ...defaultCreatePartitionsRequest(), topics: [{ name: 'altered', count: 2, assignments: null }] };
    await createPartitionsHandler(request, broker.context(3));
    expect(broker.registry.get('altered')?.logs[1].config.segmentBytes).toBe(65536);
  });

  it.each([
    ['an unknown key', set('no.such.config', '1'), ErrorCode.INVALID_CONFIG, /no\.such\.config/],
    ['a bad value', set('retention.ms', 'later'), ErrorCode.INVALID_CONFIG, /retention\.ms/],
    ['a null value', set('retention.ms', null), ErrorCode.INVALID_REQUEST, /Null value not supported for: retention\.ms/],
  ])('refuses %s and changes nothing', async (_what, config, code, message) => {
    await broker.registry.create('altered', 1, { 'retention.ms': '1000' });
    const [result] = await alterConfigs(1, [{ resourceType: TOPIC, resourceName: 'altered', configs: [set('segment.bytes', '65536'), config] }]);
    expect(result.errorCode).toBe(code);
    expect(result.errorMessage).toMatch(message);
    expect(broker.registry.get('altered')?.configs).toEqual({ 'retention.ms': '1000' });
  });

  it('refuses a key given twice with INVALID_REQUEST', async () => {
    await broker.registry.create('altered', 1);
    const [result] = await alterConfigs(2, [{ resourceType: TOPIC, resourceName: 'altered', configs: [set('retention.ms', '1'), set('retention.ms', '2')] }]);
    expect(result).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Error due to duplicate config keys: retention.ms' });
  });

  it('validateOnly checks without changing', async () => {
    await broker.registry.create('altered', 1, { 'retention.ms': '1000' });
    const [ok, refused] = await alterConfigs(
      2,
      [
        { resourceType: TOPIC, resourceName: 'altered', configs: [set('retention.ms', '5')] },
        { resourceType: TOPIC, resourceName: 'ghost', configs: [] },
      ],
      true,
    );
    expect(ok.errorCode).toBe(ErrorCode.NONE);
    expect(refused.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(broker.registry.get('altered')?.configs).toEqual({ 'retention.ms': '1000' });
  });

  it('refuses broker resources (read-only here), other types and a resource named twice with INVALID_REQUEST', async () => {
    await broker.registry.create('altered', 1);
    const results = await alterConfigs(0, [
      { resourceType: BROKER, resourceName: String(TEST_NODE_ID), configs: [set('num.partitions', '3')] },
      { resourceType: 16, resourceName: 'metrics', configs: [] },
      { resourceType: TOPIC, resourceName: 'altered', configs: [set('retention.ms', '1')] },
      { resourceType: TOPIC, resourceName: 'altered', configs: [set('retention.ms', '2')] },
    ]);
    expect(results.map((result) => result.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    expect(results[0].errorMessage).toMatch(/read-only/);
    expect(results[1].errorMessage).toMatch(/Unsupported resource type 16/);
    expect(results[2].errorMessage).toMatch(/at most once/);
    expect(broker.registry.get('altered')?.configs).toEqual({});
  });
});

describe('IncrementalAlterConfigs', () => {
  const op = (name: string, configOperation: number, value: string | null = null) => ({ name, configOperation, value });
  const { SET, DELETE, APPEND, SUBTRACT } = ConfigOperationType;

  async function alter(version: number, name: string, operations: ReturnType<typeof op>[], validateOnly = false): Promise<AlterConfigsResourceResponse> {
    const request = { ...defaultIncrementalAlterConfigsRequest(), resources: [{ resourceType: TOPIC, resourceName: name, configs: operations }], validateOnly };
    const response = overTheWire(ApiKey.IncrementalAlterConfigs, version, await incrementalAlterConfigsHandler(request, broker.context(version)));
    return response.responses[0];
  }

  it.each([0, 1])('v%i applies SET and DELETE to the current overrides, persisted across a restart', async (version) => {
    await broker.registry.create('tuned', 1, { 'retention.ms': '1000', 'segment.bytes': '65536' });
    const result = await alter(version, 'tuned', [op('retention.bytes', SET, '4096'), op('segment.bytes', DELETE)]);
    expect(result).toEqual({ errorCode: ErrorCode.NONE, errorMessage: null, resourceType: TOPIC, resourceName: 'tuned' });
    await broker.reopen();
    expect(broker.registry.get('tuned')?.configs).toEqual({ 'retention.ms': '1000', 'retention.bytes': '4096' });
  });

  it.each([
    [APPEND, 'append'],
    [SUBTRACT, 'subtract'],
  ])('refuses operation %i on a config that is not a list with INVALID_REQUEST', async (operation, verb) => {
    await broker.registry.create('tuned', 1);
    const result = await alter(1, 'tuned', [op('retention.ms', operation, '5')]);
    expect(result).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Config value ${verb} is not allowed for config key: retention.ms` });
  });

  it('APPEND and SUBTRACT work on the list config cleanup.policy, within its allowed values', async () => {
    await broker.registry.create('tuned', 1);
    expect((await alter(1, 'tuned', [op('cleanup.policy', APPEND, 'delete')])).errorCode).toBe(ErrorCode.NONE);
    expect(broker.registry.get('tuned')?.configs).toEqual({ 'cleanup.policy': 'delete' });
    const compact = await alter(1, 'tuned', [op('cleanup.policy', APPEND, 'compact')]);
    expect(compact.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(compact.errorMessage).toMatch(/cleanup\.policy/);
    expect((await alter(1, 'tuned', [op('cleanup.policy', SUBTRACT, 'delete')])).errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(broker.registry.get('tuned')?.configs).toEqual({ 'cleanup.policy': 'delete' });
  });

  it.each([
    ['an unknown key', [op('no.such.config', SET, '1')], ErrorCode.INVALID_CONFIG, 'Unknown topic config name: no.such.config'],
    ['deleting an unknown key', [op('no.such.config', DELETE)], ErrorCode.INVALID_CONFIG, 'Unknown topic config name: no.such.config'],
    ['a bad value', [op('segment.bytes', SET, '1')], ErrorCode.INVALID_CONFIG, /segment\.bytes/],
    ['a null SET', [op('retention.ms', SET)], ErrorCode.INVALID_REQUEST, 'Null value not supported for: retention.ms'],
    ['an unknown operation', [op('retention.ms', 9, '1')], ErrorCode.INVALID_REQUEST, 'Unknown operation 9 for config key: retention.ms'],
    ['a key twice', [op('retention.ms', SET, '1'), op('retention.ms', DELETE)], ErrorCode.INVALID_REQUEST, /duplicate config keys/],
  ])('refuses %s and changes nothing', async (_what, operations, code, message) => {
    await broker.registry.create('tuned', 1, { 'retention.ms': '1000' });
    const result = await alter(1, 'tuned', [op('retention.bytes', SET, '1'), ...operations]);
    expect(result.errorCode).toBe(code);
    expect(result.errorMessage).toMatch(message);
    expect(broker.registry.get('tuned')?.configs).toEqual({ 'retention.ms': '1000' });
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown topic', async () => {
    expect((await alter(0, 'ghost', [op('retention.ms', SET, '1')])).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('validateOnly checks without changing', async () => {
    await broker.registry.create('tuned', 1, { 'retention.ms': '1000' });
    expect((await alter(1, 'tuned', [op('retention.ms', DELETE)], true)).errorCode).toBe(ErrorCode.NONE);
    expect(broker.registry.get('tuned')?.configs).toEqual({ 'retention.ms': '1000' });
  });

  it('refuses broker resources with INVALID_REQUEST', async () => {
    const request = {
      ...defaultIncrementalAlterConfigsRequest(),
      resources: [{ resourceType: BROKER, resourceName: String(TEST_NODE_ID), configs: [op('num.partitions', SET, '3')] }],
    };
    const [result] = overTheWire(ApiKey.IncrementalAlterConfigs, 1, await incrementalAlterConfigsHandler(request, broker.context(1))).responses;
    expect(result.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(result.errorMessage).toMatch(/read-only/);
  });
});
