// A group as GroupStore keeps it across restarts (JSON; bytes as base64), and back. Written on
// every generation change and when a static member takes its place back; read once at startup.
import type { GroupMetadataRecord } from './group-store.js';
import { Group } from './group.js';
import { Member, type MemberProtocol } from './member.js';

const RECORD_VERSION = 1;

// Type aliases rather than interfaces: only those fit the store's Record<string, unknown>.
type StoredProtocol = {
  readonly name: string;
  readonly metadata: string;
};

type StoredMember = {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocols: readonly StoredProtocol[];
  readonly assignment: string;
};

type StoredGroup = {
  readonly version: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly generationId: number;
  readonly leaderId: string | null;
  readonly members: readonly StoredMember[];
};

/** The record of a group; `assignments` (the leader's, about to be applied) override the members' current ones. */
export function groupRecordOf(group: Group, assignments?: ReadonlyMap<string, Buffer>): GroupMetadataRecord {
  const record: StoredGroup = {
    version: RECORD_VERSION,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    generationId: group.generationId,
    leaderId: group.leaderId,
    members: [...group.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      clientId: member.clientId,
      clientHost: member.clientHost,
      sessionTimeoutMs: member.sessionTimeoutMs,
      rebalanceTimeoutMs: member.rebalanceTimeoutMs,
      protocols: member.protocols.map((protocol) => ({ name: protocol.name, metadata: protocol.metadata.toString('base64') })),
      assignment: (assignments?.get(member.memberId) ?? member.assignment).toString('base64'),
    })),
  };
  return record;
}

/**
 * The group as it was stored. One with members comes back Stable, as Kafka loads it: members
 * that are still alive carry on heartbeating, the others' sessions expire (the caller starts
 * their timers) and the group rebalances without them.
 */
export function restoreGroup(groupId: string, record: GroupMetadataRecord | undefined): Group {
  const group = new Group(groupId);
  if (record === undefined || !isStoredGroup(record)) return group;
  group.generationId = record.generationId;
  group.protocolType = record.protocolType;
  if (record.members.length === 0 || record.protocolType === null || record.protocolName === null) return group;
  for (const stored of record.members) group.add(restoreMember(stored), record.protocolType);
  group.protocolName = record.protocolName;
  group.leaderId = record.leaderId !== null && group.has(record.leaderId) ? record.leaderId : group.leaderId;
  group.subscribedTopics = group.computeSubscribedTopics();
  group.state = 'Stable';
  return group;
}

function restoreMember(stored: StoredMember): Member {
  const protocols: MemberProtocol[] = stored.protocols.map((protocol) => ({ name: protocol.name, metadata: Buffer.from(protocol.metadata, 'base64') }));
  const member = new Member(
    { memberId: stored.memberId, groupInstanceId: stored.groupInstanceId, clientId: stored.clientId, clientHost: stored.clientHost },
    { sessionTimeoutMs: stored.sessionTimeoutMs, rebalanceTimeoutMs: stored.rebalanceTimeoutMs },
    protocols,
  );
  member.assignment = Buffer.from(stored.assignment, 'base64');
  return member;
}

/** Checks the shape written by groupRecordOf (the store hands back parsed JSON, typed unknown). */
function isStoredGroup(record: GroupMetadataRecord): record is GroupMetadataRecord & StoredGroup {
  return (
    record.version === RECORD_VERSION &&
    typeof record.generationId === 'number' &&
    Array.isArray(record.members) &&
    (record.members as unknown[]).every(isStoredMember)
  );
}

function isStoredMember(value: unknown): value is StoredMember {
  if (typeof value !== 'object' || value === null) return false;
  const member = value as Record<string, unknown>;
  return (
    typeof member.memberId === 'string' &&
    (member.groupInstanceId === null || typeof member.groupInstanceId === 'string') &&
    typeof member.clientId === 'string' &&
    typeof member.clientHost === 'string' &&
    typeof member.sessionTimeoutMs === 'number' &&
    typeof member.rebalanceTimeoutMs === 'number' &&
    typeof member.assignment === 'string' &&
    Array.isArray(member.protocols) &&
    (member.protocols as unknown[]).every(isStoredProtocol)
  );
}

function isStoredProtocol(value: unknown): value is StoredProtocol {
  const protocol = value as Record<string, unknown> | null;
  return typeof protocol === 'object' && protocol !== null && typeof protocol.name === 'string' && typeof protocol.metadata === 'string';
}
