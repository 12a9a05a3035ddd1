import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPartitionsHandler, deleteRecordsHandler } from '../../../src/broker/handlers/partition-admin.js';
import { MAX_PARTITIONS } from '../../../src/broker/topic-registry.js';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.js';
import {
  defaultCreatePartitionsRequest,
  type CreatePartitionsTopic,
  type CreatePartitionsTopicResult,
} from '../../../src/protocol/generated/create-partitions.js';
import { defaultDeleteRecordsRequest, type DeleteRecordsPartitionResult } from '../../../src/protocol/generated/delete-records.js';
import { jsHotPath } from '../../helpers/backends.js';
import { makeBatch } from '../../helpers/batches.js';
import { TEST_NODE_ID, openTestBroker, overTheWire, type TestBroker } from './context.js';

let broker: TestBroker;
beforeEach(async () => {
  broker = await openTestBroker();
});
afterEach(async () => {
  await broker.close();
});

describe('CreatePartitions', () => {
  const grow = (name: string, count: number, assignments: number[][] | null = null): CreatePartitionsTopic => ({
    name,
    count,
    assignments: assignments === null ? null : assignments.map((brokerIds) => ({ brokerIds })),
  });

  async function createPartitions(version: number, topics: CreatePartitionsTopic[], validateOnly = false): Promise<CreatePartitionsTopicResult[]> {
    const request = { ...defaultCreatePartitionsRequest(), topics, validateOnly };
    return overTheWire(ApiKey.CreatePartitions, version, await createPartitionsHandler(request, broker.context(version))).results;
  }

  it.each([0, 1, 2, 3])('v%i grows a topic: new logs and directories that survive a restart', async (version) => {
    await broker.registry.create('growing', 2);
    const [result] = await createPartitions(version, [grow('growing', 5)]);
    expect(result).toEqual({ name: 'growing', errorCode: ErrorCode.NONE, errorMessage: null });
    expect(broker.registry.get('growing')?.logs).toHaveLength(5);
    expect(existsSync(join(broker.dataDir, 'growing-4'))).toBe(true);
    await broker.reopen();
    expect(broker.registry.get('growing')?.partitions).toBe(5);
  });

  it.each([2, 1])('refuses a count of %i for a topic of 2 partitions with INVALID_PARTITIONS', async (count) => {
    await broker.registry.create('fixed', 2);
    const [result] = await createPartitions(3, [grow('fixed', count)]);
    expect(result.errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(result.errorMessage).toMatch(/has 2 partitions; the count can only grow/);
    expect(broker.registry.get('fixed')?.partitions).toBe(2);
  });

  it('refuses more than the partition limit with INVALID_PARTITIONS', async () => {
    await broker.registry.create('huge', 1);
    const [result] = await createPartitions(3, [grow('huge', MAX_PARTITIONS + 1)]);
    expect(result.errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(result.errorMessage).toMatch(String(MAX_PARTITIONS));
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown topic', async () => {
    const [result] = await createPartitions(2, [grow('ghost', 3)]);
    expect(result.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(result.errorMessage).toMatch(/ghost/);
  });

  it('accepts assignments that put each new partition on this node alone', async () => {
    await broker.registry.create('assigned', 1);
    const [result] = await createPartitions(1, [grow('assigned', 3, [[TEST_NODE_ID], [TEST_NODE_ID]])]);
    expect(result.errorCode).toBe(ErrorCode.NONE);
    expect(broker.registry.get('assigned')?.partitions).toBe(3);
  });

  it.each([
    ['another broker', [[TEST_NODE_ID], [TEST_NODE_ID + 1]], /broker 8, but no such broker/],
    ['too few assignments', [[TEST_NODE_ID]], /add 2 additional partition\(s\), but only 1 assignment/],
    ['an empty replica list', [[], [TEST_NODE_ID]], /empty replica list/],
  ])('refuses %s with INVALID_REPLICA_ASSIGNMENT', async (_what, assignments, message) => {
    await broker.registry.create('assigned', 1);
    const [result] = await createPartitions(3, [grow('assigned', 3, assignments)]);
    expect(result.errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(result.errorMessage).toMatch(message);
    expect(broker.registry.get('assigned')?.partitions).toBe(1);
  });

  it('validateOnly checks without growing', async () => {
    await broker.registry.create('dry', 1);
    const [ok] = await createPartitions(3, [grow('dry', 4)], true);
    expect(ok.errorCode).toBe(ErrorCode.NONE);
    expect(broker.registry.get('dry')?.partitions).toBe(1);
    expect(existsSync(join(broker.dataDir, 'dry-1'))).toBe(false);
    const [refused] = await createPartitions(3, [grow('dry', 1)], true);
    expect(refused.errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
  });

  it('refuses a topic named twice with one INVALID_REQUEST and grows neither', async () => {
    await broker.registry.create('twice', 1);
    const results = await createPartitions(3, [grow('twice', 2), grow('twice', 3)]);
    expect(results).toEqual([{ name: 'twice', errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' }]);
    expect(broker.registry.get('twice')?.partitions).toBe(1);
  });
});

describe('DeleteRecords', () => {
  /** A topic whose partition 0 holds offsets 0..9. */
  async function topicWithTenRecords(name: string): Promise<void> {
    const topic = await broker.registry.create(name, 2);
    await topic?.logs[0].append(makeBatch(jsHotPath, { records: 4 }));
    await topic?.logs[0].append(makeBatch(jsHotPath, { records: 6 }));
  }

  async function deleteRecords(version: number, name: string, partitions: Array<[number, number]>): Promise<DeleteRecordsPartitionResult[]> {
    const topics = [{ name, partitions: partitions.map(([partitionIndex, offset]) => ({ partitionIndex, offset })) }];
    const request = { ...defaultDeleteRecordsRequest(), topics };
    const response = overTheWire(ApiKey.DeleteRecords, version, await deleteRecordsHandler(request, broker.context(version)));
    expect(response.topics.map((topic) => topic.name)).toEqual([name]);
    return response.topics[0].partitions;
  }

  const log = (name: string, partition = 0) => broker.registry.get(name)?.logs[partition];

  it.each([0, 1, 2])('v%i moves the log start and answers it as the low watermark', async (version) => {
    await topicWithTenRecords('events');
    const [result] = await deleteRecords(version, 'events', [[0, 6]]);
    expect(result).toEqual({ partitionIndex: 0, lowWatermark: 6, errorCode: ErrorCode.NONE });
    expect(log('events')?.logStartOffset).toBe(6);
  });

  it('deletes up to the high watermark for offset -1', async () => {
    await topicWithTenRecords('events');
    const [result] = await deleteRecords(2, 'events', [[0, -1]]);
    expect(result).toMatchObject({ lowWatermark: 10, errorCode: ErrorCode.NONE });
    expect(log('events')?.logStartOffset).toBe(10);
  });

  it('leaves the start alone for an offset already deleted', async () => {
    await topicWithTenRecords('events');
    await deleteRecords(2, 'events', [[0, 7]]);
    const [result] = await deleteRecords(2, 'events', [[0, 3]]);
    expect(result).toMatchObject({ lowWatermark: 7, errorCode: ErrorCode.NONE });
  });

  it.each([11, -2])('answers OFFSET_OUT_OF_RANGE for offset %i', async (offset) => {
    await topicWithTenRecords('events');
    const [result] = await deleteRecords(1, 'events', [[0, offset]]);
    expect(result).toEqual({ partitionIndex: 0, lowWatermark: -1, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
    expect(log('events')?.logStartOffset).toBe(0);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition, per partition', async () => {
    await topicWithTenRecords('events');
    const results = await deleteRecords(2, 'events', [
      [5, 1],
      [0, 2],
    ]);
    expect(results).toEqual([
      { partitionIndex: 5, lowWatermark: -1, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
      { partitionIndex: 0, lowWatermark: 2, errorCode: ErrorCode.NONE },
    ]);
    const [unknownTopic] = await deleteRecords(0, 'ghost', [[0, 0]]);
    expect(unknownTopic.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('keeps the new log start across a restart', async () => {
    await topicWithTenRecords('events');
    await deleteRecords(2, 'events', [[0, 4]]);
    await broker.reopen();
    expect(log('events')?.logStartOffset).toBe(4);
  });
});
