// Authorized operations (librdkafka 0081's DescribeTopics and DescribeCluster found them missing):
// with no authorizer, Kafka reports every operation a resource type supports when the client
// asks (8 for a topic, 7 for the cluster, 5 for a group), and Integer.MIN_VALUE when it does not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AclOperation, OPERATIONS_NOT_REQUESTED } from '../../../src/broker/authorization.js';
import { describeClusterHandler } from '../../../src/broker/handlers/cluster.js';
import { describeGroupsHandler } from '../../../src/broker/handlers/group-admin.js';
import { metadataHandler } from '../../../src/broker/handlers/metadata.js';
import { ApiKey } from '../../../src/protocol/index.js';
import { defaultDescribeClusterRequest } from '../../../src/protocol/generated/describe-cluster.js';
import { defaultMetadataRequest } from '../../../src/protocol/generated/metadata.js';
import { openTestBroker, overTheWire, type TestBroker } from './context.js';

const { READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE } = AclOperation;
const bits = (...operations: number[]): number => operations.reduce((field, operation) => field | (1 << operation), 0);
const TOPIC_OPERATIONS = bits(READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS);
const CLUSTER_OPERATIONS = bits(CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE);
const GROUP_OPERATIONS = bits(READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS);

let broker: TestBroker;
beforeEach(async () => {
  broker = await openTestBroker();
  await broker.registry.create('described', 2);
});
afterEach(async () => {
  await broker.close();
});

const popcount = (field: number): number => field.toString(2).split('').filter((bit) => bit === '1').length;

async function metadata(version: number, include: boolean) {
  const request = { ...defaultMetadataRequest(), topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'described' }, { topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'absent' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: include, includeClusterAuthorizedOperations: include };
  return overTheWire(ApiKey.Metadata, version, await metadataHandler(request, broker.context(version)));
}

describe('authorized operations with no authorizer', () => {
  it('has the sizes Kafka gives each resource type', () => {
    expect([popcount(TOPIC_OPERATIONS), popcount(CLUSTER_OPERATIONS), popcount(GROUP_OPERATIONS)]).toEqual([8, 7, 5]);
  });

  it.each([8, 10])('Metadata v%i reports every topic and cluster operation when asked', async (version) => {
    const response = await metadata(version, true);
    expect(response.topics.map((topic) => topic.topicAuthorizedOperations)).toEqual([TOPIC_OPERATIONS, TOPIC_OPERATIONS]);
    expect(response.clusterAuthorizedOperations).toBe(CLUSTER_OPERATIONS);
  });

  it('Metadata v12 reports topic operations (the cluster field left v10)', async () => {
    const response = await metadata(12, true);
    expect(response.topics[0].topicAuthorizedOperations).toBe(TOPIC_OPERATIONS);
  });

  it('Metadata answers Integer.MIN_VALUE when not asked', async () => {
    const response = await metadata(9, false);
    expect(response.topics[0].topicAuthorizedOperations).toBe(OPERATIONS_NOT_REQUESTED);
    expect(response.clusterAuthorizedOperations).toBe(OPERATIONS_NOT_REQUESTED);
  });

  it.each([0, 1])('DescribeCluster v%i reports the cluster operations when asked, and MIN_VALUE when not', async (version) => {
    const ask = async (include: boolean) =>
      overTheWire(ApiKey.DescribeCluster, version, await describeClusterHandler({ ...defaultDescribeClusterRequest(), includeClusterAuthorizedOperations: include }, broker.context(version)));
    expect((await ask(true)).clusterAuthorizedOperations).toBe(CLUSTER_OPERATIONS);
    expect((await ask(false)).clusterAuthorizedOperations).toBe(OPERATIONS_NOT_REQUESTED);
  });

  it('DescribeGroups v3+ reports the group operations when asked', async () => {
    const ask = async (include: boolean) =>
      overTheWire(ApiKey.DescribeGroups, 5, await describeGroupsHandler({ groups: ['g'], includeAuthorizedOperations: include }, broker.context(5)));
    expect((await ask(true)).groups[0].authorizedOperations).toBe(GROUP_OPERATIONS);
    expect((await ask(false)).groups[0].authorizedOperations).toBe(OPERATIONS_NOT_REQUESTED);
  });
});
