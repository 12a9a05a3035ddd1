// Background durability work of every log in the process (the 'interval' policy's flushes and
// the periodic checkpoints), one piece at a time. Each piece ends in fdatasyncs that can hold a
// thread-pool thread for hundreds of milliseconds while the kernel writes back what piled up.
// When eight logs flushed on the same tick, all four of libuv's threads were taken and appends
// waited behind them: a 256 KiB append's p99.9 was 150-330 ms. In a queue, at most one thread
// does background syncs, and the others stay free for appends and reads.

export class BackgroundQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  /** Pieces queued or running. */
  get length(): number {
    return this.waiting;
  }

  /** Runs `work` after every piece queued before it has settled; its outcome is the returned promise's. */
  run(work: () => Promise<void>): Promise<void> {
    this.waiting++;
    const done = this.tail.then(work).finally(() => this.waiting--);
    this.tail = done.catch(() => undefined); // one failure must not stop the pieces behind it
    return done;
  }
}

/** The one queue of this process: logs of every topic share it. */
export const backgroundQueue = new BackgroundQueue();
