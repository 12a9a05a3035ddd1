// Idempotent producers' state in one partition, with Kafka's rules (ProducerAppendInfo,
// ProducerStateEntry): per producer id its epoch and the last five batches it wrote (first and
// last sequence, last offset), which is what clients keep in flight at most. A batch is checked
// before it is appended, in append order, and recorded as it gets its offsets:
// - the same epoch and sequence range as a kept batch: a retry, answered with the kept offsets
//   and not written again;
// - an older epoch: refused (INVALID_PRODUCER_EPOCH);
// - a newer epoch must start at sequence 0, the same epoch must continue at lastSequence + 1
//   (after INT32_MAX comes 0); anything else is refused (OUT_OF_ORDER_SEQUENCE_NUMBER);
// - a producer this partition knows nothing of (new, or its data gone to retention) may start
//   at any sequence, as Kafka 2.5+ allows.
// A transactional batch opens the producer's transaction here if none is open; the COMMIT or
// ABORT marker closes it. The first offset of the oldest open transaction is where the last
// stable offset stops (read_committed consumers read no further).

import { Attributes, BatchField, baseSequenceAt, producerEpochAt, producerIdAt } from '../records/layout.js';

/** Batches kept per producer for retry detection: clients keep at most 5 requests in flight. */
export const BATCHES_KEPT = 5;
const INT32_MAX = 0x7fffffff;

/** What a batch header says about its producer. */
export interface ProducerBatch {
  readonly producerId: number;
  readonly epoch: number;
  readonly baseSequence: number;
  /** recordsCount - 1: the batch's sequences run baseSequence .. baseSequence + lastOffsetDelta. */
  readonly lastOffsetDelta: number;
  readonly maxTimestamp: number;
  /** Part of a transaction (attribute bit 4). */
  readonly transactional: boolean;
}

/** A transaction a marker closed: its producer and offsets, from its first batch to the marker. */
export interface CompletedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly aborted: boolean;
}

export interface KeptBatch {
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
}

export interface ProducerEntry {
  readonly producerId: number;
  epoch: number;
  /** Oldest first; at most BATCHES_KEPT. */
  readonly batches: KeptBatch[];
  /** Max timestamp of the last batch (what producer-id expiration goes by). */
  lastTimestamp: number;
  /** Last transaction coordinator epoch seen in a marker (kept for Kafka's snapshot layout). */
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction, -1 when none. */
  currentTxnFirstOffset: number;
}

export type SequenceCheck =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly batch: KeptBatch }
  | { readonly kind: 'stale-epoch'; readonly message: string }
  | { readonly kind: 'out-of-order'; readonly message: string }
  | { readonly kind: 'invalid-txn-state'; readonly message: string };

/** The producer fields of the batch header at `pos`; null for a batch without a producer id, or a control batch. */
export function producerBatchAt(buf: Buffer, pos: number, maxTimestamp: number): ProducerBatch | null {
  const producerId = producerIdAt(buf, pos);
  if (producerId < 0 || (buf.readInt16BE(pos + BatchField.ATTRIBUTES) & Attributes.CONTROL) !== 0) return null;
  return {
    producerId,
    epoch: producerEpochAt(buf, pos),
    baseSequence: baseSequenceAt(buf, pos),
    lastOffsetDelta: buf.readInt32BE(pos + BatchField.LAST_OFFSET_DELTA),
    maxTimestamp,
    transactional: (buf.readInt16BE(pos + BatchField.ATTRIBUTES) & Attributes.TRANSACTIONAL) !== 0,
  };
}

