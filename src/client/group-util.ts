// Small helpers of the group member: an interruptible sleep, partition counts from metadata,
// what a heartbeat's or commit's error code says about the generation.
import { ErrorCode } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import type { TopicPartition } from './partition-states.js';

/** A sleep that wake() cuts short (a rejoin was requested, the consumer is closing). */
export class Alarm {
  private ring: (() => void) | null = null;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.ring === done) this.ring = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.ring = done;
    });
  }

  /** Ends the current sleep, if any (the sleeper re-checks what it should do). */
  wake(): void {
    this.ring?.();
  }
}

/**
 * Partition counts of the topics that exist (fresh metadata). Topics the cluster does not know
 * are left out: their members get nothing until the topic appears and the leader rebalances.
 */
export async function partitionCountsOf(cluster: Cluster, topics: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (topics.length === 0) return counts;
  await cluster.refreshMetadata(topics);
  for (const name of topics) {
    const topic = cluster.cachedTopic(name);
    if (topic !== undefined && topic.errorCode === ErrorCode.NONE && topic.partitions.length > 0) counts.set(name, topic.partitions.length);
  }
  return counts;
}

export function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return a.size === b.size && [...a].every(([topic, count]) => b.get(topic) === count);
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

/**
 * What a code from a heartbeat or a commit says about the member's generation: still current;
 * over but still ours to rejoin with (REBALANCE_IN_PROGRESS: owned partitions are committed
 * before they go); lost (ILLEGAL_GENERATION: the partitions are someone else's already); or lost
 * with the member id (UNKNOWN_MEMBER_ID). null for any other code, which the caller handles.
 */
export function generationVerdict(code: number): 'current' | 'rejoin' | 'lost' | 'unknown-member' | null {
  switch (code) {
    case ErrorCode.NONE:
      return 'current';
    case ErrorCode.REBALANCE_IN_PROGRESS:
      return 'rejoin';
    case ErrorCode.ILLEGAL_GENERATION:
      return 'lost';
    case ErrorCode.UNKNOWN_MEMBER_ID:
      return 'unknown-member';
    default:
      return null;
  }
}
