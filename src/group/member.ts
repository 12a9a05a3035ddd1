// One member of a classic consumer group: who it is, the protocols it offered in its last
// JoinGroup, the assignment the leader gave it, and the JoinGroup/SyncGroup it has parked while
// the group rebalances.

export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

/** What a JoinGroup is answered with (the handler maps it onto the response of its version). */
export interface JoinResult {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leaderId: string;
  readonly memberId: string;
  /** Every member's metadata for the chosen protocol: only in the leader's answer. */
  readonly members: ReadonlyArray<{ readonly memberId: string; readonly groupInstanceId: string | null; readonly metadata: Buffer }>;
}

export interface SyncResult {
  readonly errorCode: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Buffer;
}

export function joinError(memberId: string, errorCode: number): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leaderId: '', memberId, members: [] };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

export interface MemberIdentity {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
}

export interface MemberTimeouts {
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
}

export class Member {
  memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: readonly MemberProtocol[];
  assignment: Buffer = Buffer.alloc(0);
  /**
   * Joined while no generation included it yet. Such a member cannot heartbeat, so its parked
   * JoinGroup is bounded by a longer join timeout instead of the session timeout.
   */
  isNew = false;
  sessionTimer: NodeJS.Timeout | null = null;
  private joinWaiter: ((result: JoinResult) => void) | null = null;
  private syncWaiter: ((result: SyncResult) => void) | null = null;

  constructor(identity: MemberIdentity, timeouts: MemberTimeouts, protocols: readonly MemberProtocol[]) {
    this.memberId = identity.memberId;
    this.groupInstanceId = identity.groupInstanceId;
    this.clientId = identity.clientId;
    this.clientHost = identity.clientHost;
    this.sessionTimeoutMs = timeouts.sessionTimeoutMs;
    this.rebalanceTimeoutMs = timeouts.rebalanceTimeoutMs;
    this.protocols = protocols;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.joinWaiter !== null;
  }

  get isAwaitingSync(): boolean {
    return this.syncWaiter !== null;
  }

  /**
   * Parks a JoinGroup until the rebalance completes. A JoinGroup already parked (a client that
   * gave up and retried) is answered at once with REBALANCE_IN_PROGRESS so that no request is
   * left unanswered: the client rejoins and meets the parked new one.
   */
  awaitJoin(supersededCode: number): Promise<JoinResult> {
    this.answerJoin(joinError(this.memberId, supersededCode));
    return new Promise((resolve) => {
      this.joinWaiter = resolve;
    });
  }

  awaitSync(supersededCode: number): Promise<SyncResult> {
    this.answerSync(syncError(supersededCode));
    return new Promise((resolve) => {
      this.syncWaiter = resolve;
    });
  }

  /** Answers the parked JoinGroup, if any; true when there was one. */
  answerJoin(result: JoinResult): boolean {
    const waiter = this.joinWaiter;
    this.joinWaiter = null;
    waiter?.(result);
    return waiter !== null;
  }

  answerSync(result: SyncResult): boolean {
    const waiter = this.syncWaiter;
    this.syncWaiter = null;
    waiter?.(result);
    return waiter !== null;
  }

  supports(protocolName: string): boolean {
    return this.protocols.some((protocol) => protocol.name === protocolName);
  }

  metadataFor(protocolName: string | null): Buffer {
    return this.protocols.find((protocol) => protocol.name === protocolName)?.metadata ?? Buffer.alloc(0);
  }

  /** Its most preferred protocol among the candidates (clients list protocols by preference). */
  vote(candidates: ReadonlySet<string>): string | undefined {
    return this.protocols.find((protocol) => candidates.has(protocol.name))?.name;
  }

  /** Same protocols with the same metadata in the same order: rejoining changes nothing. */
  matches(protocols: readonly MemberProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((protocol, i) => protocol.name === this.protocols[i].name && protocol.metadata.equals(this.protocols[i].metadata))
    );
  }
}
