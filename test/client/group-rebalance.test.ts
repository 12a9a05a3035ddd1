// Rebalances beyond members coming and going: committing from onPartitionsRevoked, changing the
// subscription, topics that appear or grow after the group formed, and errors that end the
// membership (they surface from the consumer's iterator).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer } from '../../src/client/consumer.js';
import { KafkaClientError } from '../../src/client/errors.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { deliveries, fillTopic, openTestBed, Reader, type GroupTestBed } from './group-harness.js';

let bed: GroupTestBed;

beforeAll(async () => {
  bed = await openTestBed();
});
afterAll(async () => {
  await bed.close();
});

describe('rebalancing', () => {
  it('lets a member without auto-commit commit in onPartitionsRevoked, so the next owner does not re-read', async () => {
    await fillTopic(bed.client, 'revoke-commit', 2, 10);
    let self: Consumer | undefined;
    const committer = new Reader(bed.client, 'revokers', ['revoke-commit'], { autoCommit: false, onPartitionsRevoked: () => self?.commit() });
    self = committer.consumer;
    await expect.poll(() => committer.received.length, { timeout: 15_000 }).toBe(20);
    const joiner = new Reader(bed.client, 'revokers', ['revoke-commit']);
    await expect.poll(() => committer.owned.length === 1 && joiner.owned.length === 1, { timeout: 15_000 }).toBe(true);
    expect(committer.revocations).toHaveLength(1);
    await fillTopic(bed.client, 'revoke-commit', 2, 5, 10);
    await expect.poll(() => deliveries([committer, joiner]).size, { timeout: 15_000 }).toBe(30);
    expect(committer.received.length + joiner.received.length).toBe(30);
    await Promise.all([committer.close(), joiner.close()]);
  });

  it('rejoins with the new topics when subscribe() is called again', async () => {
    await fillTopic(bed.client, 'first-topic', 1, 3);
    await fillTopic(bed.client, 'second-topic', 1, 4);
    const reader = new Reader(bed.client, 'switchers', ['first-topic']);
    await expect.poll(() => reader.received.length, { timeout: 15_000 }).toBe(3);
    reader.consumer.subscribe(['first-topic', 'second-topic']);
    await expect.poll(() => reader.owned, { timeout: 15_000 }).toEqual(['first-topic/0', 'second-topic/0']);
    await expect.poll(() => reader.received.length, { timeout: 15_000 }).toBe(7);
    expect(reader.received.filter((key) => key.startsWith('first-topic'))).toHaveLength(3);
    await reader.close();
  });

  it('picks up a topic created after subscribing and partitions added later (leader checks metadata)', async () => {
    const reader = new Reader(bed.client, 'watchers', ['appears-later'], { metadataMaxAgeMs: 200 });
    await expect.poll(() => bed.broker.groups.describeGroup('watchers').state, { timeout: 15_000 }).toBe('Stable');
    expect(reader.owned).toEqual([]);
    await fillTopic(bed.client, 'appears-later', 1, 2);
    await expect.poll(() => reader.received, { timeout: 15_000 }).toEqual(['appears-later/0:0', 'appears-later/0:1']);
    const admin = bed.client.admin();
    await admin.createPartitions([{ topic: 'appears-later', count: 2 }]);
    await expect.poll(() => reader.owned, { timeout: 15_000 }).toEqual(['appears-later/0', 'appears-later/1']);
    await reader.close();
  });

  it('rejoins under a new member id after the coordinator dropped it, without committing the lost partitions', async () => {
    await fillTopic(bed.client, 'evicted-topic', 1, 3);
    const reader = new Reader(bed.client, 'evicted', ['evicted-topic'], { autoCommitIntervalMs: 600_000 });
    await expect.poll(() => reader.received.length, { timeout: 15_000 }).toBe(3);
    const [before] = bed.broker.groups.describeGroup('evicted').members;
    bed.broker.groups.leaveGroup('evicted', [{ memberId: before.memberId, groupInstanceId: null }]);
    // The next heartbeat gets UNKNOWN_MEMBER_ID: the partition is gone, so it is not committed
    // and the new generation reads it again from autoOffsetReset.
    await expect.poll(() => reader.received.length, { timeout: 15_000 }).toBe(6);
    const [after] = bed.broker.groups.describeGroup('evicted').members;
    expect(after.memberId).not.toBe(before.memberId);
    expect(reader.revocations).toEqual([[{ topic: 'evicted-topic', partition: 0 }]]);
    expect(await bed.client.admin().fetchOffsets('evicted')).toEqual([]);
    await reader.close();
  });

  it('ends iteration with the coordinator error when joining fails for good', async () => {
    const consumer = bed.client.consumer({ groupId: 'too-short', sessionTimeoutMs: 1000, heartbeatIntervalMs: 100 });
    consumer.subscribe(['anything']);
    const failure = await (async () => {
      for await (const _message of consumer) return null;
      return null;
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KafkaClientError);
    expect((failure as KafkaClientError).code).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    await consumer.close();
  });

  it('fails a member that offers no assignor in common with the group', async () => {
    await fillTopic(bed.client, 'protocols', 1, 1);
    const rangeOnly = new Reader(bed.client, 'protocol-clash', ['protocols'], { assignors: ['range'] });
    await expect.poll(() => rangeOnly.owned, { timeout: 15_000 }).toEqual(['protocols/0']);
    const roundRobinOnly = bed.client.consumer({ groupId: 'protocol-clash', assignors: ['roundrobin'], sessionTimeoutMs: 6000 });
    roundRobinOnly.subscribe(['protocols']);
    const failure = await (async () => {
      for await (const _message of roundRobinOnly) return null;
      return null;
    })().catch((error: unknown) => error);
    expect((failure as KafkaClientError).code).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    await roundRobinOnly.close();
    await rangeOnly.close();
  });
});
