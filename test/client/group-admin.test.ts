// Admin group operations against the sluice broker: list, describe (members and decoded
// assignments), committed offsets, resetting them (only while the group is empty) and deletion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from '../../src/client/admin.js';
import { KafkaClientError } from '../../src/client/errors.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { fillTopic, openTestBed, Reader, type GroupTestBed } from './group-harness.js';

let bed: GroupTestBed;
let admin: Admin;

beforeAll(async () => {
  bed = await openTestBed();
  admin = bed.client.admin();
  await fillTopic(bed.client, 'admin-topic', 3, 5);
});
afterAll(async () => {
  await bed.close();
});

describe('admin and consumer groups', () => {
  it('lists and describes a running group with its members and their assignments', async () => {
    const readers = [new Reader(bed.client, 'described', ['admin-topic']), new Reader(bed.client, 'described', ['admin-topic'])];
    try {
      await expect.poll(async () => (await admin.describeGroups(['described']))[0].members.map((m) => m.assignment.length).sort(), { timeout: 15_000 }).toEqual([1, 2]);
      const [group] = await admin.describeGroups(['described']);
      expect(group).toMatchObject({ groupId: 'described', state: 'Stable', protocolType: 'consumer', protocol: 'range' });
      expect(group.members.map((m) => m.clientId)).toEqual(['group-test', 'group-test']);
      expect(group.members.every((m) => m.clientHost === '/127.0.0.1')).toBe(true);
      const assigned = group.members.flatMap((m) => m.assignment.map((tp) => tp.partition)).sort();
      expect(assigned).toEqual([0, 1, 2]);
      expect(await admin.listGroups()).toContainEqual({ groupId: 'described', protocolType: 'consumer', state: 'Stable' });
      await expect(admin.deleteGroups(['described'])).rejects.toMatchObject({ code: ErrorCode.NON_EMPTY_GROUP });
      await expect(admin.resetOffsets('described', 'admin-topic', 'earliest')).rejects.toThrow(/NON_EMPTY_GROUP.*stop its consumers/);
    } finally {
      await Promise.all(readers.map((r) => r.close()));
    }
  });

  it('describes an unknown group as Dead with no members', async () => {
    expect(await admin.describeGroups(['never-seen'])).toEqual([{ groupId: 'never-seen', state: 'Dead', protocolType: '', protocol: '', members: [] }]);
  });

  it('fetches, resets and deletes the offsets of an empty group', async () => {
    const reader = new Reader(bed.client, 'resettable', ['admin-topic']);
    await expect.poll(() => reader.received.length, { timeout: 15_000 }).toBe(15);
    await reader.close(); // commits the positions, 5 per partition
    expect(await admin.fetchOffsets('resettable')).toEqual([0, 1, 2].map((partition) => ({ topic: 'admin-topic', partition, offset: 5, metadata: '' })));

    expect((await admin.resetOffsets('resettable', 'admin-topic', 'earliest')).map((o) => o.offset)).toEqual([0, 0, 0]);
    expect((await admin.fetchOffsets('resettable')).map((o) => o.offset)).toEqual([0, 0, 0]);
    // An offset beyond the log end is clamped to it.
    expect((await admin.resetOffsets('resettable', 'admin-topic', 3)).map((o) => o.offset)).toEqual([3, 3, 3]);
    expect((await admin.resetOffsets('resettable', 'admin-topic', 99)).map((o) => o.offset)).toEqual([5, 5, 5]);

    await admin.resetOffsets('resettable', 'admin-topic', 2);
    const resumed = new Reader(bed.client, 'resettable', ['admin-topic']);
    await expect.poll(() => resumed.received.length, { timeout: 15_000 }).toBe(9);
    expect(resumed.received.every((key) => Number(key.split(':')[1]) >= 2)).toBe(true);
    await resumed.close();

    await admin.deleteGroups(['resettable']);
    expect(await admin.fetchOffsets('resettable')).toEqual([]);
    expect((await admin.listGroups()).map((g) => g.groupId)).not.toContain('resettable');
    const missing = await admin.deleteGroups(['resettable']).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(KafkaClientError);
    expect((missing as KafkaClientError).code).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('lets a consumer with assign() and a groupId commit while the group has no members', async () => {
    const consumer = bed.client.consumer({ groupId: 'standalone', autoOffsetReset: 'earliest', maxWaitMs: 100 });
    consumer.assign([{ topic: 'admin-topic', partition: 1 }]);
    let taken = 0;
    for await (const _message of consumer) if (++taken === 4) break;
    await consumer.commit();
    expect(await admin.fetchOffsets('standalone')).toEqual([{ topic: 'admin-topic', partition: 1, offset: 4, metadata: '' }]);
    await consumer.close();
  });
});
