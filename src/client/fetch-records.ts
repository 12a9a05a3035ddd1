// From one partition's Fetch data to the messages a consumer hands out (NOTES.md §4-5):
// batches may start below the fetch offset (skip those records), control batches are markers
// (skip them, but move past their offsets), a cut-off batch at the end is dropped and fetched
// again next time, and under read_committed the records of aborted transactions are dropped
// using the aborted-transactions list, as the Java consumer does.
import { visitRecordBatches, type DecodedBatchHeader, type DecodedHeader, type RecordVisitor } from '../records/index.js';
import { MessageRun } from './message-run.js';

export type { ConsumedMessage } from './message-run.js';

export interface AbortedTransaction {
  readonly producerId: number;
  readonly firstOffset: number;
}

export interface FetchedPartition {
  readonly messages: MessageRun;
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

/** Control record type of an abort marker (key = int16 version, int16 type). */
const ABORT_MARKER = 0;

export function messagesFromFetch(
  where: Where,
  records: Buffer | null,
  abortedTransactions: readonly AbortedTransaction[] | null,
  readCommitted: boolean,
): FetchedPartition {
  const run = new MessageRun(where.topic, where.partition);
  if (records === null || records.length === 0) return { messages: run, nextOffset: where.fetchOffset, incomplete: false };
  const builder = new RunBuilder(run, where.fetchOffset, new AbortedTracker(readCommitted ? abortedTransactions ?? [] : []));
  visitRecordBatches(records, builder);
  return { messages: run, nextOffset: builder.nextOffset, incomplete: builder.batches === 0 };
}

/** Puts the records a consumer hands out into a run: from the fetch offset on, in the batches read_committed keeps. */
class RunBuilder implements RecordVisitor {
  nextOffset: number;
  batches = 0;
  private current: DecodedBatchHeader | null = null;
  private section: Buffer = Buffer.alloc(0);
  private keeping = false;
  private firstOfBatch = false;

  constructor(
    private readonly run: MessageRun,
    private readonly fetchOffset: number,
    private readonly aborted: AbortedTracker,
  ) {
    this.nextOffset = fetchOffset;
  }

  batch(header: DecodedBatchHeader, section: Buffer): void {
    this.batches++;
    this.nextOffset = Math.max(this.nextOffset, header.baseOffset + header.lastOffsetDelta + 1);
    this.current = header;
    this.section = section;
    this.keeping = this.aborted.keeps(header);
    this.firstOfBatch = true;
    if (this.keeping) this.run.addSection(section);
  }

  record(offset: number, timestamp: number, keyStart: number, keyLength: number, valueStart: number, valueLength: number, headers: readonly DecodedHeader[]): void {
    const batch = this.current as DecodedBatchHeader;
    if (this.firstOfBatch && batch.isControl && isAbortMarker(this.section, keyStart, keyLength)) this.aborted.abortEnded(batch.producerId);
    this.firstOfBatch = false;
    if (this.keeping && offset >= this.fetchOffset) this.run.add(offset, timestamp, keyStart, keyLength, valueStart, valueLength, headers);
  }
}

/** Decides batch by batch what read_committed hides (org.apache.kafka...Fetcher's algorithm). */
class AbortedTracker {
  private readonly pending: AbortedTransaction[];
  private readonly abortedProducers = new Set<number>();

  constructor(aborted: readonly AbortedTransaction[]) {
    this.pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /**
   * False for control batches (markers: an abort marker is reported by its first record,
   * through abortEnded) and for batches of a transaction that was aborted.
   */
  keeps(batch: DecodedBatchHeader): boolean {
    const lastOffset = batch.baseOffset + batch.lastOffsetDelta;
    while (this.pending.length > 0 && this.pending[0].firstOffset <= lastOffset) {
      this.abortedProducers.add((this.pending.shift() as AbortedTransaction).producerId);
    }
    if (batch.isControl) return false;
    return !(batch.isTransactional && this.abortedProducers.has(batch.producerId));
  }

  /** The producer's aborted transaction ended with its marker: its later batches are kept. */
  abortEnded(producerId: number): void {
    this.abortedProducers.delete(producerId);
  }
}

/** The control record key at [start, start + length) of section is an abort marker's. */
function isAbortMarker(section: Buffer, start: number, length: number): boolean {
  return length >= 4 && section.readInt16BE(start + 2) === ABORT_MARKER;
}
