// Consumer-group administration (what kafka-consumer-groups.sh does): list, describe, delete
// groups, read committed offsets, and move them while nobody consumes. Requests about one group
// go to its coordinator; listing asks every broker, since each knows only its own groups.
import { ApiKey, ErrorCode } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import { decodeAssignment } from '../protocol/consumer-protocol.js';
import { KafkaClientError, throwIfError } from './errors.js';
import { commitOffsets, fetchCommittedOffsets, OUTSIDE_THE_GROUP, type CommittedOffset, type TopicPartitionOffset } from './group-commit.js';
import { CoordinatorLink } from './group-coordinator.js';
import { CONSUMER_PROTOCOL_TYPE } from './group-requests.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from './list-offsets.js';
import type { TopicPartition } from './partition-states.js';

export interface GroupListing {
  readonly groupId: string;
  /** 'consumer' for consumer groups; '' for a group that only has committed offsets. */
  readonly protocolType: string;
  /** Kafka's state name: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead. */
  readonly state: string;
}

export interface GroupMemberDescription {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  /** As the broker saw the connection, e.g. '/127.0.0.1'. */
  readonly clientHost: string;
  /** Decoded from the member's consumer-protocol assignment; [] outside a Stable group. */
  readonly assignment: readonly TopicPartition[];
}

export interface GroupDescription {
  readonly groupId: string;
  readonly state: string;
  readonly protocolType: string;
  /** The assignor in use while Stable, else ''. */
  readonly protocol: string;
  readonly members: readonly GroupMemberDescription[];
}

/** Where resetOffsets moves a group: a log end, or an offset (clamped into the log). */
export type ResetTarget = 'earliest' | 'latest' | number;

/** States in which no member owns partitions, so offsets may be moved from outside. */
const INACTIVE_STATES = new Set(['Empty', 'Dead']);

export async function listGroups(cluster: Cluster): Promise<GroupListing[]> {
  await cluster.refreshMetadata([]);
  const brokers = cluster.metadata.brokers();
  const answers = await Promise.all(
    brokers.map(async ({ nodeId }) => {
      const connection = cluster.connectionTo(nodeId);
      const { body } = await connection.request(ApiKey.ListGroups, () => ({ statesFilter: [], typesFilter: [] }));
      throwIfError(body.errorCode, { broker: connection.address });
      return body.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState }));
    }),
  );
  return answers.flat().sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

/** Describes groups; an unknown group comes back as state 'Dead' with no members (as Kafka answers). */
export async function describeGroups(cluster: Cluster, groupIds: readonly string[]): Promise<GroupDescription[]> {
  return Promise.all(groupIds.map((groupId) => describeGroup(cluster, groupId)));
}

async function describeGroup(cluster: Cluster, groupId: string): Promise<GroupDescription> {
  const link = new CoordinatorLink(cluster, groupId);
  const { body } = await link.retrying(() =>
    link.send(ApiKey.DescribeGroups, () => ({ groups: [groupId], includeAuthorizedOperations: false }), (r) => r.body.groups[0]?.errorCode ?? ErrorCode.NONE),
  );
  const group = body.groups.find((g) => g.groupId === groupId);
  if (group === undefined) throw new KafkaClientError(ErrorCode.UNKNOWN_SERVER_ERROR, `DescribeGroups did not answer for group ${groupId}`);
  throwIfError(group.errorCode, { detail: `group ${groupId}` });
  const consumer = group.protocolType === CONSUMER_PROTOCOL_TYPE;
  return {
    groupId,
    state: group.groupState,
    protocolType: group.protocolType,
    protocol: group.protocolData,
    members: group.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: consumer ? assignmentOf(m.memberAssignment) : [],
    })),
  };
}

/** Deletes empty groups with their committed offsets; throws for the first group that could not go (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND). */
export async function deleteGroups(cluster: Cluster, groupIds: readonly string[]): Promise<void> {
  for (const groupId of groupIds) {
    const link = new CoordinatorLink(cluster, groupId);
    const { body } = await link.retrying(() => link.send(ApiKey.DeleteGroups, () => ({ groupsNames: [groupId] }), (r) => r.body.results[0]?.errorCode ?? ErrorCode.NONE));
    const result = body.results.find((r) => r.groupId === groupId);
    throwIfError(result?.errorCode ?? ErrorCode.NONE, { detail: `group ${groupId}` });
  }
}

/** Every committed offset of the group, sorted by topic and partition. */
export async function fetchGroupOffsets(cluster: Cluster, groupId: string): Promise<CommittedOffset[]> {
  const offsets = await fetchCommittedOffsets(new CoordinatorLink(cluster, groupId), null);
  return offsets.filter((o) => o.offset >= 0).sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

/**
 * Commits new offsets for every partition of a topic, as a non-member (generation -1): only
 * while the group has no members, because members would overwrite them with their positions.
 * Returns what was committed.
 */
export async function resetGroupOffsets(cluster: Cluster, groupId: string, topic: string, to: ResetTarget): Promise<TopicPartitionOffset[]> {
  if (typeof to === 'number' && (!Number.isSafeInteger(to) || to < 0)) throw new RangeError(`an offset to reset to must be a non-negative integer, not ${to}`);
  const [group] = await describeGroups(cluster, [groupId]);
  if (!INACTIVE_STATES.has(group.state)) {
    throw new KafkaClientError(
      ErrorCode.NON_EMPTY_GROUP,
      `NON_EMPTY_GROUP: group ${groupId} is ${group.state} with ${group.members.length} member(s); stop its consumers before resetting offsets`,
    );
  }
  const offsets = await targetOffsets(cluster, topic, to);
  await commitOffsets(new CoordinatorLink(cluster, groupId), OUTSIDE_THE_GROUP, offsets);
  return offsets;
}

async function targetOffsets(cluster: Cluster, topic: string, to: ResetTarget): Promise<TopicPartitionOffset[]> {
  const { partitions } = await cluster.topic(topic);
  const ask = (timestamp: number) => listOffsets(cluster, partitions.map((p) => ({ topic, partition: p.partition, timestamp })));
  const [earliest, latest] = await Promise.all([ask(EARLIEST_TIMESTAMP), ask(LATEST_TIMESTAMP)]);
  return earliest.map((start, i) => {
    const end = latest[i].offset;
    const offset = to === 'earliest' ? start.offset : to === 'latest' ? end : Math.min(Math.max(to, start.offset), end);
    return { topic, partition: start.partition, offset };
  });
}

/** A member's assignment; bytes we cannot read (another protocol's) show as nothing. */
function assignmentOf(bytes: Buffer): TopicPartition[] {
  try {
    return decodeAssignment(bytes);
  } catch {
    return [];
  }
}
