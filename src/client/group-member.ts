// A consumer's membership in a group (classic protocol, eager rebalancing; NOTES.md §2, §7). One
// background loop does everything, so no two group actions ever overlap:
//
//   rebalance: revoke what we own (listener, commit) → JoinGroup (again with the member id handed
//              out by MEMBER_ID_REQUIRED) → the leader runs the assignor → SyncGroup → OffsetFetch
//              → hand the partitions to the consumer (committed offset, or autoOffsetReset)
//   stable:    heartbeat, auto-commit and (leader) watch partition counts until the coordinator
//              or a commit says the group is rebalancing, or subscribe() changes the topics
//
// REBALANCE_IN_PROGRESS means "rejoin, your generation is still valid": owned partitions are
// committed before they go. ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID mean the partitions are
// already someone else's: they go without a commit (UNKNOWN_MEMBER_ID also drops the member id).
import { ErrorCode } from '../protocol/index.js';
import { decodeAssignment, encodeSubscription } from '../protocol/consumer-protocol.js';
import { KafkaClientError, isRetriable } from './errors.js';
import { commitOffsets, fetchCommittedOffsets, OUTSIDE_THE_GROUP, type CommitIdentity, type OffsetToCommit } from './group-commit.js';
import type { CoordinatorLink } from './group-coordinator.js';
import { assignAsLeader, type LeaderView, type MemberAssignment } from './group-leader.js';
import type { MemberHost, ResolvedGroupOptions } from './group-options.js';
import { joinGroup, heartbeat, leaveGroup, syncGroup, type JoinOutcome, type MemberIdentity } from './group-requests.js';
import { Alarm, generationVerdict, partitionCountsOf, sameCounts, tpKey } from './group-util.js';
import type { TopicPartition } from './partition-states.js';
import { backoffDelay } from './retry.js';

interface StableGeneration {
  readonly generationId: number;
  readonly protocolName: string;
}

export class GroupMember {
  private memberId = '';
  private generation: StableGeneration | null = null;
  private topics: readonly string[] = [];
  private assigned: TopicPartition[] = [];
  private rejoinNeeded = true;
  /** Counts rejoin requests, so one made while a rebalance is under way is not lost when it ends. */
  private rejoinRequests = 0;
  private partitionsLost = false;
  private joining = false;
  private stopping = false;
  private failed = false;
  private left = false;
  private loop: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private leaderView: LeaderView | null = null;
  private readonly alarm = new Alarm();
  private readonly lastCommitted = new Map<string, number>();
  private nextHeartbeatAt = 0;
  private nextAutoCommitAt = 0;
  private nextMetadataCheckAt = 0;

  constructor(
    private readonly link: CoordinatorLink,
    private readonly options: ResolvedGroupOptions,
    private readonly host: MemberHost,
  ) {}

  /** Joins (or rejoins with the new topics) in the background. */
  subscribe(topics: readonly string[]): void {
    const next = [...new Set(topics)].sort();
    if (this.loop !== null && next.join('\u0000') === this.topics.join('\u0000')) return;
    this.topics = next;
    this.requestRejoin(false);
    this.loop ??= this.run();
  }

  get subscribed(): boolean {
    return this.loop !== null;
  }

  /** Who commits: this member in its generation, or nobody (generation -1) outside one. */
  identity(): CommitIdentity {
    if (this.generation === null) return OUTSIDE_THE_GROUP;
    return { generationId: this.generation.generationId, memberId: this.memberId, groupInstanceId: this.options.groupInstanceId };
  }

  /** The group and this member's place in it now. */
  metadata(): { groupId: string; generationId: number; memberId: string; groupInstanceId: string | null } {
    return { groupId: this.options.groupId, ...this.identity() };
  }

  /** Commits offsets; an answer saying the generation is over also starts a rejoin. */
  async commit(offsets: readonly OffsetToCommit[]): Promise<void> {
    const who = this.identity();
    if (this.loop !== null && who.generationId < 0 && offsets.length > 0) {
      throw new KafkaClientError(ErrorCode.REBALANCE_IN_PROGRESS, `group ${this.options.groupId} is rebalancing: commit once partitions are assigned (or in onPartitionsRevoked)`);
    }
    try {
      await commitOffsets(this.link, who, offsets);
      for (const o of offsets) this.lastCommitted.set(tpKey(o), o.offset);
    } catch (error) {
      // Only an answer about the generation we are still in says anything about our membership.
      const current = this.generation !== null && this.generation.generationId === who.generationId;
      if (current && error instanceof KafkaClientError) this.reactToMembershipCode(error.code);
      throw error;
    }
  }

