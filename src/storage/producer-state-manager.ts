// One log's idempotent and transactional producers: the check before an append, the record after
// it, the open transactions that hold back the last stable offset, the aborted ones a
// read_committed reader skips, and the files that make it all durable (taken when a segment rolls
// and when the log closes; a crash replays the batches after the last snapshot, see
// producer-state-loader.ts). Batches without a producer id cost one int64 read here.
import { unlink } from 'node:fs/promises';
import type { HotPath } from '../hotpath/types.js';
import { Attributes, BATCH_HEADER_BYTES, BatchField, LOG_OVERHEAD, readControlBatch, type MarkerType } from '../records/index.js';
import { AbortedTransactions, encodeTxnIndex, listTxnIndexBases, txnIndexPath, type AbortedTxn } from './aborted-transactions.js';
import type { StateFiles } from './checkpoint.js';
import { StorageError } from './errors.js';
import { encodeProducerSnapshot } from './producer-snapshot.js';
import { listSnapshotOffsets, snapshotPath } from './producer-state-loader.js';
import { ProducerStates, producerBatchAt, type KeptBatch, type ProducerBatch } from './producer-state.js';

/** What the check before an append decided for a batch. */
export type Admission =
  | { readonly kind: 'plain' }
  | { readonly kind: 'producer'; readonly batch: ProducerBatch }
  | { readonly kind: 'duplicate'; readonly batch: KeptBatch }
  | { readonly kind: 'marker'; readonly producerId: number; readonly epoch: number; readonly type: MarkerType; readonly coordinatorEpoch: number };

const PLAIN: Admission = { kind: 'plain' };

export class ProducerStateManager {
  /** Segments whose `.txnindex` lacks entries added since it was written. */
  private readonly txnIndexDirty = new Set<number>();

  constructor(
    private readonly dir: string,
    readonly states: ProducerStates,
    readonly aborted: AbortedTransactions,
    private readonly hotpath: HotPath,
    /** The log's state-file queue: snapshots and txn indexes are written one at a time with its other small files. */
    private readonly stateFiles: StateFiles,
  ) {}

  /**
   * Checks the payload's batch against its producer's state, throwing the refusals. A producer
   * batch must come alone (Kafka refuses more than one batch per partition in a Produce request).
   */
  admit(payload: Buffer): Admission {
    // The producer id's high word is negative exactly when the id is (-1: no producer).
    if (payload.length < BATCH_HEADER_BYTES || payload.readInt32BE(BatchField.PRODUCER_ID) < 0) return PLAIN;
    if (payload.length !== LOG_OVERHEAD + payload.readInt32BE(BatchField.BATCH_LENGTH)) {
      throw new StorageError('INVALID_RECORD', 'a producer batch must be appended alone', this.dir);
    }
    if ((payload.readInt16BE(BatchField.ATTRIBUTES) & Attributes.CONTROL) !== 0) return this.admitMarker(payload);
    const batch = producerBatchAt(payload, 0, -1);
    if (batch === null) return PLAIN;
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
      case 'invalid-txn-state':
        throw new StorageError('INVALID_TXN_STATE', verdict.message, this.dir);
    }
  }

  /**
   * The admitted batch got its offsets (its max timestamp as stored: LogAppendTime may have
   * changed it). A marker closes its producer's transaction; an aborted one is remembered, with
   * the last stable offset once it ended.
   */
  appended(admission: Admission, firstOffset: number, maxTimestamp: number, logEndOffset: number, segmentBase: number): void {
    if (admission.kind === 'producer') this.states.record({ ...admission.batch, maxTimestamp }, firstOffset);
    if (admission.kind !== 'marker') return;
    const completed = this.states.endTransaction(admission.producerId, admission.epoch, admission.coordinatorEpoch, firstOffset, admission.type === 'abort', maxTimestamp);
    if (completed === null || !completed.aborted) return;
    const lastStableOffset = this.states.firstUnstableOffset() ?? logEndOffset;
    this.aborted.add({ producerId: completed.producerId, firstOffset: completed.firstOffset, lastOffset: completed.lastOffset, lastStableOffset });
    this.txnIndexDirty.add(segmentBase);
  }

  /** The last stable offset: the first offset of the oldest open transaction, else the log end. */
  lastStableOffset(logEndOffset: number): number {
    const firstUnstable = this.states.firstUnstableOffset();
    return firstUnstable === null ? logEndOffset : Math.min(firstUnstable, logEndOffset);
  }

  /**
   * The state as it is now, written as the snapshot for `offset` off the event loop, with the
   * `.txnindex` of every segment that got an aborted transaction since (segment i spans
   * [bases[i], bases[i + 1])).
   */
  snapshot(offset: number, segmentBases: readonly number[]): Promise<void> {
    const bytes = encodeProducerSnapshot(this.states.all(), this.hotpath);
    const writes = [...this.txnIndexDirty].map((base) => {
      const next = segmentBases.find((b) => b > base) ?? Number.MAX_SAFE_INTEGER;
      const entries = encodeTxnIndex(this.aborted.inRange(base, next));
      return this.stateFiles.write(txnIndexPath(this.dir, base), () => entries);
    });
    this.txnIndexDirty.clear();
    return Promise.all([...writes, this.stateFiles.write(snapshotPath(this.dir, offset), () => bytes)]).then(() => undefined);
  }

  /** Retention or DeleteRecords moved the log start: producers and aborted transactions whose data is gone go too, as do the files of removed segments. */
  async logStartMoved(logStartOffset: number, firstSegmentBase: number): Promise<void> {
    this.states.removeBelow(logStartOffset);
    this.aborted.removeBelow(logStartOffset);
    const stale = [
      ...listSnapshotOffsets(this.dir).filter((offset) => offset < firstSegmentBase).map((offset) => snapshotPath(this.dir, offset)),
      ...listTxnIndexBases(this.dir).filter((base) => base < firstSegmentBase).map((base) => txnIndexPath(this.dir, base)),
    ];
    await Promise.all(stale.map((path) => unlink(path).catch(() => undefined)));
  }

  /** producer.id.expiration.ms: forgets producers that wrote nothing since `before`. */
  expireIdleBefore(before: number): number {
    return this.states.expireIdleBefore(before);
  }

  /** Aborted transactions a read_committed fetch of [fetchOffset, upperBound) must skip. */
  abortedIn(fetchOffset: number, upperBound: number): AbortedTxn[] {
    return this.aborted.overlapping(fetchOffset, upperBound);
  }

  private admitMarker(payload: Buffer): Admission {
    const producerId = Number(payload.readBigInt64BE(BatchField.PRODUCER_ID));
    const epoch = payload.readInt16BE(BatchField.PRODUCER_EPOCH);
    const marker = readControlBatch(payload);
    if (marker === null) throw new StorageError('INVALID_RECORD', 'a control batch without a transaction marker', this.dir);
    if (!this.states.acceptsMarker(producerId, epoch)) {
      throw new StorageError('INVALID_PRODUCER_EPOCH', `marker epoch ${epoch} of producer ${producerId} is older than the log's`, this.dir);
    }
    return { kind: 'marker', producerId, epoch, type: marker.type, coordinatorEpoch: marker.coordinatorEpoch };
  }
}
