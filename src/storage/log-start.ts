// Where a log begins. Retention and DeleteRecords drop whole segments from the front, and
// DeleteRecords may also move the start inside a segment. Each move is saved off the event loop
// (retention runs on the append path; on a crash before it lands, the loader takes the first
// segment's base instead) and told to the producer state, whose producers, aborted transactions
// and files of removed segments go with the data.
import { join } from 'node:path';
import type { StateFiles } from './checkpoint.js';
import type { LogConfig } from './config.js';
import { LOG_START_OFFSET_FILE } from './file-names.js';
import type { InFlight } from './in-flight.js';
import type { StorageLogger } from './log-loader.js';
import type { ProducerStateManager } from './producer-state-manager.js';
import { segmentsBeyondRetention } from './retention.js';
import type { Segment } from './segment.js';
import { segmentsWhollyBelow } from './segment-lookup.js';

/** The parts of a log its start concerns. */
export interface LogFront {
  readonly dir: string;
  /** The live segment list, oldest first. */
  readonly segments: Segment[];
  readonly stateFiles: StateFiles;
  readonly inFlight: InFlight;
  readonly producers: ProducerStateManager;
  readonly logger: StorageLogger;
}

export class LogStart {
  constructor(
    private current: number,
    private readonly log: LogFront,
  ) {}

  get offset(): number {
    return this.current;
  }

  /** Deletes segments beyond retention.bytes or older than retention.ms, and producers idle past their expiration; returns how many segments went. */
  applyRetention(config: LogConfig, now: number): number {
    const doomed = segmentsBeyondRetention(this.log.segments, config, now);
    this.dropOldest(doomed);
    this.log.producers.expireIdleBefore(now - config.producerIdExpirationMs);
    return doomed;
  }

  /** DeleteRecords: the log starts at `offset` from now on (the caller checked it lies in the log); whole segments below it go. */
  moveTo(offset: number): void {
    if (offset <= this.current) return;
    this.current = offset;
    this.dropOldest(segmentsWhollyBelow(this.log.segments, offset));
    this.save();
  }

  private dropOldest(count: number): void {
    if (count <= 0) return;
    for (const segment of this.log.segments.splice(0, count)) segment.delete();
    const firstBase = this.log.segments[0].baseOffset;
    if (firstBase > this.current) {
      this.current = firstBase;
      this.save();
    }
  }

  private save(): void {
    const { inFlight, producers, stateFiles, segments, dir, logger } = this.log;
    inFlight
      .track(producers.logStartMoved(this.current, segments[0].baseOffset))
      .catch((error: unknown) => logger.warn('removing producer state files failed', { dir, error: String(error) }));
    const offset = this.current;
    inFlight
      .track(stateFiles.write(join(dir, LOG_START_OFFSET_FILE), () => `${offset}\n`))
      .catch((error: unknown) => logger.warn('writing the log start offset failed', { dir, error: String(error) }));
  }
}
