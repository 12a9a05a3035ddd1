// One log's idempotent producers: the check before an append, the record after it, and the
// snapshots that make the state durable (taken when a segment rolls and when the log closes; a
// crash replays the batches after the last one, see producer-state-loader.ts). Batches without a
// producer id cost one int64 read here.
import { unlink } from 'node:fs/promises';
import type { HotPath } from '../hotpath/types.js';
import { BATCH_HEADER_BYTES, BatchField, LOG_OVERHEAD } from '../records/layout.js';
import type { StateFiles } from './checkpoint.js';
import { StorageError } from './errors.js';
import { encodeProducerSnapshot } from './producer-snapshot.js';
import { listSnapshotOffsets, snapshotPath } from './producer-state-loader.js';
import { ProducerStates, producerBatchAt, type KeptBatch, type ProducerBatch } from './producer-state.js';

/** What the check before an append decided for a producer batch. */
export type Admission =
  | { readonly kind: 'plain' }
  | { readonly kind: 'producer'; readonly batch: ProducerBatch }
  | { readonly kind: 'duplicate'; readonly batch: KeptBatch };

const PLAIN: Admission = { kind: 'plain' };

export class ProducerStateManager {
  constructor(
    private readonly dir: string,
    readonly states: ProducerStates,
    private readonly hotpath: HotPath,
    /** The log's state-file queue: snapshots are written one at a time with its other small files. */
    private readonly stateFiles: StateFiles,
  ) {}

  /**
   * Checks the payload's batch against its producer's state, throwing the refusals. A producer
   * batch must come alone (Kafka refuses more than one batch per partition in a Produce request).
   */
  admit(payload: Buffer): Admission {
    // The producer id's high word is negative exactly when the id is (-1: no producer).
    if (payload.length < BATCH_HEADER_BYTES || payload.readInt32BE(BatchField.PRODUCER_ID) < 0) return PLAIN;
    const batch = producerBatchAt(payload, 0, -1);
    if (batch === null) return PLAIN;
    if (payload.length !== LOG_OVERHEAD + payload.readInt32BE(BatchField.BATCH_LENGTH)) {
      throw new StorageError('INVALID_RECORD', `producer ${batch.producerId} sent more than one batch in one append`, this.dir);
    }
    const verdict = this.states.check(batch);
    switch (verdict.kind) {
      case 'append':
        return { kind: 'producer', batch };
      case 'duplicate':
        return { kind: 'duplicate', batch: verdict.batch };
      case 'stale-epoch':
        throw new StorageError('INVALID_PRODUCER_EPOCH', verdict.message, this.dir);
      case 'out-of-order':
        throw new StorageError('OUT_OF_ORDER_SEQUENCE', verdict.message, this.dir);
    }
  }

  /** The admitted batch got its offsets (its max timestamp as stored: LogAppendTime may have changed it). */
  appended(admission: Admission, firstOffset: number, maxTimestamp: number): void {
    if (admission.kind === 'producer') this.states.record({ ...admission.batch, maxTimestamp }, firstOffset);
  }

  /** The state as it is now, written as the snapshot for `offset` off the event loop. */
  snapshot(offset: number): Promise<void> {
    const bytes = encodeProducerSnapshot(this.states.all(), this.hotpath);
    return this.stateFiles.write(snapshotPath(this.dir, offset), () => bytes);
  }

  /** Retention or DeleteRecords moved the log start: producers whose data is gone go too, as do the snapshots of removed segments. */
  async logStartMoved(logStartOffset: number, firstSegmentBase: number): Promise<void> {
    this.states.removeBelow(logStartOffset);
    const stale = listSnapshotOffsets(this.dir).filter((offset) => offset < firstSegmentBase);
    await Promise.all(stale.map((offset) => unlink(snapshotPath(this.dir, offset)).catch(() => undefined)));
  }

  /** producer.id.expiration.ms: forgets producers that wrote nothing since `before`. */
  expireIdleBefore(before: number): number {
    return this.states.expireIdleBefore(before);
  }
}
