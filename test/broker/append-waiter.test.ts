// The long-poll wait: ends on an append, on time-out, on shutdown, and at once when an append
// landed while the fetch was reading (an append between the read and the wait must not be missed).
import { describe, expect, it } from 'vitest';
import { waitForAppend } from '../../src/broker/append-waiter.js';
import type { PartitionLog } from '../../src/storage/index.js';

class FakeLog {
  logEndOffset = 0;
  readonly listeners = new Set<() => void>();
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  append(): void {
    this.logEndOffset++;
    for (const listener of this.listeners) listener();
  }
}

const asLogs = (logs: FakeLog[]) => logs as unknown as PartitionLog[];
const running = () => new AbortController().signal;

describe('waitForAppend', () => {
  it('ends at once when a log grew after the offsets were taken, without subscribing', async () => {
    const [a, b] = [new FakeLog(), new FakeLog()];
    const before = [a.logEndOffset, b.logEndOffset];
    b.logEndOffset++; // appended while the fetch was reading
    const waiting = waitForAppend(asLogs([a, b]), 60_000, running(), before);
    expect(a.listeners.size + b.listeners.size).toBe(0); // never subscribed: nothing to wait for
    expect(await waiting).toBe(true);
  });

  it('waits for the next append when nothing changed, then unsubscribes', async () => {
    const log = new FakeLog();
    const waiting = waitForAppend(asLogs([log]), 5000, running(), [log.logEndOffset]);
    expect(log.listeners.size).toBe(1);
    log.append();
    expect(await waiting).toBe(true);
    expect(log.listeners.size).toBe(0);
  });

  it('answers false on time-out and on shutdown', async () => {
    const log = new FakeLog();
    expect(await waitForAppend(asLogs([log]), 20, running(), [0])).toBe(false);
    const stop = new AbortController();
    const waiting = waitForAppend(asLogs([log]), 5000, stop.signal, [0]);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(log.listeners.size).toBe(0);
  });
});
