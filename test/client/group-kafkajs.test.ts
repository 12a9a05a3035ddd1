// One of our consumers and one kafkajs consumer in the same group: the coordinator settles on the
// only assignor both offer (kafkajs's 'RoundRobinAssigner', which ours offers as an alias of
// roundrobin), the partitions are split between them, and every message is delivered once,
// whichever of the two leads the group (so both read the other's assignment bytes).
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, fillTopic, openTestBed, Reader, type GroupTestBed } from './group-harness.js';

const { Kafka, logLevel } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
type KafkajsConsumer = ReturnType<InstanceType<typeof Kafka>['consumer']>;

let bed: GroupTestBed;
let kafka: InstanceType<typeof Kafka>;

beforeAll(async () => {
  bed = await openTestBed();
  kafka = new Kafka({ clientId: 'kafkajs-member', brokers: [bed.broker.bootstrap], logLevel: logLevel.NOTHING });
});
afterAll(async () => {
  await bed.close();
});

/** A kafkajs member that records its assignment and its deliveries as `topic/partition:offset`. */
async function kafkajsMember(groupId: string, topic: string): Promise<{ consumer: KafkajsConsumer; owned: () => string[]; received: string[] }> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
  let assignment: Record<string, number[]> = {};
  const received: string[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (event) => (assignment = event.payload.memberAssignment));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => void received.push(`${topic}/${partition}:${message.offset}`) });
  const owned = () => Object.entries(assignment).flatMap(([t, partitions]) => partitions.map((p) => `${t}/${p}`)).sort();
  return { consumer, owned, received };
}

/** Waits for a Stable generation of both members in which each owns partitions, then checks they split the topic. */
async function expectSplit(groupId: string, ours: Reader, theirs: { owned: () => string[] }, topic: string, partitions: number): Promise<void> {
  const settled = () => {
    const group = bed.broker.groups.describeGroup(groupId);
    return group.state === 'Stable' && group.members.length === 2 && ours.owned.length > 0 && theirs.owned().length > 0 && ours.owned.length + theirs.owned().length === partitions;
  };
  await expect.poll(settled, { timeout: 20_000 }).toBe(true);
  expect(bed.broker.groups.describeGroup(groupId).protocol).toBe('RoundRobinAssigner');
  const all = Array.from({ length: partitions }, (_, p) => `${topic}/${p}`).sort();
  expect([...ours.owned, ...theirs.owned()].sort()).toEqual(all);
}

describe('a group of a sluice consumer and a kafkajs consumer', () => {
  it('splits the partitions when our consumer leads, and kafkajs starts at the offsets we committed', async () => {
    await fillTopic(bed.client, 'mixed-a', 4, 10);
    const ours = new Reader(bed.client, 'mixed-ours-lead', ['mixed-a']);
    await expect.poll(() => ours.received.length, { timeout: 15_000 }).toBe(40);
    const theirs = await kafkajsMember('mixed-ours-lead', 'mixed-a');
    try {
      await expectSplit('mixed-ours-lead', ours, theirs, 'mixed-a', 4);
      expect(bed.broker.groups.group('mixed-ours-lead')?.leaderId?.startsWith('group-test')).toBe(true); // our client id: we assigned
      await fillTopic(bed.client, 'mixed-a', 4, 10, 10);
      await expect.poll(() => new Set([...ours.received, ...theirs.received]).size, { timeout: 20_000 }).toBe(80);
      expect(ours.received.length + theirs.received.length).toBe(80);
      expect(theirs.received.every((key) => theirs.owned().includes(key.split(':')[0]))).toBe(true);
    } finally {
      await theirs.consumer.disconnect();
      await ours.close();
    }
  });

  it('splits the partitions when the kafkajs consumer leads', async () => {
    await fillTopic(bed.client, 'mixed-b', 4, 10);
    const theirs = await kafkajsMember('mixed-theirs-lead', 'mixed-b');
    await expect.poll(() => theirs.owned().length, { timeout: 15_000 }).toBe(4);
    const ours = new Reader(bed.client, 'mixed-theirs-lead', ['mixed-b']);
    try {
      await expectSplit('mixed-theirs-lead', ours, theirs, 'mixed-b', 4);
      expect(bed.broker.groups.group('mixed-theirs-lead')?.leaderId?.startsWith('kafkajs-member')).toBe(true);
      await fillTopic(bed.client, 'mixed-b', 4, 10, 10);
      await expect.poll(() => new Set([...ours.received, ...theirs.received]).size, { timeout: 20_000 }).toBe(80);
      expect(ours.received.every((key) => ours.owned.includes(key.split(':')[0]))).toBe(true);
    } finally {
      await ours.close();
      await theirs.consumer.disconnect();
    }
  });
});
