// The group coordinator's settings (Kafka's group.* broker configs) and the timer helper every
// group timer goes through.

export interface CoordinatorSettings {
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members. */
  readonly initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms: the session timeouts JoinGroup accepts. */
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  /** group.max.size */
  readonly maxGroupSize: number;
  /**
   * How long a new member's JoinGroup may stay parked. A new member cannot heartbeat (it has no
   * generation yet), so this bounds a member that went away mid-rebalance. Kafka: 5 minutes.
   */
  readonly newMemberJoinTimeoutMs: number;
}

export const DEFAULT_COORDINATOR_SETTINGS: CoordinatorSettings = {
  initialRebalanceDelayMs: 3000,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  maxGroupSize: 2_147_483_647,
  newMemberJoinTimeoutMs: 300_000,
};

/**
 * A timer that does not keep the process alive (the listening server does that) and whose
 * callback cannot take the broker down: a bug in one group's bookkeeping is logged instead.
 */
export function startTimer(ms: number, callback: () => void, onError: (error: unknown) => void): NodeJS.Timeout {
  const timer = setTimeout(() => {
    try {
      callback();
    } catch (error) {
      onError(error);
    }
  }, ms);
  timer.unref();
  return timer;
}
