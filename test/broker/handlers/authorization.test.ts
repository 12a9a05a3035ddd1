// Every handler asks the authorizer, and answers a refusal as Kafka does. The broker here has
// allowEveryoneIfNoAclFound false, so only what an ACL allows is allowed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AclOperation } from '../../../src/broker/authorization.js';
import { fetchHandler } from '../../../src/broker/handlers/fetch.js';
import { deleteGroupsHandler, describeGroupsHandler, listGroupsHandler } from '../../../src/broker/handlers/group-admin.js';
import { findCoordinatorHandler, joinGroupHandler } from '../../../src/broker/handlers/group-membership.js';
import { offsetCommitHandler, offsetFetchHandler } from '../../../src/broker/handlers/group-offsets.js';
import { metadataHandler } from '../../../src/broker/handlers/metadata.js';
import { produceHandler } from '../../../src/broker/handlers/produce.js';
import { initProducerIdHandler } from '../../../src/broker/handlers/producer-id.js';
import { describeAclsHandler } from '../../../src/broker/handlers/security-admin.js';
import { createTopicsHandler } from '../../../src/broker/handlers/topic-admin.js';
import { addPartitionsToTxnHandler } from '../../../src/broker/handlers/transactions.js';
import { ALL_OPERATIONS, AclPatternType, AclPermission, AclResourceType, CLUSTER_RESOURCE, type AclBinding } from '../../../src/broker/security/acls.js';
import { ApiKey, ErrorCode, defaultFetchRequest, defaultMetadataRequest, defaultProduceRequest } from '../../../src/protocol/index.js';
import { defaultAddPartitionsToTxnRequest } from '../../../src/protocol/generated/add-partitions-to-txn.js';
import { defaultCreateTopicsRequest, defaultCreatableTopic } from '../../../src/protocol/generated/create-topics.js';
import { defaultDeleteGroupsRequest } from '../../../src/protocol/generated/delete-groups.js';
import { defaultDescribeAclsRequest } from '../../../src/protocol/generated/describe-acls.js';
import { defaultDescribeGroupsRequest } from '../../../src/protocol/generated/describe-groups.js';
import { defaultFindCoordinatorRequest } from '../../../src/protocol/generated/find-coordinator.js';
import { defaultInitProducerIdRequest } from '../../../src/protocol/generated/init-producer-id.js';
import { defaultJoinGroupRequest } from '../../../src/protocol/generated/join-group.js';
import { defaultListGroupsRequest } from '../../../src/protocol/generated/list-groups.js';
import { defaultOffsetCommitRequest } from '../../../src/protocol/generated/offset-commit.js';
import { defaultOffsetFetchRequest } from '../../../src/protocol/generated/offset-fetch.js';
import { jsHotPath } from '../../helpers/backends.js';
import { makeBatch } from '../../helpers/batches.js';
import { openTestBroker, overTheWire, type TestBroker } from './context.js';

const NO_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const ALICE = 'User:alice';
const { READ, WRITE, CREATE, DESCRIBE, IDEMPOTENT_WRITE } = AclOperation;

let broker: TestBroker;
beforeEach(async () => {
  broker = await openTestBroker({ allowEveryoneIfNoAclFound: false });
  await broker.registry.create('orders', 1);
  await broker.registry.create('secrets', 1);
});
afterEach(async () => {
  await broker.close();
});

type Resource = 'topic' | 'group' | 'cluster' | 'transactionalId';
const RESOURCE_CODES: Record<Resource, number> = { topic: AclResourceType.TOPIC, group: AclResourceType.GROUP, cluster: AclResourceType.CLUSTER, transactionalId: AclResourceType.TRANSACTIONAL_ID };

function allow(type: Resource, name: string, operation: number, principal = ALICE, permissionType: number = AclPermission.ALLOW): void {
  const binding: AclBinding = { resourceType: RESOURCE_CODES[type], resourceName: type === 'cluster' ? CLUSTER_RESOURCE : name, patternType: AclPatternType.LITERAL, principal, host: '*', operation, permissionType };
  broker.authorizer.acls.add([binding]);
}
const deny = (type: Resource, name: string, operation: number, principal = ALICE) => allow(type, name, operation, principal, AclPermission.DENY);

async function produce(topic: string, transactionalId: string | null = null) {
  const request = { ...defaultProduceRequest(), acks: -1, timeoutMs: 1000, transactionalId, topicData: [{ name: topic, partitionData: [{ index: 0, records: makeBatch(jsHotPath) }] }] };
  const response = await produceHandler(request, broker.context(9, ALICE));
  return response?.responses[0].partitionResponses[0].errorCode;
}

