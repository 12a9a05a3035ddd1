import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTopicsHandler, deleteTopicsHandler } from '../../../src/broker/handlers/topic-admin.js';
import { ConfigSource } from '../../../src/broker/handlers/config-view.js';
import { MAX_PARTITIONS } from '../../../src/broker/topic-registry.js';
import { TOPIC_CONFIGS } from '../../../src/broker/topic-config.js';
import { ApiKey, ErrorCode, ZERO_UUID } from '../../../src/protocol/index.js';
import {
  defaultCreatableTopic,
  defaultCreateTopicsRequest,
  type CreatableTopic,
  type CreatableTopicResult,
} from '../../../src/protocol/generated/create-topics.js';
import { defaultDeleteTopicsRequest, type DeletableTopicResult, type DeleteTopicState } from '../../../src/protocol/generated/delete-topics.js';
import { TEST_NODE_ID, openTestBroker, overTheWire, type TestBroker } from './context.js';

let broker: TestBroker;
beforeEach(async () => {
  broker = await openTestBroker();
});
afterEach(async () => {
  await broker.close();
});

function topic(name: string, fields: Partial<CreatableTopic> = {}): CreatableTopic {
  return { ...defaultCreatableTopic(), name, numPartitions: 1, replicationFactor: 1, ...fields };
}

async function createTopics(version: number, topics: CreatableTopic[], validateOnly = false): Promise<CreatableTopicResult[]> {
  const request = { ...defaultCreateTopicsRequest(), topics, validateOnly };
  return overTheWire(ApiKey.CreateTopics, version, await createTopicsHandler(request, broker.context(version))).topics;
}

async function createOne(version: number, wanted: CreatableTopic, validateOnly = false): Promise<CreatableTopicResult> {
  const [result] = await createTopics(version, [wanted], validateOnly);
  return result;
}

const partitionDir = (name: string, partition: number) => join(broker.dataDir, `${name}-${partition}`);

