// kafkajs consumer groups against an in-process broker: two kafkajs consumers and a third member
// that speaks the protocol by hand (join, sync, then silence: a crash without LeaveGroup) share a
// 6-partition topic. Every stable generation gives each partition exactly one owner; the crashed
// member's partitions move to the others after its session timeout; every message is consumed
// exactly once because what was committed before the rebalance is not delivered again.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { ApiKey, ErrorCode, defaultJoinGroupRequest, defaultSyncGroupRequest } from '../../src/protocol/index.js';
import { decodeAssignment, subscription } from '../group/harness.js';
import { RawClient } from '../helpers/raw-client.js';

const { Kafka, logLevel } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
type Consumer = ReturnType<InstanceType<typeof Kafka>['consumer']>;

const TOPIC = 'work';
const GROUP = 'workers';
const PARTITIONS = 6;
/** kafkajs's default (and only) assigner name: the hand-made member must offer it too. */
const KAFKAJS_PROTOCOL = 'RoundRobinAssigner';

let broker: RunningBroker;
let kafka: InstanceType<typeof Kafka>;

beforeAll(async () => {
  broker = await startBroker({ port: 0, logLevel: 'silent', groupInitialRebalanceDelayMs: 100 });
  kafka = new Kafka({ clientId: 'group-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  await admin.disconnect();
});
afterAll(async () => {
  await broker.close();
});

/** What each kafkajs member was last told it owns (GROUP_JOIN), and every delivery. */
class Observer {
  readonly assignments = new Map<string, Record<string, number[]>>();
  readonly deliveries = new Map<string, number>();

  async start(consumer: Consumer): Promise<void> {
    consumer.on(consumer.events.GROUP_JOIN, (event) => this.assignments.set(event.payload.memberId, event.payload.memberAssignment));
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = `${partition}:${message.offset}`;
        this.deliveries.set(key, (this.deliveries.get(key) ?? 0) + 1);
      },
    });
  }

  get delivered(): number {
    return this.deliveries.size;
  }
}

/** The Stable group's members and what the broker holds as their assignments. */
function stableAssignments(): Map<string, number[]> | null {
  const summary = broker.groups.describeGroup(GROUP);
  if (summary.state !== 'Stable') return null;
  return new Map(summary.members.map((member) => [member.memberId, decodeAssignment(member.assignment)[TOPIC] ?? []]));
}

/** Waits for a Stable generation of `members` members, checks that each partition has one owner, and returns the owners. */
async function expectOneOwnerPerPartition(members: number, observer: Observer, handMade: string[] = []): Promise<Map<string, number[]>> {
  await expect.poll(() => stableAssignments()?.size ?? 0, { timeout: 15_000 }).toBe(members);
  const owners = stableAssignments() as Map<string, number[]>;
  const owned = [...owners.values()].flat().sort((a, b) => a - b);
  expect(owned).toEqual([0, 1, 2, 3, 4, 5]);
  // The kafkajs members were told the same assignment the broker holds for them.
  for (const [memberId, partitions] of owners) {
    if (handMade.includes(memberId)) continue;
    await expect.poll(() => [...(observer.assignments.get(memberId)?.[TOPIC] ?? [])].sort(), { timeout: 10_000 }).toEqual([...partitions].sort());
  }
  return owners;
}

/** A member that joins and syncs once (JoinGroup v5, SyncGroup v3) and then never heartbeats. */
async function crashingMember(): Promise<{ memberId: string; partitions: number[]; client: RawClient }> {
  const client = await RawClient.connect(broker.port);
  const join = { ...defaultJoinGroupRequest(), groupId: GROUP, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10_000, protocolType: 'consumer', protocols: [{ name: KAFKAJS_PROTOCOL, metadata: subscription([TOPIC]) }] };
  const first = await client.request(ApiKey.JoinGroup, 5, join);
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  const joined = await client.request(ApiKey.JoinGroup, 5, { ...join, memberId: first.memberId });
  expect(joined.errorCode).toBe(ErrorCode.NONE);
  const synced = await client.request(ApiKey.SyncGroup, 3, { ...defaultSyncGroupRequest(), groupId: GROUP, generationId: joined.generationId, memberId: joined.memberId });
  expect(synced.errorCode).toBe(ErrorCode.NONE);
  return { memberId: joined.memberId, partitions: decodeAssignment(synced.assignment)[TOPIC] ?? [], client };
}

async function produce(from: number, count: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: TOPIC, messages: Array.from({ length: count }, (_, i) => ({ partition: (from + i) % PARTITIONS, value: `m${from + i}` })) });
  await producer.disconnect();
}

function committed(partitions: readonly number[]): number[] {
  const offsets = broker.groups.fetchOffsets(GROUP, [{ topic: TOPIC, partitions: [...partitions] }])[0].partitions;
  return offsets.map((offset) => offset.offset);
}

describe('kafkajs consumer group', () => {
  it('gives each partition one owner, moves a crashed member\'s partitions after its session timeout, and delivers every message once', async () => {
    const observer = new Observer();
    const consumers = [0, 1].map(() => kafka.consumer({ groupId: GROUP, heartbeatInterval: 200, maxWaitTimeInMs: 100 }));
    try {
      for (const consumer of consumers) await observer.start(consumer);
      await expectOneOwnerPerPartition(2, observer);

      const crashed = await crashingMember();
      const withCrashed = await expectOneOwnerPerPartition(3, observer, [crashed.memberId]);
      expect(withCrashed.get(crashed.memberId)).toEqual(crashed.partitions);
      expect(crashed.partitions).toHaveLength(2);

      // 10 messages per partition; the live members consume and commit theirs.
      await produce(0, 60);
      const live = [0, 1, 2, 3, 4, 5].filter((p) => !crashed.partitions.includes(p));
      await expect.poll(() => committed(live), { timeout: 15_000 }).toEqual([10, 10, 10, 10]);
      expect(observer.delivered).toBe(40);

      // No heartbeat from the crashed member: after 6 s it is dropped and the others take over.
      const after = await expectOneOwnerPerPartition(2, observer);
      expect(after.has(crashed.memberId)).toBe(false);
      await expect.poll(() => observer.delivered, { timeout: 10_000 }).toBe(60);

      await produce(60, 60);
      await expect.poll(() => committed([0, 1, 2, 3, 4, 5]), { timeout: 15_000 }).toEqual([20, 20, 20, 20, 20, 20]);
      expect(observer.delivered).toBe(120);
      expect([...observer.deliveries.values()].every((count) => count === 1)).toBe(true);
      crashed.client.close();
    } finally {
      await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    }
  });
});
