// JoinGroup on one group (NOTES.md §7.1-7.2, Kafka's classic GroupCoordinator): a member without
// an id is handed one (MEMBER_ID_REQUIRED, v4+) or added at once; a static member (instance id)
// that comes back takes its old place; a known member rejoining either gets the current
// generation back or triggers a rebalance. The answer is a promise that stays pending while the
// member is parked in the rebalance.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/index.js';
import type { Group } from './group.js';
import { Member, joinError, syncError, type JoinResult, type MemberProtocol } from './member.js';
import type { Rebalancer } from './rebalance.js';
import type { CoordinatorSettings } from './settings.js';

export interface JoinRequest {
  readonly groupId: string;
  /** '' for a member joining for the first time. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
  /** JoinGroup v4+: a dynamic member without an id is first handed one with MEMBER_ID_REQUIRED. */
  readonly requireKnownMemberId: boolean;
}

export interface JoinDeps {
  readonly settings: CoordinatorSettings;
  readonly rebalancer: Rebalancer;
  /** Persists the group (a static member took its place back); resolves once durable. */
  save(group: Group): Promise<void>;
}

export class Joiner {
  constructor(private readonly deps: JoinDeps) {}

  join(group: Group, request: JoinRequest): Promise<JoinResult> | JoinResult {
    if (group.is('Dead')) return joinError(request.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!this.hasRoomFor(group, request)) return joinError(request.memberId, ErrorCode.GROUP_MAX_SIZE_REACHED);
    if (!group.supportsProtocols(request.protocolType, request.protocols)) return joinError(request.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    return request.memberId === '' ? this.joinWithoutId(group, request) : this.rejoin(group, request);
  }

  private hasRoomFor(group: Group, request: JoinRequest): boolean {
    const known = group.has(request.memberId) || (request.groupInstanceId !== null && group.staticMemberId(request.groupInstanceId) !== undefined);
    return known || group.members.size < this.deps.settings.maxGroupSize;
  }

  private joinWithoutId(group: Group, request: JoinRequest): Promise<JoinResult> | JoinResult {
    // Kafka's member id: the client id (or instance id) and a UUID.
    const memberId = `${request.groupInstanceId ?? request.clientId}-${randomUUID()}`;
    if (request.groupInstanceId !== null) {
      const previous = group.staticMemberId(request.groupInstanceId);
      if (previous !== undefined) return this.replaceStaticMember(group, request, previous, memberId);
    } else if (request.requireKnownMemberId) {
      // The client rejoins with this id; until then it holds up a rebalance like a member would.
      this.deps.rebalancer.addPending(group, memberId, request.sessionTimeoutMs);
      return joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED);
    }
    return this.addMemberAndRebalance(group, request, memberId);
  }

