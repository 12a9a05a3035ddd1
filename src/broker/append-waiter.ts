// The wait of a Fetch long poll: until any of the given logs is appended to, the time is up,
// or the broker stops. Listeners are removed whichever comes first. An append that landed
// while the fetch was reading (after `endOffsetsBefore` was taken, before the wait began)
// ends the wait at once: waiting for the next one would hold that data for max_wait_ms.
import type { PartitionLog } from '../storage/index.js';

/** Resolves true when an append happened, false on timeout or shutdown. */
export function waitForAppend(logs: readonly PartitionLog[], timeoutMs: number, stopping: AbortSignal, endOffsetsBefore?: readonly number[]): Promise<boolean> {
  if (logs.length === 0 || stopping.aborted) return Promise.resolve(false);
  if (endOffsetsBefore !== undefined && logs.some((log, i) => log.logEndOffset !== endOffsetsBefore[i])) return Promise.resolve(true);
  return new Promise((resolve) => {
    const unsubscribes: Array<() => void> = [];
    const finish = (appended: boolean): void => {
      clearTimeout(timer);
      stopping.removeEventListener('abort', onAbort);
      unsubscribes.forEach((unsubscribe) => unsubscribe());
      resolve(appended);
    };
    const onAbort = (): void => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    stopping.addEventListener('abort', onAbort);
    for (const log of logs) unsubscribes.push(log.onAppend(() => finish(true)));
  });
}