  /** Commits the positions that moved since they were last committed. */
  async commitConsumed(): Promise<void> {
    const moved = this.host.positions().filter((p) => this.lastCommitted.get(tpKey(p)) !== p.offset);
    if (moved.length > 0) await this.commit(moved);
  }

  /** Revokes (listener, final commit) and leaves the group; a static member stays, to come back. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.alarm.wake();
    // A JoinGroup or SyncGroup may be parked at the coordinator; leaving answers it at once.
    if (this.joining) await this.leave();
    await this.loop;
    // After a failure the listeners are not called again; leaving still spares the others a session timeout.
    if (this.assigned.length > 0 && !this.failed) await this.revoke(!this.partitionsLost).catch(() => undefined);
    await this.leave();
  }

  private async leave(): Promise<void> {
    if (this.memberId === '' || this.options.groupInstanceId !== null || this.left) return;
    this.left = true;
    await leaveGroup(this.link, this.who(), 'the consumer is closing').catch(() => undefined);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (this.rejoinNeeded) await this.rebalance();
        else await this.whileStable();
        failures = 0;
      } catch (error) {
        if (this.stopping) break;
        if (!isRetriable(error)) {
          this.failed = true;
          this.host.fail(error);
          break;
        }
        await this.alarm.sleep(backoffDelay(failures++, this.link.cluster.retry));
      }
    }
  }

  private async rebalance(): Promise<void> {
    if (this.assigned.length > 0) await this.revoke(!this.partitionsLost);
    // Rejoin requests from here on (subscribe() with new topics) need yet another join.
    const requestsBefore = this.rejoinRequests;
    this.generation = null;
    this.partitionsLost = false;
    this.leaderView = null;
    const joined = await this.whileJoining(() => this.join());
    if (joined === null || this.stopping) return;
    const partitions = await this.whileJoining(() => this.sync(joined));
    if (partitions === null || this.stopping) return;
    await this.start({ generationId: joined.generationId, protocolName: joined.protocolName }, partitions, requestsBefore);
  }

  /** Marks a request the coordinator may park, so close() knows to leave rather than wait. */
  private async whileJoining<T>(step: () => Promise<T>): Promise<T> {
    this.joining = true;
    try {
      return await step();
    } finally {
      this.joining = false;
    }
  }

  /** JoinGroup until it succeeds; null when closing. */
  private async join(): Promise<JoinOutcome | null> {
    while (!this.stopping) {
      const protocols = this.options.assignors.map(({ name }) => ({ name, metadata: encodeSubscription({ topics: this.topics, userData: null, ownedPartitions: [] }) }));
      const outcome = await joinGroup(this.link, this.who(), { ...this.options, protocols });
      switch (outcome.errorCode) {
        case ErrorCode.NONE:
          this.memberId = outcome.memberId;
          return outcome;
        case ErrorCode.MEMBER_ID_REQUIRED:
          this.memberId = outcome.memberId;
          break;
        case ErrorCode.UNKNOWN_MEMBER_ID:
          this.memberId = '';
          break;
        case ErrorCode.REBALANCE_IN_PROGRESS:
        case ErrorCode.ILLEGAL_GENERATION:
          throw new KafkaClientError(outcome.errorCode, `group ${this.options.groupId}: JoinGroup answered ${outcome.errorCode}, trying again`, {}, true);
        default:
          throw KafkaClientError.fromCode(outcome.errorCode, { detail: `joining group ${this.options.groupId}` });
      }
    }
    return null;
  }

  /** SyncGroup (the leader brings everyone's assignment); null when the group needs another join. */
  private async sync(joined: JoinOutcome): Promise<TopicPartition[] | null> {
    const leads = joined.leaderId === joined.memberId && !joined.skipAssignment;
    let assignments: MemberAssignment[] = [];
    if (leads) {
      const led = await assignAsLeader(this.options.assignors, joined, this.link.cluster);
      assignments = led.assignments;
      this.leaderView = led.view;
    }
    const generation = { generationId: joined.generationId, protocolName: joined.protocolName };
    const { errorCode, assignment } = await syncGroup(this.link, this.who(), generation, assignments, this.options.rebalanceTimeoutMs);
    switch (errorCode) {
      case ErrorCode.NONE:
        return decodeAssignment(assignment);
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.memberId = '';
        return null;
      case ErrorCode.REBALANCE_IN_PROGRESS:
      case ErrorCode.ILLEGAL_GENERATION:
        return null;
      default:
        throw KafkaClientError.fromCode(errorCode, { detail: `syncing group ${this.options.groupId}` });
    }
  }