/** A batch's last sequence: sequences wrap from INT32_MAX to 0. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > INT32_MAX - lastOffsetDelta ? lastOffsetDelta - (INT32_MAX - baseSequence) - 1 : baseSequence + lastOffsetDelta;
}

function inSequence(lastSequence: number, nextSequence: number): boolean {
  return nextSequence === lastSequence + 1 || (nextSequence === 0 && lastSequence === INT32_MAX);
}

export class ProducerStates {
  private readonly entries = new Map<number, ProducerEntry>();
  /** Producers with an open transaction: their first offset. */
  private readonly ongoing = new Map<number, number>();

  get size(): number {
    return this.entries.size;
  }

  get(producerId: number): ProducerEntry | undefined {
    return this.entries.get(producerId);
  }

  all(): IterableIterator<ProducerEntry> {
    return this.entries.values();
  }

  /** Whether `batch` may be appended, is a retry of a kept batch, or is refused. Changes nothing. */
  check(batch: ProducerBatch): SequenceCheck {
    const entry = this.entries.get(batch.producerId);
    if (entry === undefined) return APPEND;
    const lastSequence = lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta);
    if (batch.epoch === entry.epoch) {
      const kept = entry.batches.find((b) => b.firstSequence === batch.baseSequence && b.lastSequence === lastSequence);
      if (kept !== undefined) return { kind: 'duplicate', batch: kept };
    }
    const where = `producer ${batch.producerId}`;
    if (batch.epoch < entry.epoch) return { kind: 'stale-epoch', message: `epoch ${batch.epoch} of ${where} is older than ${entry.epoch}` };
    if (!batch.transactional && entry.currentTxnFirstOffset >= 0) {
      return { kind: 'invalid-txn-state', message: `${where} sent a non-transactional batch inside its open transaction` };
    }
    if (batch.epoch > entry.epoch) {
      if (batch.baseSequence === 0) return APPEND;
      return { kind: 'out-of-order', message: `${where} starts its new epoch ${batch.epoch} at sequence ${batch.baseSequence}, not 0` };
    }
    const current = entry.batches.length > 0 ? entry.batches[entry.batches.length - 1].lastSequence : -1;
    if (current < 0 || inSequence(current, batch.baseSequence)) return APPEND;
    return { kind: 'out-of-order', message: `${where} sent sequence ${batch.baseSequence} after ${current}` };
  }

  /** Records an appended batch of a producer: a new epoch forgets the old epoch's batches. */
  record(batch: ProducerBatch, firstOffset: number): void {
    const entry = this.entryFor(batch.producerId);
    if (entry.epoch !== batch.epoch) {
      entry.epoch = batch.epoch;
      entry.batches.length = 0;
    }
    if (entry.batches.length === BATCHES_KEPT) entry.batches.shift();
    const lastSequence = lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta);
    entry.batches.push({ firstSequence: batch.baseSequence, lastSequence, firstOffset, lastOffset: firstOffset + batch.lastOffsetDelta, maxTimestamp: batch.maxTimestamp });
    entry.lastTimestamp = batch.maxTimestamp;
    if (batch.transactional && entry.currentTxnFirstOffset < 0) {
      entry.currentTxnFirstOffset = firstOffset;
      this.ongoing.set(batch.producerId, firstOffset);
    }
  }

  /** Whether a marker of this epoch may close the producer's transaction (an older epoch is a zombie coordinator's). */
  acceptsMarker(producerId: number, epoch: number): boolean {
    const entry = this.entries.get(producerId);
    return entry === undefined || epoch >= entry.epoch;
  }

  /** A COMMIT or ABORT marker was appended at `markerOffset`: the transaction it closes, if one was open. */
  endTransaction(producerId: number, epoch: number, coordinatorEpoch: number, markerOffset: number, aborted: boolean, timestamp: number): CompletedTxn | null {
    const entry = this.entryFor(producerId);
    if (entry.epoch !== epoch) {
      entry.epoch = epoch;
      entry.batches.length = 0;
    }
    entry.coordinatorEpoch = coordinatorEpoch;
    entry.lastTimestamp = timestamp;
    const firstOffset = entry.currentTxnFirstOffset;
    entry.currentTxnFirstOffset = -1;
    this.ongoing.delete(producerId);
    return firstOffset < 0 ? null : { producerId, firstOffset, lastOffset: markerOffset, aborted };
  }

  /** The first offset of the oldest open transaction; null when none is open. */
  firstUnstableOffset(): number | null {
    let first: number | null = null;
    for (const offset of this.ongoing.values()) if (first === null || offset < first) first = offset;
    return first;
  }

  /** Open transactions: producer id and first offset (DescribeProducers, ListTransactions' partition view). */
  openTransactions(): ReadonlyMap<number, number> {
    return this.ongoing;
  }

  /** An entry as a snapshot stores it (the last batch only, as Kafka's does). */
  restore(entry: ProducerEntry): void {
    this.entries.set(entry.producerId, entry);
    if (entry.currentTxnFirstOffset >= 0) this.ongoing.set(entry.producerId, entry.currentTxnFirstOffset);
  }

  /** Forgets producers whose last write is older than `before` (producer.id.expiration.ms); returns how many went. */
  expireIdleBefore(before: number): number {
    let expired = 0;
    for (const [producerId, entry] of this.entries) {
      if (entry.lastTimestamp < before && entry.currentTxnFirstOffset < 0) {
        this.entries.delete(producerId);
        expired++;
      }
    }
    return expired;
  }

  /** Forgets producers whose last batch lies below `logStartOffset` and who have no open transaction: their data is gone (retention, DeleteRecords). */
  removeBelow(logStartOffset: number): void {
    for (const [producerId, entry] of this.entries) {
      const last = entry.batches[entry.batches.length - 1];
      if ((last === undefined || last.lastOffset < logStartOffset) && entry.currentTxnFirstOffset < 0) this.entries.delete(producerId);
    }
  }

  private entryFor(producerId: number): ProducerEntry {
    let entry = this.entries.get(producerId);
    if (entry === undefined) {
      entry = { producerId, epoch: -1, batches: [], lastTimestamp: -1, coordinatorEpoch: -1, currentTxnFirstOffset: -1 };
      this.entries.set(producerId, entry);
    }
    return entry;
  }
}

const APPEND: SequenceCheck = { kind: 'append' };
