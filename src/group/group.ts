// One classic group's state (NOTES.md §7.1): its members, the pending members that were handed a
// member id but have not joined with it yet, the static members by instance id, the generation,
// the leader and the chosen protocol. No timers and no I/O here: the rebalancer drives this.
import { subscribedTopicsOf } from '../protocol/consumer-protocol.js';
import type { Member, MemberProtocol } from './member.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** The states each state may be entered from (Kafka's GroupState.validPreviousStates). */
const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

/** Protocol type of Kafka consumers: their metadata is a ConsumerProtocolSubscription. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, each with the timer that forgets it. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout | null>();
  /** Members that got this generation's JoinGroup answer but have not sent SyncGroup yet. */
  readonly pendingSync = new Set<string>();
  /** Topics the members subscribe to; null when unknown (not a consumer group, or unparsable). */
  subscribedTopics: ReadonlySet<string> | null = null;
  /** The first rebalance of an empty group is waiting out group.initial.rebalance.delay.ms. */
  initialDelayActive = false;
  /** A member joined during the initial delay, so the delay is extended once more. */
  newMemberAdded = false;
  /** The rebalance timeout (or initial delay) timer of PreparingRebalance. */
  joinTimer: NodeJS.Timeout | null = null;
  /** Drops members that never send SyncGroup after a completed join. */
  syncTimer: NodeJS.Timeout | null = null;
  private readonly staticMembers = new Map<string, string>();

  constructor(readonly groupId: string) {}

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) {
      throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${state}`);
    }
    this.state = state;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): Member | undefined {
    return this.members.get(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  isPending(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  /** No members, no pending members: nothing is using the group for coordination. */
  get isUnused(): boolean {
    return this.members.size === 0 && this.pendingMembers.size === 0;
  }

  /** Adds a member; the first one sets the group's protocol type. */
  add(member: Member, protocolType: string): void {
    if (this.members.size === 0) this.protocolType = protocolType;
    this.leaderId ??= member.memberId;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.forgetPending(member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member === undefined) return;
    this.members.delete(memberId);
    this.pendingSync.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
  }

  addPending(memberId: string, expiry: NodeJS.Timeout | null): void {
    this.pendingMembers.set(memberId, expiry);
  }

  /** Forgets a pending member id (it joined with it, left, or expired). */
  forgetPending(memberId: string): void {
    const timer = this.pendingMembers.get(memberId);
    if (timer != null) clearTimeout(timer);
    this.pendingMembers.delete(memberId);
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  /** The instance id belongs to another member id: this one is an older incarnation. */
  isStaticMemberFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  /** A restarted static member takes over its old entry (and assignment) under a new member id. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): Member {
    const member = this.members.get(oldMemberId);
    if (member === undefined) throw new Error(`group ${this.groupId}: static member ${oldMemberId} is not in the group`);
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    this.staticMembers.set(groupInstanceId, newMemberId);
    if (this.pendingSync.delete(oldMemberId)) this.pendingSync.add(newMemberId);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    return member;
  }

  /**
   * Whether a member with these protocols may be in the group: an empty group takes any member
   * that names a type and at least one protocol; otherwise the type must match and one of its
   * protocols must be supported by every current member.
   */
  supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (this.members.size === 0) return protocolType.length > 0 && protocols.length > 0;
    if (protocolType !== this.protocolType) return false;
    const members = [...this.members.values()];
    return protocols.some((protocol) => members.every((member) => member.supports(protocol.name)));
  }

  /**
   * The protocol every member supports that the most members prefer: each member votes for its
   * first candidate. Ties go to the candidate voted for first, in member order, so the choice is
   * deterministic.
   */
  selectProtocol(): string {
    const members = [...this.members.values()];
    const candidates = new Set(members[0]?.protocols.map((protocol) => protocol.name).filter((name) => members.every((m) => m.supports(name))));
    const votes = new Map<string, number>();
    for (const member of members) {
      const vote = member.vote(candidates);
      if (vote !== undefined) votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let chosen: string | undefined;
    for (const [name, count] of votes) if (chosen === undefined || count > (votes.get(chosen) ?? 0)) chosen = name;
    if (chosen === undefined) throw new Error(`group ${this.groupId}: no protocol is supported by every member`);
    return chosen;
  }

  /** Every member rejoined and no handed-out member id is still outstanding. */
  hasAllMembersJoined(): boolean {
    return this.pendingMembers.size === 0 && [...this.members.values()].every((member) => member.isAwaitingJoin);
  }

  notYetRejoined(): Member[] {
    return [...this.members.values()].filter((member) => !member.isAwaitingJoin);
  }

  /** The largest rebalance timeout of the members: how long a rebalance may wait for them. */
  rebalanceTimeoutMs(): number {
    return Math.max(0, ...[...this.members.values()].map((member) => member.rebalanceTimeoutMs));
  }

  /**
   * Keeps the leader if it rejoined, else hands leadership to a member that did. False when no
   * member rejoined at all (only static members that did not come back are left).
   */
  electJoinedLeader(): boolean {
    const leader = this.leaderId === null ? undefined : this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    const joined = [...this.members.values()].find((member) => member.isAwaitingJoin);
    if (joined === undefined) return false;
    this.leaderId = joined.memberId;
    return true;
  }

  /**
   * Ends PreparingRebalance: a new generation, with a protocol when anyone is left. An emptied
   * group keeps its protocol type, as Kafka's does: ListGroups and DescribeGroups go on calling
   * it a consumer group (librdkafka takes a group of type "" for a simple one).
   */
  initNextGeneration(): void {
    this.generationId += 1;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance');
    } else {
      this.protocolName = null;
      this.subscribedTopics = null;
      this.transitionTo('Empty');
    }
  }

  /** What the leader's JoinGroup answer lists: every member with its metadata for the chosen protocol. */
  memberMetadataForLeader(): Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }> {
    return [...this.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      metadata: member.metadataFor(this.protocolName),
    }));
  }

  /** Whether a member consumes the topic; assumed so when the subscriptions are unknown. */
  isSubscribedTo(topic: string): boolean {
    return this.subscribedTopics === null || this.subscribedTopics.has(topic);
  }

  /** Union of the members' subscribed topics, for consumer groups whose subscriptions all parse. */
  computeSubscribedTopics(): ReadonlySet<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null) return null;
    const topics = new Set<string>();
    for (const member of this.members.values()) {
      const subscribed = subscribedTopicsOf(member.metadataFor(this.protocolName));
      if (subscribed === null) return null;
      subscribed.forEach((topic) => topics.add(topic));
    }
    return topics;
  }
}
