// What a consumer that joins a group can be told, with Kafka's defaults, checked once up front.
import { resolveAssignors, type AssignorName, type PartitionAssignor } from './group-assignors.js';
import type { Assignment } from './consumer.js';
import type { TopicPartitionOffset } from './group-commit.js';
import type { TopicPartition } from './partition-states.js';

/** Awaited; may commit (consumer.commit()) before the partitions go. */
export type RebalanceListener = (partitions: TopicPartition[]) => Promise<void> | void;

export interface GroupOptions {
  /** Joins this consumer group when set; subscribe() and commit() need it. */
  readonly groupId?: string;
  /** The coordinator drops a member it has not heard from for this long (45000 ms; the broker accepts 6000-1800000). */
  readonly sessionTimeoutMs?: number;
  /** How long a rebalance waits for this member to rejoin (60000 ms). */
  readonly rebalanceTimeoutMs?: number;
  /** Time between heartbeats (3000 ms); keep it well below the session timeout. */
  readonly heartbeatIntervalMs?: number;
  /** Assignors offered, most preferred first (['range', 'roundrobin']); 'roundrobin' also answers to kafkajs's 'RoundRobinAssigner'. */
  readonly assignors?: ReadonlyArray<AssignorName | PartitionAssignor>;
  /** Static membership: a restart within the session timeout keeps the assignment, without a rebalance. */
  readonly groupInstanceId?: string;
  /** Commit the positions of consumed messages every autoCommitIntervalMs, before partitions are revoked and on close (true). */
  readonly autoCommit?: boolean;
  readonly autoCommitIntervalMs?: number;
  /** How often the leader re-reads the partition counts of the group's topics and rebalances when they changed (300000 ms). */
  readonly metadataMaxAgeMs?: number;
  /** Before partitions are taken away (at a rebalance and on close), while their positions can still be committed. */
  readonly onPartitionsRevoked?: RebalanceListener;
  /** After a rebalance gave this member its partitions, before their messages are handed out. */
  readonly onPartitionsAssigned?: RebalanceListener;
}

export interface ResolvedGroupOptions {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly assignors: readonly PartitionAssignor[];
  readonly groupInstanceId: string | null;
  readonly autoCommit: boolean;
  readonly autoCommitIntervalMs: number;
  readonly metadataMaxAgeMs: number;
  readonly onPartitionsRevoked: RebalanceListener;
  readonly onPartitionsAssigned: RebalanceListener;
}

const nothing: RebalanceListener = () => undefined;

export function resolveGroupOptions(options: GroupOptions & { groupId: string }): ResolvedGroupOptions {
  if (options.groupId.length === 0) throw new RangeError('groupId must not be empty');
  if (options.groupInstanceId !== undefined && options.groupInstanceId.length === 0) throw new RangeError('groupInstanceId must not be empty');
  const resolved: ResolvedGroupOptions = {
    groupId: options.groupId,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 45_000,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 60_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3_000,
    assignors: resolveAssignors(options.assignors ?? ['range', 'roundrobin']),
    groupInstanceId: options.groupInstanceId ?? null,
    autoCommit: options.autoCommit ?? true,
    autoCommitIntervalMs: options.autoCommitIntervalMs ?? 5_000,
    metadataMaxAgeMs: options.metadataMaxAgeMs ?? 300_000,
    onPartitionsRevoked: options.onPartitionsRevoked ?? nothing,
    onPartitionsAssigned: options.onPartitionsAssigned ?? nothing,
  };
  for (const name of ['sessionTimeoutMs', 'rebalanceTimeoutMs', 'heartbeatIntervalMs', 'autoCommitIntervalMs', 'metadataMaxAgeMs'] as const) {
    const value = resolved[name];
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, not ${value}`);
  }
  if (resolved.heartbeatIntervalMs >= resolved.sessionTimeoutMs) throw new RangeError('heartbeatIntervalMs must be lower than sessionTimeoutMs');
  return resolved;
}

/** What the member needs from its consumer. */
export interface MemberHost {
  /** Stop handing out messages (while listeners run and positions are committed) and start again. */
  hold(): void;
  release(): void;
  /** Replace the consumer's partitions; a missing offset means autoOffsetReset. */
  assign(assignments: readonly Assignment[]): void;
  /** The position (next offset to hand out) of every assigned partition that has one. */
  positions(): TopicPartitionOffset[];
  /** The membership failed for good; the consumer's iterator throws this. */
  fail(error: unknown): void;
}
