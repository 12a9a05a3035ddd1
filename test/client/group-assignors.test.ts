// The range and roundrobin assignors against the examples in Kafka's RangeAssignor and
// RoundRobinAssignor documentation, plus the member order (static members first) and the names
// offered in JoinGroup.
import { describe, expect, it } from 'vitest';
import { KAFKAJS_ROUND_ROBIN, rangeAssignor, resolveAssignors, roundRobinAssignor, sortMembers, type GroupAssignment, type MemberSubscription } from '../../src/client/group-assignors.js';

function member(memberId: string, topics: string[], groupInstanceId: string | null = null): MemberSubscription {
  return { memberId, groupInstanceId, topics };
}

/** 'C0' -> ['t0p0', 't0p1', ...] for comparing with the documentation's notation. */
function readable(assignment: GroupAssignment): Record<string, string[]> {
  return Object.fromEntries([...assignment].map(([memberId, partitions]) => [memberId, partitions.map((p) => `${p.topic}p${p.partition}`)]));
}

const twoTopicsOfThree = new Map([
  ['t0', 3],
  ['t1', 3],
]);

describe('range assignor (Kafka RangeAssignor)', () => {
  it('gives the first member the extra partition of every topic (documented example)', () => {
    const result = rangeAssignor.assign([member('C1', ['t0', 't1']), member('C0', ['t0', 't1'])], twoTopicsOfThree);
    expect(readable(result)).toEqual({ C0: ['t0p0', 't0p1', 't1p0', 't1p1'], C1: ['t0p2', 't1p2'] });
  });

  it('splits 10 partitions over 3 members as 4, 3, 3 consecutive ranges', () => {
    const result = rangeAssignor.assign([member('a', ['t']), member('b', ['t']), member('c', ['t'])], new Map([['t', 10]]));
    expect(readable(result)).toEqual({ a: ['tp0', 'tp1', 'tp2', 'tp3'], b: ['tp4', 'tp5', 'tp6'], c: ['tp7', 'tp8', 'tp9'] });
  });

  it('only uses the members subscribed to a topic, and leaves unknown topics out', () => {
    const result = rangeAssignor.assign([member('a', ['t0', 'missing']), member('b', ['t0', 't1'])], twoTopicsOfThree);
    expect(readable(result)).toEqual({ a: ['t0p0', 't0p1'], b: ['t0p2', 't1p0', 't1p1', 't1p2'] });
  });

  it('gives members beyond the partition count nothing', () => {
    const result = rangeAssignor.assign([member('a', ['t']), member('b', ['t']), member('c', ['t'])], new Map([['t', 2]]));
    expect(readable(result)).toEqual({ a: ['tp0'], b: ['tp1'], c: [] });
  });
});

describe('roundrobin assignor (Kafka RoundRobinAssignor)', () => {
  it('deals the sorted partitions in turn (documented example with equal subscriptions)', () => {
    const result = roundRobinAssignor.assign([member('C0', ['t0', 't1']), member('C1', ['t0', 't1'])], twoTopicsOfThree);
    expect(readable(result)).toEqual({ C0: ['t0p0', 't0p2', 't1p1'], C1: ['t0p1', 't1p0', 't1p2'] });
  });

  it('skips members not subscribed to a topic (documented example with different subscriptions)', () => {
    const members = [member('C2', ['t0', 't1', 't2']), member('C0', ['t0']), member('C1', ['t0', 't1'])];
    const result = roundRobinAssignor.assign(members, new Map([['t0', 1], ['t1', 2], ['t2', 3]]));
    expect(readable(result)).toEqual({ C0: ['t0p0'], C1: ['t1p0'], C2: ['t1p1', 't2p0', 't2p1', 't2p2'] });
  });
});

describe('member order and assignor names', () => {
  it('puts static members first, by instance id, then dynamic members by member id', () => {
    const sorted = sortMembers([member('a-dynamic', ['t']), member('z-1', ['t'], 'instance-b'), member('b-dynamic', ['t']), member('y-2', ['t'], 'instance-a')]);
    expect(sorted.map((m) => m.memberId)).toEqual(['y-2', 'z-1', 'a-dynamic', 'b-dynamic']);
  });

  it('keeps a restarted static member on the same partitions although its member id changed', () => {
    const counts = new Map([['t', 4]]);
    const before = rangeAssignor.assign([member('static-old', ['t'], 'worker-1'), member('dynamic', ['t'])], counts);
    const after = rangeAssignor.assign([member('static-new', ['t'], 'worker-1'), member('dynamic', ['t'])], counts);
    expect(after.get('static-new')).toEqual(before.get('static-old'));
  });

  it("offers range, roundrobin and kafkajs's RoundRobinAssigner by default order", () => {
    expect(resolveAssignors(['range', 'roundrobin']).map((a) => a.name)).toEqual(['range', 'roundrobin', KAFKAJS_ROUND_ROBIN]);
  });

  it('refuses unknown and duplicate assignors', () => {
    expect(() => resolveAssignors(['sticky' as 'range'])).toThrow(/unknown assignor "sticky"/);
    expect(() => resolveAssignors(['range', 'range'])).toThrow(/listed twice/);
    expect(() => resolveAssignors([])).toThrow(/at least one/);
  });
});