  /** Hands the partitions to the consumer at their committed offsets, then tells the listener. */
  private async start(generation: StableGeneration, partitions: TopicPartition[], requestsBefore: number): Promise<void> {
    const committed = await fetchCommittedOffsets(this.link, partitions);
    const offsetOf = new Map(committed.filter((c) => c.offset >= 0).map((c) => [tpKey(c), c.offset]));
    this.lastCommitted.clear();
    for (const [key, offset] of offsetOf) this.lastCommitted.set(key, offset);
    this.generation = generation;
    this.assigned = partitions;
    this.rejoinNeeded = this.rejoinRequests !== requestsBefore; // e.g. subscribe() with new topics during the join
    const now = Date.now();
    this.nextHeartbeatAt = now + this.options.heartbeatIntervalMs;
    this.nextAutoCommitAt = now + this.options.autoCommitIntervalMs;
    this.nextMetadataCheckAt = now + this.options.metadataMaxAgeMs;
    this.host.hold();
    try {
      this.host.assign(partitions.map((p) => ({ ...p, offset: offsetOf.get(tpKey(p)) })));
      await this.options.onPartitionsAssigned([...partitions]);
    } finally {
      this.host.release();
    }
  }

  /** The listener, then (unless the partitions were lost) a commit of their positions, then they go. */
  private async revoke(commit: boolean): Promise<void> {
    this.host.hold();
    try {
      await this.options.onPartitionsRevoked([...this.assigned]);
      if (commit && this.options.autoCommit) await this.commitConsumed().catch(() => undefined);
      this.host.assign([]);
      this.assigned = [];
    } finally {
      this.host.release();
    }
  }

  /** One step while stable: sleep until something is due, or do what is due. */
  private async whileStable(): Promise<void> {
    const now = Date.now();
    const due = Math.min(this.nextHeartbeatAt, this.options.autoCommit ? this.nextAutoCommitAt : Infinity, this.leaderView ? this.nextMetadataCheckAt : Infinity);
    if (due > now) return this.alarm.sleep(due - now);
    if (now >= this.nextHeartbeatAt) {
      const code = await heartbeat(this.link, this.who(), this.generation?.generationId ?? -1);
      if (!this.reactToMembershipCode(code)) throw KafkaClientError.fromCode(code, { detail: `heartbeat in group ${this.options.groupId}` });
      this.nextHeartbeatAt = Date.now() + this.options.heartbeatIntervalMs;
    }
    if (this.options.autoCommit && now >= this.nextAutoCommitAt && !this.rejoinNeeded) {
      this.nextAutoCommitAt = now + this.options.autoCommitIntervalMs;
      await this.commitConsumed().catch(() => undefined); // tried again at the next interval
    }
    if (this.leaderView !== null && now >= this.nextMetadataCheckAt) {
      this.nextMetadataCheckAt = now + this.options.metadataMaxAgeMs;
      const counts = await partitionCountsOf(this.link.cluster, this.leaderView.topics);
      if (!sameCounts(counts, this.leaderView.counts)) this.requestRejoin(false);
    }
  }

  /**
   * Acts on the codes that say the generation is over (from a heartbeat or a commit); false for
   * any other code, which the caller deals with (FENCED_INSTANCE_ID from a heartbeat is fatal).
   */
  private reactToMembershipCode(code: number): boolean {
    const verdict = generationVerdict(code);
    if (verdict === 'unknown-member') this.memberId = '';
    if (verdict !== null && verdict !== 'current') this.requestRejoin(verdict !== 'rejoin');
    return verdict !== null;
  }

  private requestRejoin(partitionsLost: boolean): void {
    this.rejoinNeeded = true;
    this.rejoinRequests++;
    this.partitionsLost ||= partitionsLost;
    this.alarm.wake();
  }

  private who(): MemberIdentity {
    return { groupId: this.options.groupId, memberId: this.memberId, groupInstanceId: this.options.groupInstanceId };
  }
}
