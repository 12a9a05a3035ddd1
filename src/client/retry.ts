// Exponential backoff with full jitter (as kafkajs and the AWS architecture blog describe it):
// attempt n waits a uniformly random time in [0, min(maxRetryTime, initialRetryTime * 2^n)].
// Full jitter keeps many clients that failed together from retrying together.
import { setTimeout as sleepFor } from 'node:timers/promises';
import { isRetriable } from './errors.js';

export interface RetryOptions {
  /** Cap of the first delay in ms (kafkajs: 100). */
  readonly initialRetryTime?: number;
  /** Cap of any delay in ms (kafkajs: 30000). */
  readonly maxRetryTime?: number;
  /** Retries after the first attempt (kafkajs: 5). */
  readonly retries?: number;
  /** Growth of the cap per attempt (2). */
  readonly factor?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryOptions = Object.freeze({
  initialRetryTime: 100,
  maxRetryTime: 30_000,
  retries: 5,
  factor: 2,
});

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const resolved = { ...DEFAULT_RETRY, ...stripUndefined(options) };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry.${name} must be a non-negative number, not ${value}`);
  }
  return resolved;
}

/** The delay before retry number `attempt` (0 = the first retry). `random` returns [0, 1). */
export function backoffDelay(attempt: number, options: ResolvedRetryOptions, random: () => number = Math.random): number {
  const cap = Math.min(options.maxRetryTime, options.initialRetryTime * options.factor ** attempt);
  return Math.floor(random() * cap);
}

export interface RetryHooks {
  /** Which errors to retry; retriable KafkaClientErrors by default. */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Runs before each wait, e.g. to refresh metadata after NOT_LEADER_OR_FOLLOWER. */
  readonly beforeRetry?: (error: unknown, attempt: number) => Promise<void> | void;
  /** Replaces the timer (tests). */
  readonly sleep?: (ms: number) => Promise<unknown>;
  readonly random?: () => number;
  /** Stops retrying when it turns true (e.g. the client is closing). */
  readonly aborted?: () => boolean;
}

/** Runs `operation`, retrying it with backoff while errors are retriable and retries remain. */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: ResolvedRetryOptions,
  hooks: RetryHooks = {},
): Promise<T> {
  const shouldRetry = hooks.shouldRetry ?? isRetriable;
  const sleep = hooks.sleep ?? sleepFor;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const exhausted = attempt >= options.retries || hooks.aborted?.() === true;
      if (exhausted || !shouldRetry(error, attempt)) throw error;
      await hooks.beforeRetry?.(error, attempt);
      await sleep(backoffDelay(attempt, options, hooks.random));
    }
  }
}

function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
