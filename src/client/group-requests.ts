// JoinGroup, SyncGroup, Heartbeat and LeaveGroup as a consumer sends them (NOTES.md §2, §7):
// built for whatever version the coordinator speaks, answered as plain results whose error code
// the membership loop interprets. Only coordinator moves and transport failures throw.
import { ApiKey, ErrorCode, type JoinGroupRequest } from '../protocol/index.js';
import type { CoordinatorLink } from './group-coordinator.js';

/** Protocol type of consumer groups: member metadata and assignments use ConsumerProtocol bytes. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';
/** Static membership (group.instance.id) needs JoinGroup v5, SyncGroup/Heartbeat v3, LeaveGroup v3. */
const STATIC_MEMBERSHIP_VERSIONS = { [ApiKey.JoinGroup]: 5, [ApiKey.SyncGroup]: 3, [ApiKey.Heartbeat]: 3 } as const;
/** LeaveGroup names members in a batch (with their instance ids) from v3. */
const BATCHED_LEAVE_VERSION = 3;

export interface MemberIdentity {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface JoinSettings {
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  /** In order of preference: protocol (assignor) name and this member's subscription bytes. */
  readonly protocols: ReadonlyArray<{ readonly name: string; readonly metadata: Buffer }>;
}

export interface JoinOutcome {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolName: string;
  readonly leaderId: string;
  readonly memberId: string;
  /** The members and their metadata for the chosen protocol; only the leader gets them. */
  readonly members: ReadonlyArray<{ readonly memberId: string; readonly groupInstanceId: string | null; readonly metadata: Buffer }>;
  /** JoinGroup v9: the (static) leader must not compute an assignment. */
  readonly skipAssignment: boolean;
}

export interface Generation {
  readonly generationId: number;
  readonly protocolName: string;
}

/**
 * Sends JoinGroup. The coordinator parks it until the rebalance completes, which takes up to the
 * rebalance timeout of the slowest member: the request timeout is stretched by that much.
 */
export async function joinGroup(link: CoordinatorLink, who: MemberIdentity, settings: JoinSettings): Promise<JoinOutcome> {
  const build = (): JoinGroupRequest => ({
    groupId: who.groupId,
    sessionTimeoutMs: settings.sessionTimeoutMs,
    rebalanceTimeoutMs: settings.rebalanceTimeoutMs,
    memberId: who.memberId,
    groupInstanceId: who.groupInstanceId,
    protocolType: CONSUMER_PROTOCOL_TYPE,
    protocols: settings.protocols.map(({ name, metadata }) => ({ name, metadata })),
    reason: null,
  });
  const { body } = await link.send(ApiKey.JoinGroup, build, (r) => r.body.errorCode, {
    versions: versionsFor(ApiKey.JoinGroup, who),
    extraTimeoutMs: settings.rebalanceTimeoutMs,
  });
  return {
    errorCode: body.errorCode,
    generationId: body.generationId,
    protocolName: body.protocolName ?? '',
    leaderId: body.leader,
    memberId: body.memberId,
    members: body.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: Buffer.from(m.metadata) })),
    skipAssignment: body.skipAssignment,
  };
}

/** Sends SyncGroup (the leader with every member's assignment, the others with none) and returns this member's assignment. */
export async function syncGroup(
  link: CoordinatorLink,
  who: MemberIdentity,
  generation: Generation,
  assignments: ReadonlyArray<{ readonly memberId: string; readonly assignment: Buffer }>,
  rebalanceTimeoutMs: number,
): Promise<{ errorCode: number; assignment: Buffer }> {
  const { body } = await link.send(
    ApiKey.SyncGroup,
    () => ({
      groupId: who.groupId,
      generationId: generation.generationId,
      memberId: who.memberId,
      groupInstanceId: who.groupInstanceId,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocolName: generation.protocolName,
      assignments: assignments.map(({ memberId, assignment }) => ({ memberId, assignment })),
    }),
    (r) => r.body.errorCode,
    { versions: versionsFor(ApiKey.SyncGroup, who), extraTimeoutMs: rebalanceTimeoutMs },
  );
  return { errorCode: body.errorCode, assignment: Buffer.from(body.assignment) };
}

export async function heartbeat(link: CoordinatorLink, who: MemberIdentity, generationId: number): Promise<number> {
  const { body } = await link.send(
    ApiKey.Heartbeat,
    () => ({ groupId: who.groupId, generationId, memberId: who.memberId, groupInstanceId: who.groupInstanceId }),
    (r) => r.body.errorCode,
    { versions: versionsFor(ApiKey.Heartbeat, who) },
  );
  return body.errorCode;
}

/** Leaves the group, so the others rebalance at once instead of after our session timeout. */
export async function leaveGroup(link: CoordinatorLink, who: MemberIdentity, reason: string): Promise<number> {
  const { version, body } = await link.send(
    ApiKey.LeaveGroup,
    (v) => ({
      groupId: who.groupId,
      memberId: v < BATCHED_LEAVE_VERSION ? who.memberId : '',
      members: v >= BATCHED_LEAVE_VERSION ? [{ memberId: who.memberId, groupInstanceId: who.groupInstanceId, reason }] : [],
    }),
    (r) => r.body.errorCode,
  );
  if (body.errorCode !== ErrorCode.NONE || version < BATCHED_LEAVE_VERSION) return body.errorCode;
  return body.members[0]?.errorCode ?? ErrorCode.NONE;
}

/** A static member needs the versions that carry its instance id; a dynamic one takes any. */
function versionsFor(apiKey: keyof typeof STATIC_MEMBERSHIP_VERSIONS, who: MemberIdentity): { min: number } | undefined {
  return who.groupInstanceId === null ? undefined : { min: STATIC_MEMBERSHIP_VERSIONS[apiKey] };
}
