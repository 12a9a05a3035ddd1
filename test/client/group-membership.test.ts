// Consumer groups end to end against the sluice broker: the partitions of a topic split over the
// members, each message delivered once; partitions of a member that closes move to the others;
// committed offsets are where a new member starts; a static member restarts without a rebalance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, fillTopic, openTestBed, Reader, type GroupTestBed } from './group-harness.js';

let bed: GroupTestBed;

beforeAll(async () => {
  bed = await openTestBed();
});
afterAll(async () => {
  await bed.close();
});

/** Waits until the group is Stable with `members` members and every reader owns `each` partitions. */
async function settled(groupId: string, readers: readonly Reader[], each: number): Promise<void> {
  await expect.poll(() => bed.broker.groups.describeGroup(groupId).state, { timeout: 15_000 }).toBe('Stable');
  await expect.poll(() => bed.broker.groups.describeGroup(groupId).members.length, { timeout: 15_000 }).toBe(readers.length);
  for (const reader of readers) await expect.poll(() => reader.owned.length, { timeout: 15_000 }).toBe(each);
}

describe('consumer groups', () => {
  it('splits a 6-partition topic 2-2-2 over three members and delivers every message exactly once', async () => {
    await fillTopic(bed.client, 'six', 6, 20);
    const readers = [0, 1, 2].map(() => new Reader(bed.client, 'trio', ['six']));
    await settled('trio', readers, 2);
    expect(readers.flatMap((r) => r.owned).sort()).toEqual(['six/0', 'six/1', 'six/2', 'six/3', 'six/4', 'six/5']);
    await expect.poll(() => deliveries(readers).size, { timeout: 15_000 }).toBe(120);
    expect([...deliveries(readers).values()].every((count) => count === 1)).toBe(true);
    await Promise.all(readers.map((r) => r.close()));
  });

  it("moves a closing member's partitions to the others without delivering anything twice", async () => {
    await fillTopic(bed.client, 'handover', 6, 10);
    const readers = [0, 1, 2].map(() => new Reader(bed.client, 'handover-group', ['handover']));
    await settled('handover-group', readers, 2);
    await expect.poll(() => deliveries(readers).size, { timeout: 15_000 }).toBe(60);
    const leaving = readers.pop() as Reader;
    const itsPartitions = leaving.owned;
    await leaving.close();
    expect(leaving.revocations.at(-1)?.map((tp) => `${tp.topic}/${tp.partition}`).sort()).toEqual(itsPartitions);
    await settled('handover-group', readers, 3);
    expect(readers.flatMap((r) => r.owned).sort()).toEqual(expect.arrayContaining(itsPartitions));
    await fillTopic(bed.client, 'handover', 6, 10, 10);
    const all = [...readers, leaving];
    await expect.poll(() => deliveries(all).size, { timeout: 15_000 }).toBe(120);
    expect([...deliveries(all).values()].every((count) => count === 1)).toBe(true);
    await Promise.all(readers.map((r) => r.close()));
  });

  it('starts a new member after the offsets committed by the previous one', async () => {
    await fillTopic(bed.client, 'resume', 2, 10);
    const consumer = bed.client.consumer({ groupId: 'resumers', autoCommit: false, sessionTimeoutMs: 6000, heartbeatIntervalMs: 100, autoOffsetReset: 'earliest', maxWaitMs: 100 });
    consumer.subscribe(['resume']);
    const firstRun: string[] = [];
    for await (const message of consumer) {
      firstRun.push(`${message.partition}:${message.offset}`);
      if (firstRun.length === 20) break;
    }
    // Partition 0 resumes after offset 3; partition 1 from the explicitly committed offset 7.
    await consumer.commit([
      { topic: 'resume', partition: 0, offset: 4 },
      { topic: 'resume', partition: 1, offset: 7 },
    ]);
    await consumer.close(); // autoCommit is off: closing commits nothing more
    const next = new Reader(bed.client, 'resumers', ['resume']);
    await expect.poll(() => next.received.length, { timeout: 15_000 }).toBe(6 + 3);
    expect(next.received.filter((m) => m.startsWith('resume/0:')).map((m) => Number(m.split(':')[1]))).toEqual([4, 5, 6, 7, 8, 9]);
    expect(next.received.filter((m) => m.startsWith('resume/1:')).map((m) => Number(m.split(':')[1]))).toEqual([7, 8, 9]);
    await next.close();
  });

  it('commit() without offsets commits the position of every partition, i.e. what was handed out', async () => {
    await fillTopic(bed.client, 'positions', 1, 10);
    const consumer = bed.client.consumer({ groupId: 'positioners', autoCommit: false, sessionTimeoutMs: 6000, heartbeatIntervalMs: 100, autoOffsetReset: 'earliest', maxWaitMs: 100 });
    consumer.subscribe(['positions']);
    let taken = 0;
    for await (const message of consumer) if (++taken === 3 || message.offset >= 9) break;
    await consumer.commit();
    const admin = bed.client.admin();
    expect(await admin.fetchOffsets('positioners')).toEqual([{ topic: 'positions', partition: 0, offset: 3, metadata: '' }]);
    await consumer.close();
  });

  it('auto-commits on close, so the next member continues where the last one stopped', async () => {
    await fillTopic(bed.client, 'autocommit', 1, 8);
    const first = bed.client.consumer({ groupId: 'autocommitters', sessionTimeoutMs: 6000, heartbeatIntervalMs: 100, autoOffsetReset: 'earliest', maxWaitMs: 100 });
    first.subscribe(['autocommit']);
    let taken = 0;
    for await (const message of first) if (++taken === 5 || message.offset >= 7) break;
    await first.close();
    const second = new Reader(bed.client, 'autocommitters', ['autocommit']);
    await expect.poll(() => second.received, { timeout: 15_000 }).toEqual(['autocommit/0:5', 'autocommit/0:6', 'autocommit/0:7']);
    await second.close();
  });

  it('restarts a static member (groupInstanceId) without a rebalance: same generation, same partitions, others untouched', async () => {
    await fillTopic(bed.client, 'static', 4, 5);
    const dynamic = new Reader(bed.client, 'statics', ['static']);
    const staticOptions = { groupInstanceId: 'worker-1' };
    const first = new Reader(bed.client, 'statics', ['static'], staticOptions);
    await settled('statics', [dynamic, first], 2);
    await expect.poll(() => deliveries([dynamic, first]).size, { timeout: 15_000 }).toBe(20);
    const generation = bed.broker.groups.group('statics')?.generationId;
    const dynamicAssignments = dynamic.assignments.length;
    const owned = first.owned;

    await first.close(); // a static member does not leave the group
    const restarted = new Reader(bed.client, 'statics', ['static'], staticOptions);
    await expect.poll(() => restarted.owned, { timeout: 15_000 }).toEqual(owned);
    expect(bed.broker.groups.group('statics')?.generationId).toBe(generation);
    expect(dynamic.assignments.length).toBe(dynamicAssignments);
    expect(dynamic.revocations).toEqual([]);
    // It resumes after what its previous incarnation committed on close.
    await fillTopic(bed.client, 'static', 4, 1, 5);
    await expect.poll(() => deliveries([dynamic, first, restarted]).size, { timeout: 15_000 }).toBe(24);
    expect([...deliveries([dynamic, first, restarted]).values()].every((count) => count === 1)).toBe(true);
    await Promise.all([dynamic.close(), restarted.close()]);
  });

  it('refuses subscribe() without a groupId and assign() while subscribed', async () => {
    const plain = bed.client.consumer();
    expect(() => plain.subscribe(['x'])).toThrow(/groupId/);
    await expect(plain.commit()).rejects.toThrow(/groupId/);
    await plain.close();
    const member = bed.client.consumer({ groupId: 'misuse', sessionTimeoutMs: 6000 });
    member.subscribe(['x']);
    expect(() => member.assign([{ topic: 'x', partition: 0 }])).toThrow(/subscribed/);
    await member.close();
  });
});
