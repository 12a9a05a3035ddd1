// Static members (group.instance.id, JoinGroup v5+): a restart takes the old place back without a
// rebalance, and the old incarnation is fenced.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../src/protocol/index.js';
import { flush, join, openCoordinator, stableGroup, subscription, tracked, type TestCoordinator } from './harness.js';

let harness: TestCoordinator;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  harness = await openCoordinator();
});
afterEach(async () => {
  await harness.close();
  vi.useRealTimers();
});

/** A Stable group of two static members, instance-a (the leader) and instance-b. */
async function staticGroup(sessionTimeoutMs = 1000) {
  const { coordinator } = harness;
  const joins = ['a', 'b'].map((name) => coordinator.joinGroup(join({ clientId: name, groupInstanceId: `instance-${name}`, requireKnownMemberId: true, sessionTimeoutMs })));
  await vi.advanceTimersByTimeAsync(200);
  const [a, b] = await Promise.all(joins);
  const assignments = [
    { memberId: a.memberId, assignment: Buffer.from('A') },
    { memberId: b.memberId, assignment: Buffer.from('B') },
  ];
  const sync = (memberId: string, instance: string) =>
    coordinator.syncGroup('g', { memberId, generationId: 1, groupInstanceId: instance, protocolType: null, protocolName: null, assignments: memberId === a.memberId ? assignments : [] });
  await Promise.all([sync(a.memberId, 'instance-a'), sync(b.memberId, 'instance-b')]);
  expect(coordinator.group('g')?.state).toBe('Stable');
  return { a, b };
}

describe('static membership', () => {
  it('takes a restarted member back under a new id, with its assignment, without a rebalance', async () => {
    const { coordinator, store } = harness;
    const { a, b } = await staticGroup();
    const restarted = await coordinator.joinGroup(join({ clientId: 'b', groupInstanceId: 'instance-b', requireKnownMemberId: true }));
    expect(restarted).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leaderId: a.memberId, members: [] });
    expect(restarted.memberId).not.toBe(b.memberId);
    expect(coordinator.group('g')).toMatchObject({ state: 'Stable', generationId: 1 });
    const synced = await coordinator.syncGroup('g', { memberId: restarted.memberId, generationId: 1, groupInstanceId: 'instance-b', protocolType: null, protocolName: null, assignments: [] });
    expect(synced.assignment).toEqual(Buffer.from('B'));
    expect(coordinator.heartbeat('g', { memberId: a.memberId, generationId: 1, groupInstanceId: 'instance-a' })).toBe(ErrorCode.NONE);
    // The new member id is what a restart would restore.
    const stored = store.groupRecord('g') as { members: Array<{ memberId: string; groupInstanceId: string }> };
    expect(stored.members.find((m) => m.groupInstanceId === 'instance-b')?.memberId).toBe(restarted.memberId);
  });

  it('fences the old incarnation on sync, heartbeat, commit and join', async () => {
    const { coordinator } = harness;
    const { b } = await staticGroup();
    await coordinator.joinGroup(join({ clientId: 'b', groupInstanceId: 'instance-b' }));
    const old = { memberId: b.memberId, generationId: 1, groupInstanceId: 'instance-b' };
    expect(coordinator.heartbeat('g', old)).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect((await coordinator.syncGroup('g', { ...old, protocolType: null, protocolName: null, assignments: [] })).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const commit = await coordinator.commitOffsets('g', old, [{ topic: 't', partitions: [{ partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] }], () => true);
    expect(commit[0].partitions[0].errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect((await coordinator.joinGroup(join({ memberId: b.memberId, groupInstanceId: 'instance-b' }))).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    // Without its instance id the old id is simply unknown.
    expect(coordinator.heartbeat('g', { ...old, groupInstanceId: null })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('answers a JoinGroup the old incarnation still had parked with FENCED_INSTANCE_ID', async () => {
    const { coordinator } = harness;
    const { a, b } = await staticGroup();
    const parked = tracked(coordinator.joinGroup(join({ memberId: b.memberId, groupInstanceId: 'instance-b', protocols: [{ name: 'range', metadata: subscription(['t', 'u']) }] })));
    await flush();
    expect(parked.settled).toBe(false);
    const restarted = tracked(coordinator.joinGroup(join({ groupInstanceId: 'instance-b' })));
    await flush();
    expect(parked.value?.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    // The rebalance goes on with the new incarnation in it.
    await coordinator.joinGroup(join({ memberId: a.memberId, groupInstanceId: 'instance-a' }));
    await flush();
    expect(restarted.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
  });

  it('rebalances when the restarted member changes the protocol the group would choose', async () => {
    const { coordinator } = harness;
    await staticGroup();
    const preferRoundRobin = [
      { name: 'roundrobin', metadata: subscription(['t']) },
      { name: 'range', metadata: subscription(['t']) },
    ];
    // a supports only range, so range stays the choice: b comes back without a rebalance.
    const restartedB = await coordinator.joinGroup(join({ clientId: 'b', groupInstanceId: 'instance-b', protocols: preferRoundRobin }));
    expect(restartedB).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
    // Now both prefer roundrobin: the chosen protocol would change, so the group rebalances.
    const restartedA = tracked(coordinator.joinGroup(join({ clientId: 'a', groupInstanceId: 'instance-a', protocols: preferRoundRobin })));
    await flush();
    expect(restartedA.settled).toBe(false);
    expect(coordinator.group('g')?.state).toBe('PreparingRebalance');
  });

  it('keeps a static member that misses a rebalance in the next generation until its session ends', async () => {
    const { coordinator } = harness;
    const { a, b } = await staticGroup(5000);
    const rejoinA = tracked(coordinator.joinGroup(join({ memberId: a.memberId, groupInstanceId: 'instance-a', sessionTimeoutMs: 5000 })));
    await vi.advanceTimersByTimeAsync(2000);
    // The rebalance timeout passed without b; a dynamic member would have been dropped.
    expect(rejoinA.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
    expect(rejoinA.value?.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
    await coordinator.syncGroup('g', { memberId: a.memberId, generationId: 2, groupInstanceId: 'instance-a', protocolType: null, protocolName: null, assignments: [] });
    expect(coordinator.group('g')?.has(b.memberId)).toBe(true);
    await vi.advanceTimersByTimeAsync(3000);
    expect(coordinator.group('g')?.has(b.memberId)).toBe(false);
    expect(coordinator.group('g')?.state).toBe('PreparingRebalance');
  });

  it('can be removed by an admin with its instance id alone', async () => {
    const { coordinator } = harness;
    await staticGroup();
    const result = coordinator.leaveGroup('g', [
      { memberId: '', groupInstanceId: 'instance-b' },
      { memberId: '', groupInstanceId: 'instance-zzz' },
    ]);
    expect(result.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(coordinator.group('g')?.members.size).toBe(1);
  });

  it('is dynamic when it has no instance id: a rejoin without id is a new member', async () => {
    const { coordinator } = harness;
    const [a] = await stableGroup(coordinator, ['a']);
    const again = tracked(coordinator.joinGroup(join({ clientId: 'a' })));
    await flush();
    expect(again.settled).toBe(false);
    expect(coordinator.group('g')?.members.size).toBe(2);
    expect(coordinator.group('g')?.has(a.memberId)).toBe(true);
  });
});
