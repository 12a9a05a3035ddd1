// From one partition's Fetch data to the messages a consumer hands out (NOTES.md §4-5):
// batches may start below the fetch offset (skip those records), control batches are markers
// (skip them, but move past their offsets), a cut-off batch at the end is dropped and fetched
// again next time, and under read_committed the records of aborted transactions are dropped
// using the aborted-transactions list, as the Java consumer does.
import { decodeRecordBatchesWith, type DecodedBatchOf, type DecodedHeader } from '../records/index.js';

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** In record order; a key may repeat. */
  readonly headers: readonly DecodedHeader[];
  /** Milliseconds since the epoch (CreateTime, or the broker's time under LogAppendTime). */
  readonly timestamp: number;
}

export interface AbortedTransaction {
  readonly producerId: number;
  readonly firstOffset: number;
}

export interface FetchedPartition {
  readonly messages: ConsumedMessage[];
  /** Where the next fetch starts: past every whole batch received. */
  readonly nextOffset: number;
  /** Bytes arrived but not one whole batch: the partition byte limit is too small for the next batch. */
  readonly incomplete: boolean;
}

interface Where {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: number;
}

/** What the aborted-transaction checks read of a decoded batch: its header and its records' keys. */
type KeyedBatch = DecodedBatchOf<{ readonly key: Buffer | null }>;

/** Control record type of an abort marker (key = int16 version, int16 type). */
const ABORT_MARKER = 0;

export function messagesFromFetch(
  where: Where,
  records: Buffer | null,
  abortedTransactions: readonly AbortedTransaction[] | null,
  readCommitted: boolean,
): FetchedPartition {
  if (records === null || records.length === 0) return { messages: [], nextOffset: where.fetchOffset, incomplete: false };
  // Messages are made by the decoder itself: one object per record.
  const { topic, partition } = where;
  const batches = decodeRecordBatchesWith(records, (offset, timestamp, key, value, headers): ConsumedMessage => ({ topic, partition, offset, key, value, headers, timestamp }));
  if (batches.length === 0) return { messages: [], nextOffset: where.fetchOffset, incomplete: true };
  const aborted = new AbortedTracker(readCommitted ? abortedTransactions ?? [] : []);
  const messages: ConsumedMessage[] = [];
  let nextOffset = where.fetchOffset;
  for (const batch of batches) {
    nextOffset = Math.max(nextOffset, batch.baseOffset + batch.lastOffsetDelta + 1);
    if (!aborted.keeps(batch)) continue;
    for (const message of batch.records) if (message.offset >= where.fetchOffset) messages.push(message);
  }
  return { messages, nextOffset, incomplete: false };
}

/** Decides batch by batch what read_committed hides (org.apache.kafka...Fetcher's algorithm). */
class AbortedTracker {
  private readonly pending: AbortedTransaction[];
  private readonly abortedProducers = new Set<number>();

  constructor(aborted: readonly AbortedTransaction[]) {
    this.pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** False for control batches and for batches of a transaction that was aborted. */
  keeps(batch: KeyedBatch): boolean {
    const lastOffset = batch.baseOffset + batch.lastOffsetDelta;
    while (this.pending.length > 0 && this.pending[0].firstOffset <= lastOffset) {
      this.abortedProducers.add((this.pending.shift() as AbortedTransaction).producerId);
    }
    if (batch.isControl) {
      if (isAbortMarker(batch)) this.abortedProducers.delete(batch.producerId);
      return false;
    }
    return !(batch.isTransactional && this.abortedProducers.has(batch.producerId));
  }
}

function isAbortMarker(batch: KeyedBatch): boolean {
  const key = batch.records[0]?.key;
  return key !== null && key !== undefined && key.length >= 4 && key.readInt16BE(2) === ABORT_MARKER;
}
