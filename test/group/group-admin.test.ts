// DescribeGroups, ListGroups, DeleteGroups and OffsetDelete on the coordinator.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../src/protocol/index.js';
import { join, openCoordinator, stableGroup, subscription, type TestCoordinator } from './harness.js';

let harness: TestCoordinator;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  harness = await openCoordinator();
});
afterEach(async () => {
  await harness.close();
  vi.useRealTimers();
});

const exists = () => true;
const standalone = { generationId: -1, memberId: '', groupInstanceId: null };
const commit = (topic: string, partition = 0) => [{ topic, partitions: [{ partition, offset: 1, leaderEpoch: -1, metadata: null }] }];

describe('DescribeGroups and ListGroups', () => {
  it('describes a Stable group with its members, metadata and assignments', async () => {
    const { coordinator } = harness;
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);
    const summary = coordinator.describeGroup('g');
    expect(summary).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocol: 'range' });
    expect(summary.members.find((m) => m.memberId === b.memberId)).toEqual({
      memberId: b.memberId,
      groupInstanceId: null,
      clientId: 'b',
      clientHost: '/127.0.0.1',
      metadata: subscription(['t']),
      assignment: Buffer.from('b'),
    });
    expect(summary.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
  });

  it('shows members without metadata or protocol while rebalancing, and unknown groups as Dead', async () => {
    const { coordinator } = harness;
    const [a] = await stableGroup(coordinator, ['a', 'b']);
    void coordinator.joinGroup(join({ memberId: a.memberId }));
    const summary = coordinator.describeGroup('g');
    expect(summary).toMatchObject({ state: 'PreparingRebalance', protocol: '' });
    expect(summary.members.every((m) => m.metadata.length === 0 && m.assignment.length === 0)).toBe(true);
    expect(coordinator.describeGroup('ghost')).toEqual({ groupId: 'ghost', state: 'Dead', protocolType: '', protocol: '', members: [] });
  });

  it('lists groups with their protocol type and state', async () => {
    const { coordinator } = harness;
    await stableGroup(coordinator, ['a']);
    await coordinator.commitOffsets('offsets-only', standalone, commit('t'), exists);
    expect(coordinator.listGroups().sort((x, y) => x.groupId.localeCompare(y.groupId))).toEqual([
      { groupId: 'g', protocolType: 'consumer', state: 'Stable' },
      { groupId: 'offsets-only', protocolType: '', state: 'Empty' },
    ]);
  });
});

describe('a group its last member left (librdkafka 0081)', () => {
  it('stays a consumer group, Empty and without a protocol, in ListGroups and DescribeGroups, and across a restart', async () => {
    const [a] = await stableGroup(harness.coordinator, ['a']);
    harness.coordinator.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    await vi.advanceTimersByTimeAsync(0);
    expect(harness.coordinator.listGroups()).toEqual([{ groupId: 'g', protocolType: 'consumer', state: 'Empty' }]);
    expect(harness.coordinator.describeGroup('g')).toMatchObject({ state: 'Empty', protocolType: 'consumer', protocol: '', members: [] });
    await harness.reopen();
    expect(harness.coordinator.describeGroup('g')).toMatchObject({ state: 'Empty', protocolType: 'consumer', protocol: '' });
  });

  it('takes the protocol type of the next first member', async () => {
    const [a] = await stableGroup(harness.coordinator, ['a']);
    harness.coordinator.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    await vi.advanceTimersByTimeAsync(0);
    await stableGroup(harness.coordinator, ['b'], { protocolType: 'connect', protocols: [{ name: 'default', metadata: Buffer.from('opaque') }] });
    expect(harness.coordinator.describeGroup('g')).toMatchObject({ state: 'Stable', protocolType: 'connect' });
  });
});

describe('DeleteGroups', () => {
  it('refuses a group with members and an unknown group', async () => {
    const { coordinator } = harness;
    await stableGroup(coordinator, ['a']);
    expect(await coordinator.deleteGroup('g')).toBe(ErrorCode.NON_EMPTY_GROUP);
    expect(await coordinator.deleteGroup('ghost')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(coordinator.group('g')?.state).toBe('Stable');
  });

  it('deletes an empty group with its commits, for good', async () => {
    const { coordinator } = harness;
    const [a] = await stableGroup(coordinator, ['a']);
    await coordinator.commitOffsets('g', { generationId: 1, memberId: a.memberId, groupInstanceId: null }, commit('t'), exists);
    coordinator.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    expect(await coordinator.deleteGroup('g')).toBe(ErrorCode.NONE);
    expect(coordinator.describeGroup('g').state).toBe('Dead');
    expect(await coordinator.deleteGroup('g')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    await harness.reopen();
    expect(harness.coordinator.listGroups()).toEqual([]);
    expect(harness.coordinator.fetchOffsets('g', null)).toEqual([]);
  });
});

describe('OffsetDelete', () => {
  it('refuses topics the members subscribe to and deletes the others', async () => {
    const { coordinator } = harness;
    const [a] = await stableGroup(coordinator, ['a'], { protocols: [{ name: 'range', metadata: subscription(['t'], 1) }] });
    const who = { generationId: 1, memberId: a.memberId, groupInstanceId: null };
    await coordinator.commitOffsets('g', who, [...commit('t'), ...commit('old')], exists);
    const result = await coordinator.deleteOffsets('g', [{ topic: 't', partitions: [0] }, { topic: 'old', partitions: [0] }], exists);
    expect(result.errorCode).toBe(ErrorCode.NONE);
    expect(result.topics.map((t) => [t.topic, t.partitions[0].errorCode])).toEqual([['t', ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC], ['old', ErrorCode.NONE]]);
    expect(coordinator.fetchOffsets('g', null).map((t) => t.topic)).toEqual(['t']);
  });

  it('deletes anything from an empty group, and refuses unknown groups and partitions', async () => {
    const { coordinator } = harness;
    await coordinator.commitOffsets('g', standalone, commit('t'), exists);
    const onlyT = (topic: string) => topic === 't';
    const result = await coordinator.deleteOffsets('g', [{ topic: 't', partitions: [0] }, { topic: 'gone', partitions: [0] }], onlyT);
    expect(result.topics.map((t) => t.partitions[0].errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(coordinator.fetchOffsets('g', null)).toEqual([]);
    expect((await coordinator.deleteOffsets('ghost', [{ topic: 't', partitions: [0] }], exists)).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('refuses any deletion from a non-consumer group with members', async () => {
    const { coordinator } = harness;
    await stableGroup(coordinator, ['a'], { protocolType: 'connect', protocols: [{ name: 'default', metadata: Buffer.from('opaque') }] });
    expect((await coordinator.deleteOffsets('g', [{ topic: 't', partitions: [0] }], exists)).errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
  });
});
