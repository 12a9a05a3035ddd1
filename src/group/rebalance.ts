// The moving parts of a rebalance (NOTES.md §7.1): entering PreparingRebalance, completing the
// join when every member is back (or the rebalance timeout / initial delay ends), handing out the
// leader's assignment, and the timers that drop members who stop heartbeating, never rejoin, or
// never send SyncGroup. Parked JoinGroup/SyncGroup requests are answered from here.
import type { Logger } from 'pino';
import { ErrorCode } from '../protocol/index.js';
import type { Group } from './group.js';
import { joinError, syncError, type JoinResult, type Member, type SyncResult } from './member.js';
import { startTimer, type CoordinatorSettings } from './settings.js';

export interface RebalanceDeps {
  readonly settings: CoordinatorSettings;
  readonly logger: Logger;
  /** Persists the group as it is now, with these assignments if given; resolves once durable. */
  save(group: Group, assignments?: ReadonlyMap<string, Buffer>): Promise<void>;
  /** A group may have nothing left in it (its last pending member expired). */
  released(group: Group): void;
}

export class Rebalancer {
  /** Set at shutdown: state may still change (a member leaves), but no timer starts any more. */
  private stopped = false;

  constructor(private readonly deps: RebalanceDeps) {}

  stop(): void {
    this.stopped = true;
  }

  /** Starts a rebalance unless one is already collecting members (or the group is dead). */
  maybePrepareRebalance(group: Group, reason: string): void {
    if (group.is('Stable') || group.is('CompletingRebalance') || group.is('Empty')) this.prepareRebalance(group, reason);
  }

  /** Completes the join early once everyone is back (never during the initial delay). */
  tryCompleteJoin(group: Group): void {
    if (group.is('PreparingRebalance') && !group.initialDelayActive && group.hasAllMembersJoined()) this.completeJoin(group);
  }

