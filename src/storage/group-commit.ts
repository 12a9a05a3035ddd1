// Group commit: one fdatasync covers every append that asked for durability while the previous
// one ran. A request made during a sync waits for the next one, which starts as soon as the
// running one ends, so N concurrent acks=all producers cost about one sync each round, not N.

export class GroupCommit {
  private running: Promise<void> | null = null;
  private next: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | null = null;
  private completed = 0;

  constructor(private readonly syncOnce: () => Promise<void>) {}

  /** Number of syncs finished (the benchmark and tests compare it with the number of requests). */
  get syncCount(): number {
    return this.completed;
  }

  /** Resolves once a sync that started after this call has finished. */
  request(): Promise<void> {
    if (this.running === null) return this.startRound();
    if (this.next === null) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.next = { promise, resolve, reject };
    }
    return this.next.promise;
  }

  private startRound(): Promise<void> {
    const round = this.syncOnce().then(
      () => this.endRound(),
      (error: unknown) => {
        this.endRound();
        throw error;
      },
    );
    this.running = round;
    return round;
  }

  private endRound(): void {
    this.completed += 1;
    this.running = null;
    const waiting = this.next;
    this.next = null;
    if (waiting) this.startRound().then(waiting.resolve, waiting.reject);
  }
}
