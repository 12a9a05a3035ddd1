// One of our consumers and librdkafka's balanced consumer (kcat -G) in one group: both offer
// 'range' first, the partitions are split between them whichever leads (so each reads the
// other's subscription and assignment bytes), and librdkafka starts from the offsets we committed.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAssignment } from '../../src/protocol/consumer-protocol.js';
import { fillTopic, openTestBed, Reader, type GroupTestBed } from './group-harness.js';
import { hasProgram } from '../helpers/programs.js';

const hasKcat = hasProgram('kcat');

let bed: GroupTestBed;

beforeAll(async () => {
  bed = await openTestBed();
});
afterAll(async () => {
  await bed.close();
});

/** kcat following a group; `received` collects `topic/partition:offset`. */
function kcatMember(groupId: string, topic: string): { child: ChildProcess; received: string[] } {
  const settings = ['session.timeout.ms=6000', 'heartbeat.interval.ms=100', 'auto.offset.reset=earliest', 'client.id=rdkafka-member'];
  const child = spawn('kcat', ['-b', bed.broker.bootstrap, ...settings.flatMap((s) => ['-X', s]), '-G', groupId, topic, '-f', '%t/%p:%o\\n', '-q', '-u']);
  const received: string[] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    received.push(...lines.filter((line) => line.length > 0));
  });
  return { child, received };
}

/** What the broker holds as librdkafka's assignment, as 'topic/partition'. */
function librdkafkaOwns(groupId: string): string[] {
  const member = bed.broker.groups.describeGroup(groupId).members.find((m) => m.clientId === 'rdkafka-member');
  return member === undefined ? [] : decodeAssignment(member.assignment).map((tp) => `${tp.topic}/${tp.partition}`).sort();
}

async function expectSplit(groupId: string, ours: Reader, topic: string, partitions: number): Promise<void> {
  const settled = () => {
    const group = bed.broker.groups.describeGroup(groupId);
    const theirs = librdkafkaOwns(groupId);
    return group.state === 'Stable' && group.members.length === 2 && ours.owned.length > 0 && theirs.length > 0 && ours.owned.length + theirs.length === partitions;
  };
  await expect.poll(settled, { timeout: 20_000 }).toBe(true);
  expect(bed.broker.groups.describeGroup(groupId).protocol).toBe('range');
  expect([...ours.owned, ...librdkafkaOwns(groupId)].sort()).toEqual(Array.from({ length: partitions }, (_, p) => `${topic}/${p}`).sort());
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe.skipIf(!hasKcat)('a group of a sluice consumer and librdkafka (kcat -G)', () => {
  it('splits the partitions when our consumer leads, and librdkafka starts at the offsets we committed', async () => {
    await fillTopic(bed.client, 'rd-a', 4, 5);
    const ours = new Reader(bed.client, 'rd-ours-lead', ['rd-a']);
    await expect.poll(() => ours.received.length, { timeout: 15_000 }).toBe(20);
    const theirs = kcatMember('rd-ours-lead', 'rd-a');
    try {
      await expectSplit('rd-ours-lead', ours, 'rd-a', 4);
      await fillTopic(bed.client, 'rd-a', 4, 5, 5);
      await expect.poll(() => new Set([...ours.received, ...theirs.received]).size, { timeout: 20_000 }).toBe(40);
      expect(ours.received.length + theirs.received.length).toBe(40);
    } finally {
      await stop(theirs.child);
      await ours.close();
    }
  });

  it('splits the partitions when librdkafka leads', async () => {
    await fillTopic(bed.client, 'rd-b', 4, 5);
    const theirs = kcatMember('rd-theirs-lead', 'rd-b');
    try {
      await expect.poll(() => librdkafkaOwns('rd-theirs-lead').length, { timeout: 15_000 }).toBe(4);
      const ours = new Reader(bed.client, 'rd-theirs-lead', ['rd-b']);
      try {
        await expectSplit('rd-theirs-lead', ours, 'rd-b', 4);
        expect(bed.broker.groups.group('rd-theirs-lead')?.leaderId?.startsWith('rdkafka-member')).toBe(true);
        await fillTopic(bed.client, 'rd-b', 4, 5, 5);
        await expect.poll(() => new Set([...ours.received, ...theirs.received]).size, { timeout: 20_000 }).toBe(40);
        expect(ours.received.every((key) => ours.owned.includes(key.split(':')[0]))).toBe(true);
      } finally {
        await ours.close();
      }
    } finally {
      await stop(theirs.child);
    }
  });
});