describe('producing and fetching', () => {
  it('needs WRITE on the topic; a deny overrides an allow', async () => {
    expect(await produce('orders')).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    allow('topic', 'orders', WRITE);
    expect(await produce('orders')).toBe(ErrorCode.NONE);
    allow('topic', 'orders', ALL_OPERATIONS, 'User:*');
    deny('topic', 'orders', WRITE);
    expect(await produce('orders')).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });

  it('needs WRITE on the transactional id of a transactional produce', async () => {
    allow('topic', 'orders', WRITE);
    expect(await produce('orders', 'payments-tx')).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  });

  it('needs READ to fetch', async () => {
    const request = {
      ...defaultFetchRequest(),
      maxWaitMs: 0,
      topics: [{ topic: 'secrets', topicId: NO_ID, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20, replicaDirectoryId: NO_ID }] }],
    };
    const refused = await fetchHandler(request, broker.context(12, ALICE));
    expect(refused?.responses[0].partitions[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    allow('topic', 'secrets', READ);
    const served = await fetchHandler(request, broker.context(12, ALICE));
    expect(served?.responses[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
  });
});

describe('metadata and topic creation', () => {
  const ask = async (names: string[] | null, autoCreate = false) => {
    const topics = names?.map((name) => ({ topicId: NO_ID, name })) ?? null;
    const response = await metadataHandler({ ...defaultMetadataRequest(), topics, allowAutoTopicCreation: autoCreate }, broker.context(12, ALICE));
    return overTheWire(ApiKey.Metadata, 12, response).topics.map((t) => [t.name, t.errorCode]);
  };

  it('leaves out topics the principal may not describe, and refuses them when named', async () => {
    allow('topic', 'orders', READ);
    expect(await ask(null)).toEqual([['orders', ErrorCode.NONE]]);
    expect(await ask(['secrets'])).toEqual([['secrets', ErrorCode.TOPIC_AUTHORIZATION_FAILED]]);
  });

  it('auto-creates only with CREATE on the cluster or the topic', async () => {
    allow('topic', 'fresh', DESCRIBE);
    expect(await ask(['fresh'], true)).toEqual([['fresh', ErrorCode.TOPIC_AUTHORIZATION_FAILED]]);
    expect(broker.registry.get('fresh')).toBeUndefined();
    allow('topic', 'fresh', CREATE);
    expect(await ask(['fresh'], true)).toEqual([['fresh', ErrorCode.NONE]]);
  });

  it('CreateTopics needs CREATE', async () => {
    const request = { ...defaultCreateTopicsRequest(), topics: [{ ...defaultCreatableTopic(), name: 'made', numPartitions: 1, replicationFactor: 1 }] };
    const response = await createTopicsHandler(request, broker.context(5, ALICE));
    expect(response?.topics[0].errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect(broker.registry.get('made')).toBeUndefined();
  });
});

describe('groups', () => {
  it('FindCoordinator and JoinGroup need DESCRIBE and READ on the group', async () => {
    const find = async () => (await findCoordinatorHandler({ ...defaultFindCoordinatorRequest(), keyType: 0, coordinatorKeys: ['readers'] }, broker.context(4, ALICE)))?.coordinators[0].errorCode;
    expect(await find()).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const join = { ...defaultJoinGroupRequest(), groupId: 'readers', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] };
    const refused = overTheWire(ApiKey.JoinGroup, 5, await joinGroupHandler(join, broker.context(5, ALICE)));
    expect(refused.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    allow('group', 'readers', READ);
    expect(await find()).toBe(ErrorCode.NONE);
  });

  it('OffsetCommit commits the topics it may read and refuses the others', async () => {
    allow('group', 'readers', READ);
    allow('topic', 'orders', READ);
    const partitions = [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' }];
    const request = { ...defaultOffsetCommitRequest(), groupId: 'readers', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'orders', partitions }, { name: 'secrets', partitions }] };
    const response = await offsetCommitHandler(request, broker.context(8, ALICE));
    expect(response?.topics.map((t) => [t.name, t.partitions[0].errorCode])).toEqual([
      ['orders', ErrorCode.NONE],
      ['secrets', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    expect(broker.groups.fetchOffsets('readers', null).map((t) => t.topic)).toEqual(['orders']);
  });

  it('OffsetFetch refuses a group it may not describe: top-level from v2, per partition in v1', async () => {
    const topics = [{ name: 'orders', partitionIndexes: [0] }];
    const v3 = await offsetFetchHandler({ ...defaultOffsetFetchRequest(), groupId: 'readers', topics }, broker.context(3, ALICE));
    expect(v3?.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const v1 = overTheWire(ApiKey.OffsetFetch, 1, await offsetFetchHandler({ ...defaultOffsetFetchRequest(), groupId: 'readers', topics }, broker.context(1, ALICE)));
    expect(v1.topics[0].partitions[0].errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
  });

  it('lists, describes and deletes only the groups the principal may', async () => {
    for (const groupId of ['mine', 'theirs']) {
      await broker.groups.commitOffsets(groupId, { generationId: -1, memberId: '', groupInstanceId: null }, [{ topic: 'orders', partitions: [{ partition: 0, offset: 1, leaderEpoch: -1, metadata: '' }] }], () => true);
    }
    allow('group', 'mine', DESCRIBE);
    const listed = await listGroupsHandler(defaultListGroupsRequest(), broker.context(4, ALICE));
    expect(listed?.groups.map((g) => g.groupId)).toEqual(['mine']);
    const described = await describeGroupsHandler({ ...defaultDescribeGroupsRequest(), groups: ['mine', 'theirs'] }, broker.context(5, ALICE));
    expect(described?.groups.map((g) => g.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.GROUP_AUTHORIZATION_FAILED]);
    const deleted = await deleteGroupsHandler({ ...defaultDeleteGroupsRequest(), groupsNames: ['theirs'] }, broker.context(2, ALICE));
    expect(deleted?.results[0].errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    expect(broker.groups.listGroups().map((g) => g.groupId).sort()).toEqual(['mine', 'theirs']);
  });
});

describe('producer ids and transactions', () => {
  const init = async (transactionalId: string | null) =>
    (await initProducerIdHandler({ ...defaultInitProducerIdRequest(), transactionalId, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 }, broker.context(4, ALICE)))?.errorCode;

  it('a transactional id needs WRITE on it', async () => {
    expect(await init('payments-tx')).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    allow('transactionalId', 'payments-tx', WRITE);
    expect(await init('payments-tx')).toBe(ErrorCode.NONE);
  });

  it('an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic', async () => {
    expect(await init(null)).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    allow('topic', 'orders', WRITE);
    expect(await init(null)).toBe(ErrorCode.NONE);
    broker.authorizer.acls.delete([{ resourceType: AclResourceType.ANY, resourceName: null, patternType: AclPatternType.ANY, principal: null, host: null, operation: 1, permissionType: AclPermission.ANY }]);
    allow('cluster', '', IDEMPOTENT_WRITE);
    expect(await init(null)).toBe(ErrorCode.NONE);
  });

  it('AddPartitionsToTxn refuses topics the producer may not write, and adds nothing', async () => {
    allow('transactionalId', 'payments-tx', WRITE);
    allow('topic', 'orders', WRITE);
    const request = { ...defaultAddPartitionsToTxnRequest(), v3AndBelowTransactionalId: 'payments-tx', v3AndBelowProducerId: 1, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 'orders', partitions: [0] }, { name: 'secrets', partitions: [0] }] };
    const response = await addPartitionsToTxnHandler(request, broker.context(3, ALICE));
    expect(response?.resultsByTopicV3AndBelow.map((t) => [t.name, t.resultsByPartition[0].partitionErrorCode])).toEqual([
      ['orders', ErrorCode.OPERATION_NOT_ATTEMPTED],
      ['secrets', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
  });
});

describe('ACL administration', () => {
  it('DescribeAcls needs DESCRIBE on the cluster', async () => {
    const request = { ...defaultDescribeAclsRequest(), resourceTypeFilter: AclResourceType.ANY, resourceNameFilter: null, patternTypeFilter: AclPatternType.ANY, principalFilter: null, hostFilter: null, operation: 1, permissionType: AclPermission.ANY };
    expect((await describeAclsHandler(request, broker.context(2, ALICE)))?.errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    allow('cluster', '', DESCRIBE);
    const described = await describeAclsHandler(request, broker.context(2, ALICE));
    expect(described?.errorCode).toBe(ErrorCode.NONE);
    expect(described?.resources).toHaveLength(1);
  });

  it('DescribeAcls answers INVALID_REQUEST to a filter with an unknown field, as Kafka does', async () => {
    allow('cluster', '', DESCRIBE);
    const response = await describeAclsHandler({ ...defaultDescribeAclsRequest(), resourceTypeFilter: 0 }, broker.context(2, ALICE));
    expect(response?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});
