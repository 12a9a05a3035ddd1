// SyncGroup, Heartbeat and LeaveGroup on one group (NOTES.md §7.2). SyncGroup parks followers
// until the leader's assignment is durable; Heartbeat keeps a member's session alive and tells
// it when to rejoin; LeaveGroup removes members (by member id, or by instance id alone).
import type { Logger } from 'pino';
import { ErrorCode } from '../protocol/index.js';
import type { Group } from './group.js';
import { syncError, type Member, type SyncResult } from './member.js';
import type { Rebalancer } from './rebalance.js';

export interface SyncRequest {
  readonly memberId: string;
  readonly generationId: number;
  readonly groupInstanceId: string | null;
  /** v5+: checked against the group's when given. */
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignments: ReadonlyArray<{ readonly memberId: string; readonly assignment: Buffer }>;
}

export interface HeartbeatRequest {
  readonly memberId: string;
  readonly generationId: number;
  readonly groupInstanceId: string | null;
}

export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeaveResult {
  readonly errorCode: number;
  readonly members: ReadonlyArray<LeavingMember & { readonly errorCode: number }>;
}

export interface MembershipDeps {
  readonly rebalancer: Rebalancer;
  readonly logger: Logger;
  /** Persists the group with the leader's assignments; resolves once durable. */
  save(group: Group, assignments: ReadonlyMap<string, Buffer>): Promise<void>;
}

export class Membership {
  constructor(private readonly deps: MembershipDeps) {}

  sync(group: Group | undefined, request: SyncRequest): Promise<SyncResult> | SyncResult {
    if (group === undefined) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (group.is('Dead')) return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const memberError = currentMemberError(group, request.memberId, request.groupInstanceId);
    if (memberError !== ErrorCode.NONE) return syncError(memberError);
    if (request.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);
    if (!sameIfGiven(request.protocolType, group.protocolType) || !sameIfGiven(request.protocolName, group.protocolName)) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const member = group.get(request.memberId) as Member;
    group.pendingSync.delete(member.memberId);
    switch (group.state) {
      case 'PreparingRebalance':
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'CompletingRebalance': {
        const answer = member.awaitSync(ErrorCode.REBALANCE_IN_PROGRESS);
        if (group.isLeader(member.memberId)) void this.storeAndPropagate(group, request.assignments);
        return answer;
      }
      case 'Stable':
        this.deps.rebalancer.scheduleSessionExpiry(group, member);
        return { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
      default:
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  heartbeat(group: Group | undefined, request: HeartbeatRequest): number {
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const memberError = currentMemberError(group, request.memberId, request.groupInstanceId);
    if (memberError !== ErrorCode.NONE) return memberError;
    if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = group.get(request.memberId) as Member;
    // The clock restarts even during a rebalance: the member is alive, it just has to rejoin.
    this.deps.rebalancer.scheduleSessionExpiry(group, member);
    return group.is('PreparingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(group: Group | undefined, leaving: readonly LeavingMember[]): LeaveResult {
    if (group === undefined) return { errorCode: ErrorCode.NONE, members: leaving.map((who) => ({ ...who, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    return { errorCode: ErrorCode.NONE, members: leaving.map((who) => ({ ...who, errorCode: this.leaveOne(group, who) })) };
  }

  private leaveOne(group: Group, who: LeavingMember): number {
    const { rebalancer } = this.deps;
    // Admin tools remove static members by instance id alone.
    if (who.memberId === '') {
      const memberId = who.groupInstanceId === null ? undefined : group.staticMemberId(who.groupInstanceId);
      const member = memberId === undefined ? undefined : group.get(memberId);
      if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      rebalancer.removeMember(group, member, 'removed by instance id');
      return ErrorCode.NONE;
    }
    if (group.isPending(who.memberId)) {
      group.forgetPending(who.memberId);
      rebalancer.tryCompleteJoin(group);
      return ErrorCode.NONE;
    }
    const memberError = currentMemberError(group, who.memberId, who.groupInstanceId);
    if (memberError !== ErrorCode.NONE) return memberError;
    rebalancer.removeMember(group, group.get(who.memberId) as Member, 'left the group');
    return ErrorCode.NONE;
  }

  /**
   * The leader's SyncGroup: members it left out get empty assignments. The assignment is made
   * durable first; if the group moved on meanwhile (a member joined or left), it is dropped and
   * the parked SyncGroups have already been told to rejoin.
   */
  private async storeAndPropagate(group: Group, given: SyncRequest['assignments']): Promise<void> {
    const generation = group.generationId;
    const byMember = new Map(given.map((entry) => [entry.memberId, entry.assignment]));
    const assignments = new Map([...group.members.keys()].map((memberId) => [memberId, Buffer.from(byMember.get(memberId) ?? Buffer.alloc(0))]));
    const stillCurrent = () => group.is('CompletingRebalance') && group.generationId === generation;
    try {
      await this.deps.save(group, assignments);
    } catch (error) {
      this.deps.logger.error({ err: error, group: group.groupId }, 'could not persist the group assignment');
      if (stillCurrent()) {
        this.deps.rebalancer.failParkedSyncs(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
        this.deps.rebalancer.maybePrepareRebalance(group, 'assignment could not be persisted');
      }
      return;
    }
    if (stillCurrent()) this.deps.rebalancer.completeSync(group, assignments);
  }
}

/**
 * Whether the request comes from a current member: an instance id must map to this member id
 * (another id means an older incarnation: FENCED_INSTANCE_ID), and the member id must be known.
 */
export function currentMemberError(group: Group, memberId: string, groupInstanceId: string | null): number {
  if (groupInstanceId !== null) {
    const current = group.staticMemberId(groupInstanceId);
    if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    return current === memberId ? ErrorCode.NONE : ErrorCode.FENCED_INSTANCE_ID;
  }
  return group.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}

function sameIfGiven(given: string | null, actual: string | null): boolean {
  return given === null || given === actual;
}
