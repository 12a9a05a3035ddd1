// Partition assignors: the group leader runs one over every member's subscription and sends the
// result in SyncGroup. The coordinator picks the assignor (the JoinGroup "protocol") that every
// member offers, so names are what make clients interoperate: 'range' and 'roundrobin' are
// Kafka's and librdkafka's, 'RoundRobinAssigner' is the only one kafkajs offers. Ours follow
// Kafka's RangeAssignor and RoundRobinAssignor exactly, including the member order: static
// members first by instance id, then the others by member id (Kafka's MemberInfo ordering), so
// a restarted static member gets the same partitions back under its new member id.
import type { TopicPartition } from './partition-states.js';

export interface MemberSubscription {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly topics: readonly string[];
}

/** Member id to the partitions it gets; every member in the input has an entry. */
export type GroupAssignment = Map<string, TopicPartition[]>;

export interface PartitionAssignor {
  /** The protocol name offered in JoinGroup. */
  readonly name: string;
  /**
   * Splits the partitions of the subscribed topics. `partitionCounts` holds the topics known to
   * the cluster; subscribed topics missing from it are left unassigned.
   */
  assign(members: readonly MemberSubscription[], partitionCounts: ReadonlyMap<string, number>): GroupAssignment;
}

export type AssignorName = 'range' | 'roundrobin';

/**
 * Kafka's RangeAssignor, topic by topic: the members subscribed to the topic, in order, each take
 * a consecutive range; the first (partitions % members) take one extra. Two members and two
 * topics of three partitions: C0 gets t0p0, t0p1, t1p0, t1p1 and C1 gets t0p2, t1p2.
 */
export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  assign(members, partitionCounts) {
    const assignment = emptyAssignment(members);
    for (const topic of subscribedTopics(members)) {
      const count = partitionCounts.get(topic);
      if (count === undefined) continue;
      const consumers = sortMembers(members.filter((m) => m.topics.includes(topic)));
      const perMember = Math.floor(count / consumers.length);
      const withExtra = count % consumers.length;
      consumers.forEach((member, i) => {
        const start = perMember * i + Math.min(i, withExtra);
        const length = perMember + (i < withExtra ? 1 : 0);
        for (let partition = start; partition < start + length; partition++) assignment.get(member.memberId)?.push({ topic, partition });
      });
    }
    return assignment;
  },
};

/**
 * Kafka's RoundRobinAssignor: all partitions of all subscribed topics (topics by name, then
 * partition) are dealt to the members in order, skipping members not subscribed to the topic.
 * Two members and two topics of three partitions: C0 gets t0p0, t0p2, t1p1 and C1 gets t0p1,
 * t1p0, t1p2.
 */
export const roundRobinAssignor: PartitionAssignor = {
  name: 'roundrobin',
  assign(members, partitionCounts) {
    const assignment = emptyAssignment(members);
    const ring = sortMembers(members);
    let next = 0;
    for (const topic of subscribedTopics(members)) {
      const count = partitionCounts.get(topic) ?? 0;
      for (let partition = 0; partition < count; partition++) {
        while (!ring[next % ring.length].topics.includes(topic)) next++;
        assignment.get(ring[next % ring.length].memberId)?.push({ topic, partition });
        next++;
      }
    }
    return assignment;
  },
};

/** kafkajs offers only this name; same assignment as roundrobin (any valid one would do). */
export const KAFKAJS_ROUND_ROBIN = 'RoundRobinAssigner';

/**
 * The assignors to offer, in order of preference. Each 'roundrobin' also offers kafkajs's name
 * right after it, so a group mixing our consumers and kafkajs ones finds a common protocol.
 */
export function resolveAssignors(wanted: ReadonlyArray<AssignorName | PartitionAssignor>): PartitionAssignor[] {
  if (wanted.length === 0) throw new RangeError('at least one assignor is needed');
  const resolved: PartitionAssignor[] = [];
  for (const entry of wanted) {
    if (typeof entry !== 'string') resolved.push(entry);
    else if (entry === 'range') resolved.push(rangeAssignor);
    else if (entry === 'roundrobin') resolved.push(roundRobinAssignor, { ...roundRobinAssignor, name: KAFKAJS_ROUND_ROBIN });
    else throw new RangeError(`unknown assignor ${JSON.stringify(entry)}: use 'range', 'roundrobin' or an assignor object`);
  }
  const names = resolved.map((assignor) => assignor.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new RangeError(`assignor ${duplicate} is listed twice`);
  return resolved;
}

/** Kafka's MemberInfo order: static members (by instance id) before dynamic ones (by member id). */
export function sortMembers<M extends MemberSubscription>(members: readonly M[]): M[] {
  return [...members].sort((a, b) => {
    if (a.groupInstanceId !== null && b.groupInstanceId !== null) return compare(a.groupInstanceId, b.groupInstanceId);
    if (a.groupInstanceId !== null) return -1;
    if (b.groupInstanceId !== null) return 1;
    return compare(a.memberId, b.memberId);
  });
}

function subscribedTopics(members: readonly MemberSubscription[]): string[] {
  return [...new Set(members.flatMap((m) => m.topics))].sort(compare);
}

function emptyAssignment(members: readonly MemberSubscription[]): GroupAssignment {
  return new Map(members.map((m) => [m.memberId, []]));
}

/** Java's String.compareTo for the ASCII names Kafka allows: plain code unit order. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