  private rejoin(group: Group, request: JoinRequest): Promise<JoinResult> | JoinResult {
    // A pending member coming back with its handed-out id (pending members are never static).
    if (group.isPending(request.memberId)) return this.addMemberAndRebalance(group, { ...request, groupInstanceId: null }, request.memberId);
    if (group.isStaticMemberFenced(request.memberId, request.groupInstanceId)) return joinError(request.memberId, ErrorCode.FENCED_INSTANCE_ID);
    const member = group.get(request.memberId);
    const unknownInstance = request.groupInstanceId !== null && group.staticMemberId(request.groupInstanceId) === undefined;
    if (member === undefined || unknownInstance) return joinError(request.memberId, ErrorCode.UNKNOWN_MEMBER_ID);
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, request, 'member rejoined during the rebalance');
      case 'CompletingRebalance':
        // Same metadata: it most likely missed its JoinGroup answer, so repeat it.
        if (member.matches(request.protocols)) return this.answerAgain(group, member);
        return this.updateMemberAndRebalance(group, member, request, 'member rejoined with new metadata');
      case 'Stable':
        // The leader rejoining asks for a new assignment (e.g. topic metadata changed); a
        // follower with unchanged metadata just gets the current generation back.
        if (group.isLeader(member.memberId)) return this.updateMemberAndRebalance(group, member, request, 'leader rejoined');
        if (!member.matches(request.protocols)) return this.updateMemberAndRebalance(group, member, request, 'member rejoined with new metadata');
        return this.answerAgain(group, member);
      default:
        return joinError(request.memberId, ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  private answerAgain(group: Group, member: Member): JoinResult {
    this.deps.rebalancer.scheduleSessionExpiry(group, member);
    return this.deps.rebalancer.joinResultFor(group, member);
  }

  private addMemberAndRebalance(group: Group, request: JoinRequest, memberId: string): Promise<JoinResult> {
    const identity = { memberId, groupInstanceId: request.groupInstanceId, clientId: request.clientId, clientHost: request.clientHost };
    const member = new Member(identity, timeoutsOf(request), request.protocols);
    member.isNew = true;
    if (group.is('PreparingRebalance') && group.initialDelayActive) group.newMemberAdded = true;
    group.add(member, request.protocolType);
    const answer = member.awaitJoin(ErrorCode.REBALANCE_IN_PROGRESS);
    this.deps.rebalancer.scheduleSessionExpiry(group, member, this.deps.settings.newMemberJoinTimeoutMs);
    this.deps.rebalancer.maybePrepareRebalance(group, `member ${memberId} joined`);
    this.deps.rebalancer.tryCompleteJoin(group);
    return answer;
  }

  private updateMemberAndRebalance(group: Group, member: Member, request: JoinRequest, reason: string): Promise<JoinResult> {
    updateMember(member, request);
    const answer = member.awaitJoin(ErrorCode.REBALANCE_IN_PROGRESS);
    this.deps.rebalancer.maybePrepareRebalance(group, `${member.memberId}: ${reason}`);
    this.deps.rebalancer.tryCompleteJoin(group);
    return answer;
  }

  /**
   * A static member restarted: its new incarnation takes over the old entry and assignment. In a
   * Stable group whose chosen protocol would not change this needs no rebalance; the answer names
   * the previous leader id so the member does not run an assignment the group would not use, and
   * the member fetches its assignment with SyncGroup. Anything else rebalances.
   */
  private replaceStaticMember(group: Group, request: JoinRequest, oldMemberId: string, newMemberId: string): Promise<JoinResult> | JoinResult {
    const { rebalancer } = this.deps;
    const previousLeader = group.leaderId ?? '';
    const old = group.get(oldMemberId);
    // Whatever the old incarnation still has parked is answered: it has been replaced.
    old?.answerJoin(joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    old?.answerSync(syncError(ErrorCode.FENCED_INSTANCE_ID));
    const member = group.replaceStaticMember(request.groupInstanceId as string, oldMemberId, newMemberId);
    updateMember(member, request);
    rebalancer.scheduleSessionExpiry(group, member);
    if (group.is('Stable') && group.selectProtocol() === group.protocolName) {
      const result: JoinResult = {
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leaderId: previousLeader,
        memberId: newMemberId,
        members: [],
      };
      return this.deps.save(group).then(
        () => result,
        () => joinError(newMemberId, ErrorCode.COORDINATOR_NOT_AVAILABLE),
      );
    }
    const answer = member.awaitJoin(ErrorCode.REBALANCE_IN_PROGRESS);
    rebalancer.maybePrepareRebalance(group, `static member ${request.groupInstanceId} rejoined`);
    rebalancer.tryCompleteJoin(group);
    return answer;
  }
}

function timeoutsOf(request: JoinRequest): { sessionTimeoutMs: number; rebalanceTimeoutMs: number } {
  return { sessionTimeoutMs: request.sessionTimeoutMs, rebalanceTimeoutMs: request.rebalanceTimeoutMs };
}

function updateMember(member: Member, request: JoinRequest): void {
  member.protocols = request.protocols;
  member.sessionTimeoutMs = request.sessionTimeoutMs;
  member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
}
