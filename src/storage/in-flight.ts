// Work a log starts and does not wait for: the flush and checkpoint after a roll, background
// flushes and checkpoints, log-start-offset writes. Some of it writes files by path or cuts a
// file through its descriptor, so a log that closes, or is discarded before its directory is
// moved away, waits for all of it first: otherwise a late write could land in a directory a new
// topic of the same name has taken, or a late ftruncate in a file that reuses the descriptor.

export class InFlight {
  private readonly running = new Set<Promise<void>>();

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    const forget = (): void => {
      this.running.delete(settled);
    };
    const settled: Promise<void> = work.then(forget, forget);
    this.running.add(settled);
    return work;
  }

  /** Resolves once nothing tracked is running, including work started while waiting. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
