// OffsetCommit/OffsetFetch rules on the coordinator (NOTES.md §7.3), and their durability.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommitIdentity, TopicCommit } from '../../src/group/offsets.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { afterInitialDelay, join, openCoordinator, stableGroup, type TestCoordinator } from './harness.js';

let harness: TestCoordinator;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  harness = await openCoordinator();
});
afterEach(async () => {
  await harness.close();
  vi.useRealTimers();
});

/** Topic t has partitions 0-2; nothing else exists. */
const exists = (topic: string, partition: number) => topic === 't' && partition >= 0 && partition < 3;
const standalone: CommitIdentity = { generationId: -1, memberId: '', groupInstanceId: null };
const at = (offset: number, partition = 0, metadata: string | null = null): TopicCommit[] => [{ topic: 't', partitions: [{ partition, offset, leaderEpoch: 4, metadata }] }];
const errorsOf = (results: Awaited<ReturnType<TestCoordinator['coordinator']['commitOffsets']>>) => results.flatMap((t) => t.partitions.map((p) => p.errorCode));

describe('OffsetCommit', () => {
  it('accepts generation -1 for a group that does not exist (and creates it, Empty)', async () => {
    const { coordinator } = harness;
    expect(errorsOf(await coordinator.commitOffsets('solo', standalone, at(5, 0, 'note'), exists))).toEqual([ErrorCode.NONE]);
    expect(coordinator.fetchOffsets('solo', [{ topic: 't', partitions: [0] }])).toEqual([{ topic: 't', partitions: [{ partition: 0, offset: 5, leaderEpoch: 4, metadata: 'note' }] }]);
    expect(coordinator.listGroups()).toEqual([{ groupId: 'solo', protocolType: '', state: 'Empty' }]);
  });

  it('refuses a real generation for a group that does not exist', async () => {
    const results = await harness.coordinator.commitOffsets('solo', { generationId: 3, memberId: 'm', groupInstanceId: null }, at(5), exists);
    expect(errorsOf(results)).toEqual([ErrorCode.ILLEGAL_GENERATION]);
  });

  it('takes commits from a current member of a Stable group', async () => {
    const { coordinator } = harness;
    const [a] = await stableGroup(coordinator, ['a']);
    const results = await coordinator.commitOffsets('g', { generationId: 1, memberId: a.memberId, groupInstanceId: null }, at(7), exists);
    expect(errorsOf(results)).toEqual([ErrorCode.NONE]);
    expect(coordinator.fetchOffsets('g', [{ topic: 't', partitions: [0] }])[0].partitions[0].offset).toBe(7);
  });

  it('refuses a stale generation, an unknown member, and generation -1 while the group has members', async () => {
    const { coordinator } = harness;
    const [a] = await stableGroup(coordinator, ['a']);
    expect(errorsOf(await coordinator.commitOffsets('g', { generationId: 0, memberId: a.memberId, groupInstanceId: null }, at(1), exists))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(errorsOf(await coordinator.commitOffsets('g', { generationId: 1, memberId: 'x', groupInstanceId: null }, at(1), exists))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(errorsOf(await coordinator.commitOffsets('g', standalone, at(1), exists))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(coordinator.fetchOffsets('g', [{ topic: 't', partitions: [0] }])[0].partitions[0].offset).toBe(-1);
  });

  it('refuses commits between the join and the assignment, but takes them while the group prepares a rebalance', async () => {
    const { coordinator } = harness;
    const [a, b] = await afterInitialDelay(['a', 'b'].map((clientId) => coordinator.joinGroup(join({ clientId }))));
    const whoA = { generationId: 1, memberId: a.memberId, groupInstanceId: null };
    expect(errorsOf(await coordinator.commitOffsets('g', whoA, at(1), exists))).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    await Promise.all([a, b].map((m) => coordinator.syncGroup('g', { memberId: m.memberId, generationId: 1, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })));
    void coordinator.joinGroup(join({ memberId: a.memberId }));
    expect(coordinator.group('g')?.state).toBe('PreparingRebalance');
    const whoB = { generationId: 1, memberId: b.memberId, groupInstanceId: null };
    expect(errorsOf(await coordinator.commitOffsets('g', whoB, at(2), exists))).toEqual([ErrorCode.NONE]);
  });

  it('refuses only the partitions with oversized metadata or that do not exist', async () => {
    const { coordinator } = harness;
    const topics: TopicCommit[] = [
      { topic: 't', partitions: [
        { partition: 0, offset: 1, leaderEpoch: -1, metadata: 'x'.repeat(4096) },
        { partition: 1, offset: 1, leaderEpoch: -1, metadata: 'x'.repeat(4097) },
        { partition: 7, offset: 1, leaderEpoch: -1, metadata: null },
      ] },
      { topic: 'missing', partitions: [{ partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] },
    ];
    const results = await coordinator.commitOffsets('g', standalone, topics, exists);
    expect(errorsOf(results)).toEqual([ErrorCode.NONE, ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(coordinator.fetchOffsets('g', null)).toEqual([{ topic: 't', partitions: [{ partition: 0, offset: 1, leaderEpoch: -1, metadata: 'x'.repeat(4096) }] }]);
  });

  it('keeps every acknowledged commit across a restart', async () => {
    await harness.coordinator.commitOffsets('g', standalone, at(11, 2, 'kept'), exists);
    await harness.reopen();
    expect(harness.coordinator.fetchOffsets('g', [{ topic: 't', partitions: [2] }])[0].partitions[0]).toEqual({ partition: 2, offset: 11, leaderEpoch: 4, metadata: 'kept' });
  });

  it('drops every group\'s commits of a deleted topic', async () => {
    const { coordinator } = harness;
    await coordinator.commitOffsets('g1', standalone, at(1), exists);
    await coordinator.commitOffsets('g2', standalone, at(2, 1), exists);
    await coordinator.topicDeleted('t');
    expect(coordinator.fetchOffsets('g1', null)).toEqual([]);
    expect(coordinator.fetchOffsets('g2', [{ topic: 't', partitions: [1] }])[0].partitions[0].offset).toBe(-1);
  });
});

describe('OffsetFetch', () => {
  it('answers -1 with empty metadata for partitions without a commit, and for unknown groups', () => {
    const { coordinator } = harness;
    expect(coordinator.fetchOffsets('nobody', [{ topic: 't', partitions: [0, 1] }])).toEqual([
      { topic: 't', partitions: [{ partition: 0, offset: -1, leaderEpoch: -1, metadata: '' }, { partition: 1, offset: -1, leaderEpoch: -1, metadata: '' }] },
    ]);
  });

  it('lists every committed partition when asked for all topics', async () => {
    const { coordinator } = harness;
    await coordinator.commitOffsets('g', standalone, [{ topic: 't', partitions: [{ partition: 1, offset: 3, leaderEpoch: -1, metadata: null }, { partition: 2, offset: 4, leaderEpoch: -1, metadata: null }] }], exists);
    const all = coordinator.fetchOffsets('g', null);
    expect(all.map((t) => [t.topic, t.partitions.map((p) => [p.partition, p.offset, p.metadata])])).toEqual([['t', [[1, 3, ''], [2, 4, '']]]]);
  });
});
