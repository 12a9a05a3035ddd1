// The group leader's part of a rebalance: read every member's subscription from the JoinGroup
// answer, look up the partition counts of all their topics, run the assignor the coordinator
// chose, and encode one assignment per member for SyncGroup (members left without partitions
// get an empty assignment rather than none, which every client reads).
import { ErrorCode } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import { decodeSubscription, encodeAssignment } from '../protocol/consumer-protocol.js';
import { KafkaClientError } from './errors.js';
import type { PartitionAssignor } from './group-assignors.js';
import type { JoinOutcome } from './group-requests.js';
import { partitionCountsOf } from './group-util.js';

/** What the leader assigned from, to notice later when partitions are added or topics appear. */
export interface LeaderView {
  readonly topics: readonly string[];
  readonly counts: ReadonlyMap<string, number>;
}

export interface MemberAssignment {
  readonly memberId: string;
  readonly assignment: Buffer;
}

export async function assignAsLeader(
  assignors: readonly PartitionAssignor[],
  joined: JoinOutcome,
  cluster: Cluster,
): Promise<{ assignments: MemberAssignment[]; view: LeaderView }> {
  const assignor = assignors.find((a) => a.name === joined.protocolName);
  if (assignor === undefined) {
    throw KafkaClientError.fromCode(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, { detail: `the coordinator chose assignor ${joined.protocolName}, which this consumer does not offer` });
  }
  const members = joined.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, topics: topicsOf(m.metadata) }));
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  const counts = await partitionCountsOf(cluster, topics);
  const result = assignor.assign(members, counts);
  const assignments = members.map(({ memberId }) => ({ memberId, assignment: encodeAssignment(result.get(memberId) ?? []) }));
  return { assignments, view: { topics, counts } };
}

/** A member's subscribed topics; a member whose metadata we cannot read gets nothing. */
function topicsOf(metadata: Buffer): string[] {
  try {
    return [...decodeSubscription(metadata).topics];
  } catch {
    return [];
  }
}
