// Topics out of ConsumerProtocolSubscription bytes, and the protocol choice of the Group class.
import { describe, expect, it } from 'vitest';
import { subscribedTopicsOf } from '../../src/protocol/consumer-protocol.js';
import { Group } from '../../src/group/group.js';
import { Member } from '../../src/group/member.js';
import { subscription } from './harness.js';

describe('subscribedTopicsOf', () => {
  it('reads the topics of every subscription version', () => {
    expect(subscribedTopicsOf(subscription(['orders', 'payments'], 0))).toEqual(['orders', 'payments']);
    expect(subscribedTopicsOf(subscription(['orders'], 1))).toEqual(['orders']);
    expect(subscribedTopicsOf(subscription([], 3))).toEqual([]);
  });

  it('answers null for bytes that are not a subscription', () => {
    expect(subscribedTopicsOf(Buffer.from('opaque'))).toBeNull();
    expect(subscribedTopicsOf(Buffer.alloc(0))).toBeNull();
    // Claims 1000 topics in 6 bytes.
    expect(subscribedTopicsOf(Buffer.from([0, 0, 0, 0, 0x03, 0xe8]))).toBeNull();
  });
});

describe('Group', () => {
  const member = (id: string, ...names: string[]) =>
    new Member({ memberId: id, groupInstanceId: null, clientId: id, clientHost: '/h' }, { sessionTimeoutMs: 1, rebalanceTimeoutMs: 1 }, names.map((name) => ({ name, metadata: Buffer.alloc(0) })));

  it('refuses illegal state transitions', () => {
    const group = new Group('g');
    expect(() => group.transitionTo('Stable')).toThrow(/Empty -> Stable/);
    group.transitionTo('PreparingRebalance');
    expect(() => group.transitionTo('Stable')).toThrow(/PreparingRebalance -> Stable/);
  });

  it('breaks a tie between protocols in favour of the one voted for first', () => {
    const group = new Group('g');
    group.add(member('a', 'sticky', 'range'), 'consumer');
    group.add(member('b', 'range', 'sticky'), 'consumer');
    expect(group.selectProtocol()).toBe('sticky');
  });

  it('only admits members that support a protocol every member supports', () => {
    const group = new Group('g');
    group.add(member('a', 'range', 'sticky'), 'consumer');
    group.add(member('b', 'sticky'), 'consumer');
    expect(group.supportsProtocols('consumer', [{ name: 'range', metadata: Buffer.alloc(0) }])).toBe(false);
    expect(group.supportsProtocols('consumer', [{ name: 'sticky', metadata: Buffer.alloc(0) }])).toBe(true);
  });

  it('computes the subscribed topics of a consumer group, and treats unparsable ones as unknown', () => {
    const group = new Group('g');
    const a = new Member({ memberId: 'a', groupInstanceId: null, clientId: 'a', clientHost: '/h' }, { sessionTimeoutMs: 1, rebalanceTimeoutMs: 1 }, [{ name: 'range', metadata: subscription(['x', 'y']) }]);
    group.add(a, 'consumer');
    group.protocolName = 'range';
    expect([...(group.computeSubscribedTopics() ?? [])]).toEqual(['x', 'y']);
    a.protocols = [{ name: 'range', metadata: Buffer.from('junk') }];
    expect(group.computeSubscribedTopics()).toBeNull();
  });
});
