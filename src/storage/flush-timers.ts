// The background side of a log's flush policy: under 'interval', an fdatasync every flushMs
// when something was written since the last one; under every policy, a checkpoint (indexes and
// recovery point) every checkpointMs. Timers never keep the process alive.
import type { LogConfig } from './config.js';

export interface FlushWork {
  /** Start an fdatasync of what was written, if anything was. */
  flushIfDirty(): void;
  /** Write indexes and the recovery point. */
  checkpoint(): void;
}

export class FlushTimers {
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly work: FlushWork) {}

  /** (Re)starts the timers for `config`. */
  start(config: LogConfig): void {
    this.stop();
    if (config.flushPolicy === 'interval') this.timers.push(setInterval(() => this.work.flushIfDirty(), config.flushMs).unref());
    this.timers.push(setInterval(() => this.work.checkpoint(), config.checkpointMs).unref());
  }

  stop(): void {
    this.timers.splice(0).forEach(clearInterval);
  }
}
