// The group APIs over the wire, version by version: what each version carries in and out
// (FindCoordinator batching, MEMBER_ID_REQUIRED from v4, nullable protocol names from v7,
// LeaveGroup batches from v3, OffsetFetch "all topics" from v2 and several groups from v8, ...).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import {
  ApiKey,
  ErrorCode,
  defaultDeleteGroupsRequest,
  defaultDeleteTopicsRequest,
  defaultDescribeGroupsRequest,
  defaultFindCoordinatorRequest,
  defaultHeartbeatRequest,
  defaultJoinGroupRequest,
  defaultLeaveGroupRequest,
  defaultListGroupsRequest,
  defaultOffsetCommitRequest,
  defaultOffsetDeleteRequest,
  defaultOffsetFetchRequest,
  defaultSyncGroupRequest,
} from '../../src/protocol/index.js';
import type { OffsetCommitRequest } from '../../src/protocol/generated/offset-commit.js';
import { subscription } from '../group/harness.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let raw: RawClient;

beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent', groupInitialRebalanceDelayMs: 50 });
  await broker.registry.create('t', 3);
  raw = await RawClient.connect(broker.port);
});
afterAll(async () => {
  raw.close();
  await broker.close();
});

const protocols = [{ name: 'range', metadata: subscription(['t']) }];

function joinRequest(groupId: string, memberId = '', more: Partial<ReturnType<typeof defaultJoinGroupRequest>> = {}) {
  return { ...defaultJoinGroupRequest(), groupId, memberId, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 6000, protocolType: 'consumer', protocols, ...more };
}

/** A one-member group that went through join and sync at JoinGroup/SyncGroup v3. */
async function stableGroup(groupId: string): Promise<{ memberId: string; generationId: number }> {
  const joined = await raw.request(ApiKey.JoinGroup, 3, joinRequest(groupId));
  expect(joined.errorCode).toBe(ErrorCode.NONE);
  const assignments = [{ memberId: joined.memberId, assignment: Buffer.from('mine') }];
  const synced = await raw.request(ApiKey.SyncGroup, 3, { ...defaultSyncGroupRequest(), groupId, generationId: joined.generationId, memberId: joined.memberId, assignments });
  expect(synced.errorCode).toBe(ErrorCode.NONE);
  return { memberId: joined.memberId, generationId: joined.generationId };
}

function commitRequest(groupId: string, offset: number, who = { generationIdOrMemberEpoch: -1, memberId: '' }): OffsetCommitRequest {
  return {
    ...defaultOffsetCommitRequest(),
    groupId,
    ...who,
    topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: offset, committedLeaderEpoch: 3, commitTimestamp: -1, committedMetadata: 'meta' }] }],
  };
}

describe('FindCoordinator', () => {
  it('names this broker for groups and transactional ids, one key (v0-3) or a batch (v4+)', async () => {
    const single = await raw.request(ApiKey.FindCoordinator, 0, { ...defaultFindCoordinatorRequest(), key: 'g' });
    expect(single).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: broker.config.nodeId, host: broker.host, port: broker.port });
    const transaction = await raw.request(ApiKey.FindCoordinator, 2, { ...defaultFindCoordinatorRequest(), key: 'tx', keyType: 1 });
    expect(transaction).toMatchObject({ errorCode: ErrorCode.NONE, port: broker.port, errorMessage: null });
    const batch = await raw.request(ApiKey.FindCoordinator, 4, { ...defaultFindCoordinatorRequest(), coordinatorKeys: ['a', 'b'] });
    expect(batch.coordinators.map((c) => [c.key, c.nodeId, c.port, c.errorCode])).toEqual([
      ['a', broker.config.nodeId, broker.port, 0],
      ['b', broker.config.nodeId, broker.port, 0],
    ]);
  });

  it('refuses unknown key types', async () => {
    const response = await raw.request(ApiKey.FindCoordinator, 6, { ...defaultFindCoordinatorRequest(), keyType: 2, coordinatorKeys: ['x'] });
    expect(response.coordinators[0]).toMatchObject({ key: 'x', errorCode: ErrorCode.INVALID_REQUEST, nodeId: -1 });
  });
});

