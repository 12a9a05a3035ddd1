// SyncGroup, Heartbeat and LeaveGroup on the coordinator, and the timers that end sessions.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncRequest } from '../../src/group/membership.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { afterInitialDelay, flush, join, openCoordinator, stableGroup, tracked, type TestCoordinator } from './harness.js';

let harness: TestCoordinator;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  harness = await openCoordinator();
});
afterEach(async () => {
  await harness.close();
  vi.useRealTimers();
});

function sync(memberId: string, generationId: number, more: Partial<SyncRequest> = {}): SyncRequest {
  return { memberId, generationId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [], ...more };
}

const beat = (memberId: string, generationId: number, groupInstanceId: string | null = null) => ({ memberId, generationId, groupInstanceId });

describe('SyncGroup', () => {
  it("parks followers until the leader's assignment arrives; members it leaves out get empty bytes", async () => {
    const { coordinator } = harness;
    const [a, b, c] = await afterInitialDelay(['a', 'b', 'c'].map((clientId) => coordinator.joinGroup(join({ clientId }))));
    const follower = tracked(coordinator.syncGroup('g', sync(b.memberId, 1)));
    await flush();
    expect(follower.settled).toBe(false);
    expect(coordinator.group('g')?.state).toBe('CompletingRebalance');
    const leader = await coordinator.syncGroup('g', sync(a.memberId, 1, { assignments: [{ memberId: a.memberId, assignment: Buffer.from('A') }, { memberId: b.memberId, assignment: Buffer.from('B') }] }));
    expect(leader).toMatchObject({ errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('A') });
    expect((await follower.promise).assignment).toEqual(Buffer.from('B'));
    expect(coordinator.group('g')?.state).toBe('Stable');
    // A late follower in a Stable group gets its (empty) assignment at once.
    expect((await coordinator.syncGroup('g', sync(c.memberId, 1))).assignment).toEqual(Buffer.alloc(0));
  });

  it('refuses unknown groups and members, old generations, other protocols, and a rebalance in progress', async () => {
    const { coordinator } = harness;
    expect((await coordinator.syncGroup('nope', sync('x', 1))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);
    expect((await coordinator.syncGroup('g', sync('x', 1))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await coordinator.syncGroup('g', sync(a.memberId, 0))).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await coordinator.syncGroup('g', sync(a.memberId, 1, { protocolType: 'connect' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await coordinator.syncGroup('g', sync(a.memberId, 1, { protocolName: 'sticky' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    void coordinator.joinGroup(join({ memberId: a.memberId }));
    expect((await coordinator.syncGroup('g', sync(b.memberId, 1))).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('drops members that never send SyncGroup within the rebalance timeout', async () => {
    const { coordinator } = harness;
    const [a, b] = await afterInitialDelay(['a', 'b'].map((clientId) => coordinator.joinGroup(join({ clientId, sessionTimeoutMs: 10_000 }))));
    expect((await coordinator.syncGroup('g', sync(a.memberId, 1))).errorCode).toBe(ErrorCode.NONE);
    await vi.advanceTimersByTimeAsync(2000);
    expect(coordinator.group('g')?.has(b.memberId)).toBe(false);
    expect(coordinator.group('g')?.state).toBe('PreparingRebalance');
  });
});

describe('a member joining during CompletingRebalance', () => {
  it('starts a new round: parked SyncGroups are told to rejoin and the next generation has everyone', async () => {
    const { coordinator } = harness;
    const [a, b] = await afterInitialDelay(['a', 'b'].map((clientId) => coordinator.joinGroup(join({ clientId }))));
    const parked = tracked(coordinator.syncGroup('g', sync(b.memberId, 1)));
    const newcomer = tracked(coordinator.joinGroup(join({ clientId: 'c' })));
    await flush();
    expect(parked.value?.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(coordinator.group('g')?.state).toBe('PreparingRebalance');
    const rejoined = await Promise.all([a, b].map((m) => coordinator.joinGroup(join({ memberId: m.memberId }))));
    await flush();
    expect(newcomer.value?.generationId).toBe(2);
    expect(rejoined.map((r) => r.generationId)).toEqual([2, 2]);
    expect(rejoined[0].members).toHaveLength(3);
  });
});

describe('Heartbeat', () => {
  it('answers by state: 0 when Stable or CompletingRebalance, REBALANCE_IN_PROGRESS while preparing', async () => {
    const { coordinator } = harness;
    const [a, b] = await afterInitialDelay(['a', 'b'].map((clientId) => coordinator.joinGroup(join({ clientId }))));
    expect(coordinator.heartbeat('g', beat(b.memberId, 1))).toBe(ErrorCode.NONE);
    await Promise.all([coordinator.syncGroup('g', sync(a.memberId, 1)), coordinator.syncGroup('g', sync(b.memberId, 1))]);
    expect(coordinator.heartbeat('g', beat(b.memberId, 1))).toBe(ErrorCode.NONE);
    void coordinator.joinGroup(join({ memberId: a.memberId }));
    expect(coordinator.heartbeat('g', beat(b.memberId, 1))).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('refuses unknown groups, unknown members, stale generations and empty group ids', async () => {
    const { coordinator } = harness;
    expect(coordinator.heartbeat('nope', beat('x', 1))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const [a] = await stableGroup(coordinator, ['a']);
    expect(coordinator.heartbeat('g', beat('x', 1))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat('g', beat(a.memberId, 0))).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(coordinator.heartbeat('', beat(a.memberId, 1))).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('keeps a member alive; one that stops heartbeating is removed after its session timeout and the group rebalances', async () => {
    const { coordinator } = harness;
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);
    for (let elapsed = 0; elapsed < 900; elapsed += 300) {
      await vi.advanceTimersByTimeAsync(300);
      expect(coordinator.heartbeat('g', beat(a.memberId, 1))).toBe(ErrorCode.NONE);
    }
    // b's last contact was its SyncGroup, 900 ms ago; its session is 1000 ms.
    expect(coordinator.group('g')?.has(b.memberId)).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(coordinator.group('g')?.has(b.memberId)).toBe(false);
    expect(coordinator.heartbeat('g', beat(a.memberId, 1))).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await coordinator.joinGroup(join({ memberId: a.memberId }));
    expect(rejoined).toMatchObject({ generationId: 2, leaderId: a.memberId });
    expect(rejoined.members.map((m) => m.memberId)).toEqual([a.memberId]);
  });

  it('makes the group Empty (a new generation, persisted) when its last member expires', async () => {
    const { coordinator, store } = harness;
    await stableGroup(coordinator, ['a']);
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(coordinator.group('g')).toMatchObject({ state: 'Empty', generationId: 2 });
    expect(store.groupRecord('g')).toMatchObject({ generationId: 2, members: [] });
  });
});

describe('LeaveGroup', () => {
  it('removes members in a batch with an error per member, and the rest rebalance', async () => {
    const { coordinator } = harness;
    const [a, b, c] = await stableGroup(coordinator, ['a', 'b', 'c']);
    const result = coordinator.leaveGroup('g', [
      { memberId: b.memberId, groupInstanceId: null },
      { memberId: 'stranger', groupInstanceId: null },
      { memberId: c.memberId, groupInstanceId: null },
    ]);
    expect(result.errorCode).toBe(ErrorCode.NONE);
    expect(result.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE]);
    expect(coordinator.group('g')?.state).toBe('PreparingRebalance');
    expect(coordinator.heartbeat('g', beat(b.memberId, 1))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await coordinator.joinGroup(join({ memberId: a.memberId }))).generationId).toBe(2);
  });

  it('answers the parked JoinGroup of a member that leaves, and reports unknown groups per member', async () => {
    const { coordinator } = harness;
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);
    const parked = tracked(coordinator.joinGroup(join({ memberId: a.memberId })));
    coordinator.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    await flush();
    expect(parked.value?.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.group('g')?.has(b.memberId)).toBe(true);
    expect(coordinator.leaveGroup('nope', [{ memberId: 'x', groupInstanceId: null }])).toEqual({
      errorCode: ErrorCode.NONE,
      members: [{ memberId: 'x', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }],
    });
  });

  it('lets the last member leave: the group is Empty at the next generation', async () => {
    const { coordinator } = harness;
    const [a] = await stableGroup(coordinator, ['a']);
    coordinator.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    expect(coordinator.group('g')).toMatchObject({ state: 'Empty', generationId: 2 });
    expect(coordinator.describeGroup('g').members).toEqual([]);
  });
});