describe('CreateTopics', () => {
  it.each([2, 3, 4])('v%i creates the topic and its partition directories', async (version) => {
    const result = await createOne(version, topic('orders', { numPartitions: 3 }));
    expect(result).toMatchObject({ name: 'orders', errorCode: ErrorCode.NONE, errorMessage: null });
    expect(broker.registry.get('orders')?.partitions).toBe(3);
    expect([0, 1, 2].map((partition) => existsSync(partitionDir('orders', partition)))).toEqual([true, true, true]);
  });

  it.each([5, 6, 7])('v%i also returns the partition count, replication factor and every config with its source', async (version) => {
    const result = await createOne(version, topic('orders', { numPartitions: 2, configs: [{ name: 'retention.ms', value: '1000' }] }));
    expect(result).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null, numPartitions: 2, replicationFactor: 1, topicConfigErrorCode: 0 });
    expect(result.configs).toHaveLength(TOPIC_CONFIGS.length);
    expect(result.configs?.find((config) => config.name === 'retention.ms')).toEqual({
      name: 'retention.ms',
      value: '1000',
      readOnly: false,
      configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG,
      isSensitive: false,
    });
    expect(result.configs?.find((config) => config.name === 'cleanup.policy')).toMatchObject({ value: 'delete', configSource: ConfigSource.DEFAULT_CONFIG });
  });

  it('v7 returns the new topic id; v6 has no such field', async () => {
    const v7 = await createOne(7, topic('with-id'));
    expect(v7.topicId).toBe(broker.registry.get('with-id')?.id);
    expect(v7.topicId).not.toBe(ZERO_UUID);
    expect((await createOne(6, topic('without-id'))).topicId).toBe(ZERO_UUID);
  });

  it('uses the broker default for numPartitions -1 and accepts replicationFactor -1', async () => {
    const result = await createOne(7, topic('defaults', { numPartitions: -1, replicationFactor: -1 }));
    expect(result).toMatchObject({ errorCode: ErrorCode.NONE, numPartitions: broker.config.numPartitions, replicationFactor: 1 });
    expect(broker.registry.get('defaults')?.partitions).toBe(broker.config.numPartitions);
  });

  it.each([
    ['', /empty/],
    ['..', /cannot be/],
    ['a/b', /may only contain/],
    ['x'.repeat(250), /longer than 249/],
  ])('refuses the topic name %j with INVALID_TOPIC_EXCEPTION and a message', async (name, message) => {
    const result = await createOne(4, topic(name));
    expect(result.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(result.errorMessage).toMatch(message);
    expect(broker.registry.list()).toEqual([]);
  });

  it('answers TOPIC_ALREADY_EXISTS for an existing topic, even when other fields are wrong too', async () => {
    await createOne(7, topic('taken'));
    const result = await createOne(7, topic('taken', { replicationFactor: 3 }));
    expect(result).toMatchObject({ errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: "Topic 'taken' already exists.", numPartitions: -1, configs: [] });
  });

  it.each([0, -2, MAX_PARTITIONS + 1])('refuses %i partitions with INVALID_PARTITIONS', async (numPartitions) => {
    const result = await createOne(5, topic('bad-count', { numPartitions }));
    expect(result.errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(result.errorMessage).toMatch(/partition/i);
    expect(broker.registry.get('bad-count')).toBeUndefined();
    expect(existsSync(partitionDir('bad-count', 0))).toBe(false);
  });

  it.each([
    [0, /larger than 0, or -1/],
    [-3, /larger than 0, or -1/],
    [3, /replication factor of 3 cannot be reached because only 1 broker/],
  ])('refuses replication factor %i with INVALID_REPLICATION_FACTOR', async (replicationFactor, message) => {
    const result = await createOne(7, topic('replicated', { replicationFactor }));
    expect(result.errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
    expect(result.errorMessage).toMatch(message);
    expect(broker.registry.get('replicated')).toBeUndefined();
  });

  describe('manual assignments', () => {
    const onThisNode = (partitionIndex: number) => ({ partitionIndex, brokerIds: [TEST_NODE_ID] });
    const manual = (assignments: CreatableTopic['assignments']) => topic('manual', { numPartitions: -1, replicationFactor: -1, assignments });

    it('creates one partition per assignment when every replica list is just this node', async () => {
      const result = await createOne(5, manual([onThisNode(1), onThisNode(0), onThisNode(2)]));
      expect(result).toMatchObject({ errorCode: ErrorCode.NONE, numPartitions: 3 });
      expect(broker.registry.get('manual')?.partitions).toBe(3);
    });

    it('refuses an assignment together with numPartitions or replicationFactor (INVALID_REQUEST)', async () => {
      const both = await createOne(5, { ...manual([onThisNode(0)]), numPartitions: 1 });
      expect(both.errorCode).toBe(ErrorCode.INVALID_REQUEST);
      expect(both.errorMessage).toMatch(/Both cannot be used at the same time/);
    });

    it.each([
      ['another broker', [{ partitionIndex: 0, brokerIds: [TEST_NODE_ID + 1] }], /broker 8, but no such broker/],
      ['this node twice', [{ partitionIndex: 0, brokerIds: [TEST_NODE_ID, TEST_NODE_ID] }], /more than once/],
      ['no replicas', [{ partitionIndex: 0, brokerIds: [] }], /empty replica list/],
      ['a gap in the partition indexes', [onThisNode(0), onThisNode(2)], /consecutive 0-based/],
    ])('refuses %s with INVALID_REPLICA_ASSIGNMENT', async (_what, assignments, message) => {
      const result = await createOne(7, manual(assignments));
      expect(result.errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
      expect(result.errorMessage).toMatch(message);
      expect(broker.registry.get('manual')).toBeUndefined();
    });
  });

  it.each([
    ['an unknown key', { name: 'no.such.config', value: '1' }, /no\.such\.config/],
    ['a bad value', { name: 'retention.ms', value: 'soon' }, /retention\.ms/],
    ['a null value', { name: 'segment.bytes', value: null }, /Null value not supported for topic configs: segment\.bytes/],
  ])('refuses %s with INVALID_CONFIG and a message naming the key', async (_what, config, message) => {
    const result = await createOne(7, topic('configured', { configs: [config] }));
    expect(result.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(result.errorMessage).toMatch(message);
    expect(broker.registry.get('configured')).toBeUndefined();
  });

  it('validateOnly answers as a real creation would but creates nothing', async () => {
    const result = await createOne(7, topic('dry-run', { numPartitions: 4, configs: [{ name: 'retention.ms', value: '5' }] }), true);
    expect(result).toMatchObject({ errorCode: ErrorCode.NONE, numPartitions: 4, topicId: ZERO_UUID });
    expect(result.configs?.find((config) => config.name === 'retention.ms')?.value).toBe('5');
    expect(broker.registry.get('dry-run')).toBeUndefined();
    expect(existsSync(partitionDir('dry-run', 0))).toBe(false);
    const refused = await createOne(7, topic('dry-run', { numPartitions: 0 }), true);
    expect(refused.errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
  });

  it('refuses a name given twice in one request with one INVALID_REQUEST and still creates the others', async () => {
    const results = await createTopics(7, [topic('twice'), topic('once'), topic('twice', { numPartitions: 2 })]);
    expect(results.map(({ name, errorCode }) => [name, errorCode])).toEqual([
      ['twice', ErrorCode.INVALID_REQUEST],
      ['once', ErrorCode.NONE],
    ]);
    expect(results[0].errorMessage).toBe('Duplicate topic name.');
    expect(broker.registry.get('twice')).toBeUndefined();
    expect(broker.registry.get('once')).toBeDefined();
  });

  it('keeps created topics, ids and configs across a restart', async () => {
    const created = await createOne(7, topic('durable', { numPartitions: 2, configs: [{ name: 'retention.bytes', value: '4096' }] }));
    await broker.reopen();
    const reopened = broker.registry.get('durable');
    expect(reopened).toMatchObject({ id: created.topicId, partitions: 2, configs: { 'retention.bytes': '4096' } });
  });
});

describe('DeleteTopics', () => {
  async function deleteByName(version: number, names: string[]): Promise<DeletableTopicResult[]> {
    const request = { ...defaultDeleteTopicsRequest(), topicNames: names };
    return overTheWire(ApiKey.DeleteTopics, version, await deleteTopicsHandler(request, broker.context(version))).responses;
  }

  async function deleteV6(topics: DeleteTopicState[]): Promise<DeletableTopicResult[]> {
    const request = { ...defaultDeleteTopicsRequest(), topics };
    return overTheWire(ApiKey.DeleteTopics, 6, await deleteTopicsHandler(request, broker.context(6))).responses;
  }

  it.each([1, 3, 4, 5])('v%i deletes topics by name, directories included', async (version) => {
    await broker.registry.create('doomed', 2);
    const [result] = await deleteByName(version, ['doomed']);
    expect(result).toMatchObject({ name: 'doomed', errorCode: ErrorCode.NONE, errorMessage: null });
    expect(broker.registry.get('doomed')).toBeUndefined();
    expect(existsSync(partitionDir('doomed', 0)) || existsSync(partitionDir('doomed', 1))).toBe(false);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown name, with a message from v5', async () => {
    const [v5] = await deleteByName(5, ['ghost']);
    expect(v5).toMatchObject({ name: 'ghost', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: "Topic 'ghost' does not exist." });
    const [v4] = await deleteByName(4, ['ghost']);
    expect(v4).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null });
  });

  it('answers INVALID_TOPIC_EXCEPTION for an illegal name', async () => {
    const [result] = await deleteByName(5, ['../escape']);
    expect(result.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(result.errorMessage).toMatch(/may only contain/);
  });

  it('v6 deletes by topic id and answers with the name and id', async () => {
    const created = await broker.registry.create('by-id', 1);
    const [result] = await deleteV6([{ name: null, topicId: created?.id ?? '' }]);
    expect(result).toEqual({ name: 'by-id', topicId: created?.id, errorCode: ErrorCode.NONE, errorMessage: null });
    expect(broker.registry.getById(created?.id ?? '')).toBeUndefined();
  });

  it('v6 deletes by name and answers with the id', async () => {
    const created = await broker.registry.create('by-name', 1);
    const [result] = await deleteV6([{ name: 'by-name', topicId: ZERO_UUID }]);
    expect(result).toMatchObject({ name: 'by-name', topicId: created?.id, errorCode: ErrorCode.NONE });
  });

  it('v6 answers UNKNOWN_TOPIC_ID (name null) for an unknown id', async () => {
    const unknownId = 'AAAAAAAAAAAAAAAAAAAAAQ';
    const [result] = await deleteV6([{ name: null, topicId: unknownId }]);
    expect(result).toMatchObject({ name: null, topicId: unknownId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID });
    expect(result.errorMessage).toMatch(unknownId);
  });

  it('v6 refuses both a name and an id, or neither, with INVALID_REQUEST', async () => {
    const created = await broker.registry.create('kept', 1);
    const results = await deleteV6([
      { name: 'kept', topicId: created?.id ?? '' },
      { name: null, topicId: ZERO_UUID },
    ]);
    expect(results.map((result) => [result.errorCode, result.errorMessage])).toEqual([
      [ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'],
      [ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'],
    ]);
    expect(broker.registry.get('kept')).toBeDefined();
  });

  it('refuses a topic named twice in one request, by name or by id, and deletes neither', async () => {
    await broker.registry.create('named-twice', 1);
    const byId = await broker.registry.create('id-twice', 1);
    const byName = await deleteByName(5, ['named-twice', 'named-twice']);
    expect(byName).toEqual([{ name: 'named-twice', topicId: ZERO_UUID, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' }]);
    const id = byId?.id ?? '';
    const twiceById = await deleteV6([
      { name: null, topicId: id },
      { name: null, topicId: id },
    ]);
    expect(twiceById).toEqual([{ name: null, topicId: id, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic id.' }]);
    expect(broker.registry.list().map((t) => t.name).sort()).toEqual(['id-twice', 'named-twice']);
  });

  it('stays deleted across a restart', async () => {
    await broker.registry.create('gone', 1);
    await broker.registry.create('stays', 1);
    await deleteByName(5, ['gone']);
    await broker.reopen();
    expect(broker.registry.list().map((t) => t.name)).toEqual(['stays']);
  });
});