describe('JoinGroup, SyncGroup, Heartbeat, LeaveGroup', () => {
  it('joins at once below v4, and with the MEMBER_ID_REQUIRED round from v4', async () => {
    const v0 = await raw.request(ApiKey.JoinGroup, 0, joinRequest('join-v0'));
    expect(v0).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: 'range' });
    expect(v0.memberId).toMatch(/^raw-client-/);
    const first = await raw.request(ApiKey.JoinGroup, 4, joinRequest('join-v4'));
    expect(first).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1 });
    const second = await raw.request(ApiKey.JoinGroup, 4, joinRequest('join-v4', first.memberId));
    expect(second).toMatchObject({ errorCode: ErrorCode.NONE, memberId: first.memberId, leader: first.memberId });
    expect(second.members.map((m) => m.memberId)).toEqual([first.memberId]);
  });

  it('returns the protocol type from v7 and a null protocol name on errors', async () => {
    const refused = await raw.request(ApiKey.JoinGroup, 7, joinRequest('join-v7', 'unknown-member'));
    expect(refused).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolName: null, protocolType: null });
    const joined = await raw.request(ApiKey.JoinGroup, 9, joinRequest('join-v7', '', { groupInstanceId: 'static-1' }));
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range' });
    expect(joined.members[0].groupInstanceId).toBe('static-1');
  });

  it('checks the protocol in SyncGroup v5 and answers heartbeats of every version', async () => {
    const joined = await raw.request(ApiKey.JoinGroup, 5, joinRequest('sync-v5', '', { groupInstanceId: 'i-1' }));
    const sync = { ...defaultSyncGroupRequest(), groupId: 'sync-v5', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: 'i-1' };
    const wrong = await raw.request(ApiKey.SyncGroup, 5, { ...sync, protocolType: 'consumer', protocolName: 'roundrobin' });
    expect(wrong.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const right = await raw.request(ApiKey.SyncGroup, 5, { ...sync, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: joined.memberId, assignment: Buffer.from('x') }] });
    expect(right).toMatchObject({ errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('x') });
    const heartbeat = { ...defaultHeartbeatRequest(), groupId: 'sync-v5', generationId: joined.generationId, memberId: joined.memberId };
    expect((await raw.request(ApiKey.Heartbeat, 0, heartbeat)).errorCode).toBe(ErrorCode.NONE);
    expect((await raw.request(ApiKey.Heartbeat, 4, { ...heartbeat, groupInstanceId: 'i-1' })).errorCode).toBe(ErrorCode.NONE);
    expect((await raw.request(ApiKey.Heartbeat, 3, { ...heartbeat, groupInstanceId: 'i-2' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await raw.request(ApiKey.Heartbeat, 1, { ...heartbeat, generationId: 9 })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it('answers LeaveGroup v0-2 with one error and v3+ per member', async () => {
    const unknown = await raw.request(ApiKey.LeaveGroup, 1, { ...defaultLeaveGroupRequest(), groupId: 'leave', memberId: 'nobody' });
    expect(unknown.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const { memberId } = await stableGroup('leave');
    const batch = await raw.request(ApiKey.LeaveGroup, 5, {
      ...defaultLeaveGroupRequest(),
      groupId: 'leave',
      members: [
        { memberId, groupInstanceId: null, reason: 'done' },
        { memberId: 'nobody', groupInstanceId: null, reason: null },
      ],
    });
    expect(batch.errorCode).toBe(ErrorCode.NONE);
    expect(batch.members.map((m) => [m.memberId, m.errorCode])).toEqual([[memberId, ErrorCode.NONE], ['nobody', ErrorCode.UNKNOWN_MEMBER_ID]]);
  });
});

describe('OffsetCommit and OffsetFetch', () => {
  it('commits at v2 and v8 and fetches by partition (v1), all topics (v2, v7) and per group (v8)', async () => {
    expect((await raw.request(ApiKey.OffsetCommit, 2, commitRequest('offsets-a', 41))).topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    expect((await raw.request(ApiKey.OffsetCommit, 8, commitRequest('offsets-b', 42))).topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    const v1 = await raw.request(ApiKey.OffsetFetch, 1, { ...defaultOffsetFetchRequest(), groupId: 'offsets-a', topics: [{ name: 't', partitionIndexes: [0, 1] }] });
    expect(v1.topics[0].partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata])).toEqual([[0, -1, ''], [1, 41, 'meta']]);
    const all = await raw.request(ApiKey.OffsetFetch, 2, { ...defaultOffsetFetchRequest(), groupId: 'offsets-a', topics: null });
    expect(all).toMatchObject({ errorCode: ErrorCode.NONE, topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 41 }] }] });
    const stable = await raw.request(ApiKey.OffsetFetch, 7, { ...defaultOffsetFetchRequest(), groupId: 'offsets-b', topics: null, requireStable: true });
    expect(stable.topics[0].partitions[0]).toMatchObject({ committedOffset: 42, committedLeaderEpoch: 3 });
    const groups = await raw.request(ApiKey.OffsetFetch, 8, {
      ...defaultOffsetFetchRequest(),
      groups: [
        { groupId: 'offsets-a', memberId: null, memberEpoch: -1, topics: null },
        { groupId: 'offsets-b', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [1, 2] }] },
      ],
    });
    expect(groups.groups.map((g) => [g.groupId, g.errorCode, g.topics[0].partitions.map((p) => p.committedOffset)])).toEqual([
      ['offsets-a', 0, [41]],
      ['offsets-b', 0, [42, -1]],
    ]);
  });

  it('refuses commits to partitions that do not exist, one by one', async () => {
    const request = commitRequest('offsets-c', 1);
    request.topics.push({ name: 'missing', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] });
    request.topics[0].partitions.push({ partitionIndex: 3, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null });
    const response = await raw.request(ApiKey.OffsetCommit, 5, request);
    expect(response.topics.map((t) => [t.name, t.partitions.map((p) => p.errorCode)])).toEqual([
      ['t', [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]],
      ['missing', [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]],
    ]);
  });

  it('commits as a member of its current generation', async () => {
    const { memberId, generationId } = await stableGroup('offsets-member');
    const stale = await raw.request(ApiKey.OffsetCommit, 7, commitRequest('offsets-member', 5, { generationIdOrMemberEpoch: generationId - 1, memberId }));
    expect(stale.topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const current = await raw.request(ApiKey.OffsetCommit, 7, commitRequest('offsets-member', 5, { generationIdOrMemberEpoch: generationId, memberId }));
    expect(current.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
  });

  it('drops commits when their topic is deleted', async () => {
    await broker.registry.create('doomed', 1);
    const request = { ...commitRequest('offsets-d', 7), topics: [{ name: 'doomed', partitions: [{ partitionIndex: 0, committedOffset: 7, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] }] };
    await raw.request(ApiKey.OffsetCommit, 2, request);
    const deleted = await raw.request(ApiKey.DeleteTopics, 1, { ...defaultDeleteTopicsRequest(), topicNames: ['doomed'] });
    expect(deleted.responses[0].errorCode).toBe(ErrorCode.NONE);
    const fetched = await raw.request(ApiKey.OffsetFetch, 3, { ...defaultOffsetFetchRequest(), groupId: 'offsets-d', topics: null });
    expect(fetched.topics).toEqual([]);
  });
});

describe('DescribeGroups, ListGroups, DeleteGroups, OffsetDelete', () => {
  it('describes a Stable group (v0 and v5) and an unknown one as Dead', async () => {
    const { memberId } = await stableGroup('described');
    for (const version of [0, 5]) {
      const response = await raw.request(ApiKey.DescribeGroups, version, { ...defaultDescribeGroupsRequest(), groups: ['described', 'ghost'] });
      const [described, ghost] = response.groups;
      expect(described).toMatchObject({ errorCode: 0, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
      expect(described.members).toEqual([
        { memberId, groupInstanceId: null, clientId: 'raw-client', clientHost: '/127.0.0.1', memberMetadata: subscription(['t']), memberAssignment: Buffer.from('mine') },
      ]);
      expect(ghost).toMatchObject({ errorCode: 0, groupId: 'ghost', groupState: 'Dead', members: [] });
    }
  });

  it('lists groups, filtered by state from v4', async () => {
    await stableGroup('listed-stable');
    await raw.request(ApiKey.OffsetCommit, 2, commitRequest('listed-empty', 1));
    const all = await raw.request(ApiKey.ListGroups, 0, defaultListGroupsRequest());
    expect(all.groups.map((g) => g.groupId)).toEqual(expect.arrayContaining(['listed-stable', 'listed-empty']));
    const empty = await raw.request(ApiKey.ListGroups, 4, { ...defaultListGroupsRequest(), statesFilter: ['empty'] });
    expect(empty.groups.map((g) => g.groupId)).toContain('listed-empty');
    expect(empty.groups.map((g) => g.groupId)).not.toContain('listed-stable');
    expect(empty.groups.every((g) => g.groupState === 'Empty')).toBe(true);
    const classic = await raw.request(ApiKey.ListGroups, 5, { ...defaultListGroupsRequest(), statesFilter: ['Stable'], typesFilter: ['classic'] });
    expect(classic.groups.find((g) => g.groupId === 'listed-stable')).toMatchObject({ groupState: 'Stable', groupType: 'classic', protocolType: 'consumer' });
  });

  it('deletes empty groups only, and offsets of unsubscribed topics', async () => {
    await stableGroup('busy');
    await raw.request(ApiKey.OffsetCommit, 2, commitRequest('idle', 1));
    const offsetDelete = await raw.request(ApiKey.OffsetDelete, 0, { ...defaultOffsetDeleteRequest(), groupId: 'busy', topics: [{ name: 't', partitions: [{ partitionIndex: 1 }] }] });
    expect(offsetDelete.topics[0].partitions[0].errorCode).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    const response = await raw.request(ApiKey.DeleteGroups, 2, { ...defaultDeleteGroupsRequest(), groupsNames: ['busy', 'idle', 'ghost'] });
    expect(response.results.map((r) => [r.groupId, r.errorCode])).toEqual([
      ['busy', ErrorCode.NON_EMPTY_GROUP],
      ['idle', ErrorCode.NONE],
      ['ghost', ErrorCode.GROUP_ID_NOT_FOUND],
    ]);
  });
});