  /** The JoinGroup answer of the current generation; only the leader gets the member list. */
  joinResultFor(group: Group, member: Member): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      memberId: member.memberId,
      members: group.isLeader(member.memberId) ? group.memberMetadataForLeader() : [],
    };
  }

  /** Removes a member (leave, expiry, no sync) and lets the group react. */
  removeMember(group: Group, member: Member, reason: string): void {
    this.deps.logger.debug({ group: group.groupId, member: member.memberId, reason }, 'removing group member');
    member.answerJoin(joinError(member.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    member.answerSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    this.drop(group, member);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalance(group, reason);
    else if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  /** Restarts the member's session clock (any join, sync, heartbeat or commit from it). */
  scheduleSessionExpiry(group: Group, member: Member, timeoutMs = member.sessionTimeoutMs): void {
    if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
    member.sessionTimer = this.timer(timeoutMs, () => this.onSessionExpired(group, member));
  }

  /** Hands out a member id (MEMBER_ID_REQUIRED) that is forgotten unless used within the session timeout. */
  addPending(group: Group, memberId: string, sessionTimeoutMs: number): void {
    group.addPending(
      memberId,
      this.timer(sessionTimeoutMs, () => {
        group.forgetPending(memberId);
        this.tryCompleteJoin(group);
        this.deps.released(group);
      }),
    );
  }

  /** Applies the leader's assignment and releases every parked SyncGroup: the group is Stable. */
  completeSync(group: Group, assignments: ReadonlyMap<string, Buffer>): void {
    for (const member of group.members.values()) member.assignment = assignments.get(member.memberId) ?? Buffer.alloc(0);
    group.transitionTo('Stable');
    for (const member of group.members.values()) {
      this.answerSync(group, member, { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
    }
  }

  /** Answers every parked SyncGroup with an error (the round they waited for is over). */
  failParkedSyncs(group: Group, errorCode: number): void {
    for (const member of group.members.values()) this.answerSync(group, member, syncError(errorCode));
  }

  /** Stops every timer of the group and answers its parked requests: the coordinator is going away. */
  unload(group: Group, errorCode: number): void {
    for (const timer of [group.joinTimer, group.syncTimer, ...group.pendingMembers.values()]) if (timer !== null) clearTimeout(timer);
    group.joinTimer = null;
    group.syncTimer = null;
    for (const member of group.members.values()) {
      if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
      member.sessionTimer = null;
      member.answerJoin(joinError(member.memberId, errorCode));
      member.answerSync(syncError(errorCode));
    }
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.is('CompletingRebalance')) this.failParkedSyncs(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.clearSyncTimer(group);
    group.pendingSync.clear();
    const fromEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance');
    this.deps.logger.debug({ group: group.groupId, generation: group.generationId, reason }, 'preparing rebalance');
    if (fromEmpty) {
      // A new group waits for more members before its first generation, so a consumer fleet
      // starting together does not go through one rebalance per member.
      group.initialDelayActive = true;
      group.newMemberAdded = false;
      const delay = this.deps.settings.initialRebalanceDelayMs;
      this.scheduleInitialDelay(group, delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
    } else {
      this.scheduleJoinTimeout(group, group.rebalanceTimeoutMs());
      this.tryCompleteJoin(group);
    }
  }

  /** Each delay that saw a new member is followed by another, until the rebalance timeout is used up. */
  private scheduleInitialDelay(group: Group, delayMs: number, remainingMs: number): void {
    this.clearJoinTimer(group);
    group.joinTimer = this.timer(delayMs, () => {
      group.joinTimer = null;
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const configured = this.deps.settings.initialRebalanceDelayMs;
        this.scheduleInitialDelay(group, Math.min(configured, remainingMs), Math.max(remainingMs - configured, 0));
      } else {
        group.initialDelayActive = false;
        this.completeJoin(group);
      }
    });
  }

  private scheduleJoinTimeout(group: Group, timeoutMs: number): void {
    this.clearJoinTimer(group);
    group.joinTimer = this.timer(timeoutMs, () => {
      group.joinTimer = null;
      this.completeJoin(group);
    });
  }

  /**
   * Ends PreparingRebalance: dynamic members that did not rejoin are dropped (static ones stay
   * until their session ends), the generation is bumped and every parked JoinGroup answered.
   */
  private completeJoin(group: Group): void {
    if (!group.is('PreparingRebalance')) return;
    this.clearJoinTimer(group);
    group.initialDelayActive = false;
    for (const member of group.notYetRejoined()) if (!member.isStatic) this.drop(group, member);
    if (!group.electJoinedLeader() && group.members.size > 0) {
      // Only static members that have not come back are left: keep waiting for them (or for
      // their sessions to end) rather than making a generation nobody knows about.
      this.scheduleJoinTimeout(group, group.rebalanceTimeoutMs());
      return;
    }
    group.initNextGeneration();
    this.deps.logger.debug({ group: group.groupId, generation: group.generationId, members: group.members.size }, 'join completed');
    if (group.is('Empty')) {
      this.persist(group);
      return;
    }
    for (const member of group.members.values()) {
      if (!member.answerJoin(this.joinResultFor(group, member))) continue;
      member.isNew = false;
      group.pendingSync.add(member.memberId);
      this.scheduleSessionExpiry(group, member);
    }
    this.scheduleSyncTimeout(group);
  }

  /** Members answered by the join must send SyncGroup within the rebalance timeout, or they are dropped. */
  private scheduleSyncTimeout(group: Group): void {
    this.clearSyncTimer(group);
    const generation = group.generationId;
    group.syncTimer = this.timer(group.rebalanceTimeoutMs(), () => {
      group.syncTimer = null;
      if (group.generationId !== generation || !(group.is('CompletingRebalance') || group.is('Stable'))) return;
      for (const memberId of [...group.pendingSync]) {
        const member = group.get(memberId);
        if (member !== undefined) this.removeMember(group, member, 'no SyncGroup within the rebalance timeout');
      }
    });
  }

  private onSessionExpired(group: Group, member: Member): void {
    member.sessionTimer = null;
    if (group.get(member.memberId) !== member) return;
    // A member parked in a rebalance waits on the group, not the other way round: the rebalance
    // (or its timeout) decides about it, and its clock restarts when it is answered. A new
    // member's clock is the join timeout, which does end a parked JoinGroup.
    if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return;
    this.removeMember(group, member, member.isNew ? 'new member join timeout' : 'session timeout');
  }

  private answerSync(group: Group, member: Member, result: SyncResult): void {
    if (member.answerSync(result)) this.scheduleSessionExpiry(group, member);
  }

  private drop(group: Group, member: Member): void {
    if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
    group.remove(member.memberId);
  }

  private persist(group: Group): void {
    this.deps.save(group).catch((error: unknown) => this.deps.logger.error({ err: error, group: group.groupId }, 'could not persist group metadata'));
  }

  private clearJoinTimer(group: Group): void {
    if (group.joinTimer !== null) clearTimeout(group.joinTimer);
    group.joinTimer = null;
  }

  private clearSyncTimer(group: Group): void {
    if (group.syncTimer !== null) clearTimeout(group.syncTimer);
    group.syncTimer = null;
  }

  private timer(ms: number, callback: () => void): NodeJS.Timeout | null {
    if (this.stopped) return null;
    return startTimer(ms, callback, (error) => this.deps.logger.error({ err: error }, 'group timer failed'));
  }
}
