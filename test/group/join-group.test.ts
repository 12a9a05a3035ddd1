// JoinGroup on the coordinator: validation errors, the MEMBER_ID_REQUIRED round, the initial
// rebalance delay, generation bumps, leader and protocol selection, what the leader is told.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../src/protocol/index.js';
import { TEST_SETTINGS, afterInitialDelay, flush, join, openCoordinator, stableGroup, subscription, tracked, type TestCoordinator } from './harness.js';

let harness: TestCoordinator;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  harness = await openCoordinator();
});
afterEach(async () => {
  await harness.close();
  vi.useRealTimers();
});

const protocols = (...names: string[]) => names.map((name) => ({ name, metadata: subscription(['t']) }));

describe('JoinGroup validation', () => {
  it('refuses an empty group id', async () => {
    expect((await harness.coordinator.joinGroup(join({ groupId: '' }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('refuses session timeouts outside [min, max]', async () => {
    const { coordinator } = harness;
    expect((await coordinator.joinGroup(join({ sessionTimeoutMs: TEST_SETTINGS.minSessionTimeoutMs - 1 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await coordinator.joinGroup(join({ sessionTimeoutMs: TEST_SETTINGS.maxSessionTimeoutMs + 1 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect(coordinator.group('g')).toBeUndefined();
  });

  it('refuses a member id the coordinator never handed out', async () => {
    const { coordinator } = harness;
    expect((await coordinator.joinGroup(join({ memberId: 'made-up' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await stableGroup(coordinator, ['a']);
    const result = await coordinator.joinGroup(join({ memberId: 'made-up' }));
    expect(result).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: 'made-up', generationId: -1 });
  });

  it('refuses a first member without protocol type or protocols, and a forgotten empty group leaves no trace', async () => {
    const { coordinator } = harness;
    expect((await coordinator.joinGroup(join({ protocolType: '' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await coordinator.joinGroup(join({ protocols: [] }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(coordinator.listGroups()).toEqual([]);
  });

  it('refuses a member of another protocol type or with no protocol in common', async () => {
    const { coordinator } = harness;
    await stableGroup(coordinator, ['a']);
    expect((await coordinator.joinGroup(join({ protocolType: 'connect' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await coordinator.joinGroup(join({ protocols: protocols('roundrobin') }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(coordinator.group('g')?.state).toBe('Stable');
  });

  it('refuses new members once the group is full, but not its own members', async () => {
    await harness.close();
    harness = await openCoordinator({ maxGroupSize: 2 });
    const { coordinator } = harness;
    const [a] = await stableGroup(coordinator, ['a', 'b']);
    expect((await coordinator.joinGroup(join({ clientId: 'c' }))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    const rejoin = tracked(coordinator.joinGroup(join({ memberId: a.memberId })));
    await flush();
    expect(rejoin.settled).toBe(false);
    expect(coordinator.group('g')?.state).toBe('PreparingRebalance');
  });
});

describe('MEMBER_ID_REQUIRED (JoinGroup v4+)', () => {
  it('hands out "<clientId>-<uuid>" first, then accepts the member under that id', async () => {
    const { coordinator } = harness;
    const first = await coordinator.joinGroup(join({ clientId: 'kcat', requireKnownMemberId: true }));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^kcat-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(coordinator.group('g')?.isPending(first.memberId)).toBe(true);
    const second = tracked(coordinator.joinGroup(join({ clientId: 'kcat', memberId: first.memberId, requireKnownMemberId: true })));
    await vi.advanceTimersByTimeAsync(TEST_SETTINGS.initialRebalanceDelayMs);
    expect(second.value).toMatchObject({ errorCode: ErrorCode.NONE, memberId: first.memberId, leaderId: first.memberId, generationId: 1 });
  });

  it('forgets a handed-out id after the session timeout, and a pending id holds up a rebalance until then', async () => {
    const { coordinator } = harness;
    const [a] = await stableGroup(coordinator, ['a']);
    const pending = await coordinator.joinGroup(join({ clientId: 'b', requireKnownMemberId: true, sessionTimeoutMs: 500 }));
    const rejoin = tracked(coordinator.joinGroup(join({ memberId: a.memberId })));
    await vi.advanceTimersByTimeAsync(499);
    expect(rejoin.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(rejoin.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
    expect(coordinator.group('g')?.isPending(pending.memberId)).toBe(false);
    expect((await coordinator.joinGroup(join({ memberId: pending.memberId }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('does not apply to static members, which join at once', async () => {
    const result = tracked(harness.coordinator.joinGroup(join({ groupInstanceId: 'instance-1', requireKnownMemberId: true })));
    await vi.advanceTimersByTimeAsync(TEST_SETTINGS.initialRebalanceDelayMs);
    expect(result.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
    expect(result.value?.memberId).toMatch(/^instance-1-/);
  });
});

describe('rebalance timing', () => {
  it('waits out the initial delay of a new group, extended while members keep arriving', async () => {
    const { coordinator } = harness;
    const a = tracked(coordinator.joinGroup(join({ clientId: 'a' })));
    await vi.advanceTimersByTimeAsync(80);
    const b = tracked(coordinator.joinGroup(join({ clientId: 'b' })));
    await vi.advanceTimersByTimeAsync(20);
    // The first delay ended, but b arrived during it: one more delay.
    expect(a.settled).toBe(false);
    expect(coordinator.group('g')?.state).toBe('PreparingRebalance');
    await vi.advanceTimersByTimeAsync(100);
    expect(a.value?.generationId).toBe(1);
    expect(b.value?.generationId).toBe(1);
    expect(coordinator.group('g')?.state).toBe('CompletingRebalance');
  });

  it('caps the extended initial delay at the rebalance timeout', async () => {
    const { coordinator } = harness;
    const first = tracked(coordinator.joinGroup(join({ clientId: 'a', rebalanceTimeoutMs: 250 })));
    // A newcomer in every delay window: 100 + 100 + 50 ms = the 250 ms rebalance timeout.
    for (const wait of [90, 100, 50]) {
      await vi.advanceTimersByTimeAsync(wait);
      void harness.coordinator.joinGroup(join({ clientId: `late-${wait}`, rebalanceTimeoutMs: 250 }));
    }
    await vi.advanceTimersByTimeAsync(9);
    expect(first.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
    expect(first.value?.members).toHaveLength(4);
  });

  it('completes as soon as every known member has rejoined, without waiting for the timeout', async () => {
    const { coordinator } = harness;
    const [a, b] = await stableGroup(coordinator, ['a', 'b']);
    const rejoinA = tracked(coordinator.joinGroup(join({ memberId: a.memberId })));
    await flush();
    expect(rejoinA.settled).toBe(false);
    const rejoinB = tracked(coordinator.joinGroup(join({ memberId: b.memberId })));
    await flush();
    expect(rejoinA.value?.generationId).toBe(2);
    expect(rejoinB.value?.generationId).toBe(2);
  });

  it('drops members that do not rejoin within the rebalance timeout (the largest of the members)', async () => {
    const { coordinator } = harness;
    const [a, b] = await stableGroup(coordinator, ['a', 'b'], { sessionTimeoutMs: 10_000 });
    const rejoinA = tracked(coordinator.joinGroup(join({ memberId: a.memberId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 3000 })));
    await vi.advanceTimersByTimeAsync(2999);
    expect(rejoinA.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(rejoinA.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leaderId: a.memberId });
    expect(rejoinA.value?.members.map((m) => m.memberId)).toEqual([a.memberId]);
    expect(coordinator.group('g')?.has(b.memberId)).toBe(false);
  });

  it('answers a JoinGroup that is superseded by a retry with REBALANCE_IN_PROGRESS', async () => {
    const { coordinator } = harness;
    const [a] = await stableGroup(coordinator, ['a', 'b']);
    const first = tracked(coordinator.joinGroup(join({ memberId: a.memberId })));
    const retry = tracked(coordinator.joinGroup(join({ memberId: a.memberId })));
    await flush();
    expect(first.value?.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(retry.settled).toBe(false);
  });
});

describe('generations, leader and protocol', () => {
  it('bumps the generation on every completed rebalance', async () => {
    const { coordinator } = harness;
    const [a] = await stableGroup(coordinator, ['a']);
    expect(a.join.generationId).toBe(1);
    const again = await coordinator.joinGroup(join({ memberId: a.memberId }));
    expect(again.generationId).toBe(2);
    expect(coordinator.group('g')?.generationId).toBe(2);
  });

  it("gives the leader every member's metadata and the followers none", async () => {
    const { coordinator } = harness;
    const results = await afterInitialDelay(
      ['a', 'b', 'c'].map((name) => coordinator.joinGroup(join({ clientId: name, protocols: [{ name: 'range', metadata: subscription([`topic-${name}`]) }] }))),
    );
    const leaders = results.filter((r) => r.memberId === r.leaderId);
    expect(leaders).toHaveLength(1);
    expect(leaders[0].memberId).toBe(results[0].memberId);
    expect(leaders[0].members.map((m) => m.memberId).sort()).toEqual(results.map((r) => r.memberId).sort());
    expect(leaders[0].members.find((m) => m.memberId === results[1].memberId)?.metadata).toEqual(subscription(['topic-b']));
    for (const follower of results.filter((r) => r !== leaders[0])) expect(follower.members).toEqual([]);
  });

  it('keeps the previous leader while it is in the group, and elects another when it leaves', async () => {
    const { coordinator } = harness;
    const [a, b, c] = await stableGroup(coordinator, ['a', 'b', 'c']);
    expect(a.join.leaderId).toBe(a.memberId);
    // The leader rejoining starts a rebalance; the followers then rejoin into it.
    const second = await Promise.all([a, c, b].map((m) => coordinator.joinGroup(join({ memberId: m.memberId }))));
    expect(second.map((r) => r.generationId)).toEqual([2, 2, 2]);
    expect(second.map((r) => r.leaderId)).toEqual([a.memberId, a.memberId, a.memberId]);
    coordinator.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    const third = await Promise.all([b, c].map((m) => coordinator.joinGroup(join({ memberId: m.memberId }))));
    expect(third[0].leaderId).not.toBe(a.memberId);
    expect([b.memberId, c.memberId]).toContain(third[0].leaderId);
  });

  it('chooses the common protocol most members prefer', async () => {
    const { coordinator } = harness;
    const offers = [protocols('range', 'roundrobin', 'sticky'), protocols('sticky', 'roundrobin'), protocols('roundrobin', 'sticky')];
    const results = await afterInitialDelay(offers.map((offer, i) => coordinator.joinGroup(join({ clientId: `m${i}`, protocols: offer }))));
    // range is not common; m0 votes roundrobin (its first common one), m1 sticky, m2 roundrobin.
    for (const result of results) expect(result.protocolName).toBe('roundrobin');
  });
});
