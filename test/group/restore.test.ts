// Group metadata across a coordinator restart: a Stable group comes back Stable with its
// generation, leader, members and assignments; members that never return expire.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../src/protocol/index.js';
import { flush, join, openCoordinator, stableGroup, tracked, type TestCoordinator } from './harness.js';

let harness: TestCoordinator;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  harness = await openCoordinator();
});
afterEach(async () => {
  await harness.close();
  vi.useRealTimers();
});

describe('restart', () => {
  it('brings a Stable group back with its generation, leader, members and assignments', async () => {
    const [a, b] = await stableGroup(harness.coordinator, ['a', 'b']);
    await harness.reopen();
    const { coordinator } = harness;
    const group = coordinator.group('g');
    expect(group).toMatchObject({ state: 'Stable', generationId: 1, leaderId: a.memberId, protocolType: 'consumer', protocolName: 'range' });
    expect(coordinator.describeGroup('g').members.map((m) => [m.memberId, m.clientId, m.clientHost, m.assignment.toString()])).toEqual([
      [a.memberId, 'a', '/127.0.0.1', 'a'],
      [b.memberId, 'b', '/127.0.0.1', 'b'],
    ]);
    // Members carry on as if nothing happened.
    expect(coordinator.heartbeat('g', { memberId: b.memberId, generationId: 1, groupInstanceId: null })).toBe(ErrorCode.NONE);
    const again = await coordinator.syncGroup('g', { memberId: b.memberId, generationId: 1, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    expect(again.assignment).toEqual(Buffer.from('b'));
  });

  it('expires members that do not come back, with their session timers restarted at load', async () => {
    const [a, b] = await stableGroup(harness.coordinator, ['a', 'b']);
    await vi.advanceTimersByTimeAsync(900);
    await harness.reopen();
    const { coordinator } = harness;
    // Before the restart, both sessions had 100 ms left; the load gave them a full one again.
    await vi.advanceTimersByTimeAsync(500);
    expect(coordinator.heartbeat('g', { memberId: a.memberId, generationId: 1, groupInstanceId: null })).toBe(ErrorCode.NONE);
    await vi.advanceTimersByTimeAsync(500);
    expect(coordinator.group('g')?.has(b.memberId)).toBe(false);
    const rejoin = tracked(coordinator.joinGroup(join({ memberId: a.memberId })));
    await flush();
    expect(rejoin.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leaderId: a.memberId });
  });

  it('brings an emptied group back Empty at its last generation, so generations never repeat', async () => {
    const [a] = await stableGroup(harness.coordinator, ['a']);
    harness.coordinator.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    await flush();
    await harness.reopen();
    expect(harness.coordinator.group('g')).toMatchObject({ state: 'Empty', generationId: 2 });
    const [next] = await stableGroup(harness.coordinator, ['b']);
    expect(next.join.generationId).toBe(3);
  });

  it('answers parked requests with NOT_COORDINATOR at shutdown and leaves the stored group as it was', async () => {
    const [a] = await stableGroup(harness.coordinator, ['a', 'b']);
    const parked = tracked(harness.coordinator.joinGroup(join({ memberId: a.memberId })));
    harness.coordinator.shutdown();
    await flush();
    expect(parked.value?.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await harness.coordinator.joinGroup(join({ clientId: 'late' }))).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    await harness.reopen();
    expect(harness.coordinator.group('g')).toMatchObject({ state: 'Stable', generationId: 1 });
  });

  it('loads a group whose stored record it does not understand as Empty, keeping its offsets', async () => {
    await harness.store.saveGroup('odd', { version: 99, members: 'not a list' });
    await harness.store.commitOffsets('odd', [{ topic: 't', partition: 0, offset: { offset: 5, leaderEpoch: -1, metadata: null, commitTimestamp: 0 } }]);
    await harness.reopen();
    expect(harness.coordinator.describeGroup('odd')).toMatchObject({ state: 'Empty', members: [] });
    expect(harness.coordinator.fetchOffsets('odd', null)[0].partitions[0].offset).toBe(5);
  });
});
