// ConsumerProtocol bytes: our encoding round-trips, and kafkajs (a different implementation of
// the same layout) reads what we write and we read what it writes.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../src/protocol/consumer-protocol.js';

interface KafkajsAssignerProtocol {
  MemberMetadata: {
    encode(metadata: { version: number; topics: string[]; userData?: Buffer }): Buffer;
    decode(buffer: Buffer): { version: number; topics: string[]; userData: Buffer | null };
  };
  MemberAssignment: {
    encode(assignment: { version: number; assignment: Record<string, number[]>; userData?: Buffer }): Buffer;
    decode(buffer: Buffer): { version: number; assignment: Record<string, number[]>; userData: Buffer | null } | null;
  };
}

const kafkajs = createRequire(import.meta.url)('kafkajs') as { AssignerProtocol: KafkajsAssignerProtocol };
const { MemberMetadata, MemberAssignment } = kafkajs.AssignerProtocol;

describe('consumer protocol subscription', () => {
  it('round-trips topics, user data and owned partitions (v1)', () => {
    const subscription = { topics: ['a', 'b'], userData: Buffer.from([1, 2, 3]), ownedPartitions: [{ topic: 'a', partition: 2 }, { topic: 'a', partition: 0 }] };
    expect(decodeSubscription(encodeSubscription(subscription))).toEqual({ ...subscription, ownedPartitions: [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 2 }] });
  });

  it('writes v0 without owned partitions when asked', () => {
    const bytes = encodeSubscription({ topics: ['x'], userData: null, ownedPartitions: [{ topic: 'x', partition: 1 }] }, 0);
    expect(bytes.readInt16BE(0)).toBe(0);
    expect(decodeSubscription(bytes)).toEqual({ topics: ['x'], userData: null, ownedPartitions: [] });
  });

  it('is readable by kafkajs, and reads what kafkajs writes', () => {
    expect(MemberMetadata.decode(encodeSubscription({ topics: ['orders', 'refunds'], userData: null, ownedPartitions: [] })).topics).toEqual(['orders', 'refunds']);
    expect(decodeSubscription(MemberMetadata.encode({ version: 0, topics: ['orders'] })).topics).toEqual(['orders']);
  });

  it('rejects bytes that are not a subscription', () => {
    expect(() => decodeSubscription(Buffer.from([0, 0, 0, 0, 0, 9]))).toThrow(RangeError);
  });
});

describe('consumer protocol assignment', () => {
  it('round-trips partitions grouped by topic', () => {
    const partitions = [{ topic: 'b', partition: 1 }, { topic: 'a', partition: 3 }, { topic: 'a', partition: 0 }];
    expect(decodeAssignment(encodeAssignment(partitions))).toEqual([{ topic: 'a', partition: 0 }, { topic: 'a', partition: 3 }, { topic: 'b', partition: 1 }]);
  });

  it('reads empty bytes (a member the leader left out) as no partitions', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual([]);
  });

  it('is readable by kafkajs, and reads what kafkajs writes', () => {
    expect(MemberAssignment.decode(encodeAssignment([{ topic: 't', partition: 4 }, { topic: 't', partition: 1 }]))?.assignment).toEqual({ t: [1, 4] });
    expect(decodeAssignment(MemberAssignment.encode({ version: 0, assignment: { t: [0, 2], u: [5] } }))).toEqual([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 2 },
      { topic: 'u', partition: 5 },
    ]);
  });
});
