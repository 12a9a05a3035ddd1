// Per-partition batching for the producer. Records for one partition collect in a batch until
// it holds batch.size bytes or linger.ms has passed since its first record (0 = at the end of
// the current tick, so records of one send() still share a batch). A partition has at most one
// batch in flight: the next one waits for its answer, so records keep their order even when a
// batch has to be retried. The producer drains sendable batches, sends them, and reports back
// with complete() or requeue().
import { BATCH_HEADER_BYTES, type ProducerRecord, type SupportedCompression } from '../records/index.js';
import type { BatchIdentity } from './idempotence.js';

export type Acks = -1 | 0 | 1;

export interface BatchOptions {
  readonly acks: Acks;
  readonly compression: SupportedCompression;
}

/** What the broker said about an appended batch. */
export interface BatchResult {
  /** Offset of the batch's first record; -1 with acks=0 (no answer). */
  readonly baseOffset: number;
  /** Broker time when the topic uses LogAppendTime, else -1. */
  readonly logAppendTime: number;
}

export class ProducerBatch {
  readonly records: ProducerRecord[] = [];
  bytes = BATCH_HEADER_BYTES;
  /** Closed to appends and ready to go (full, lingered, or flushed). */
  sendable = false;
  /** Send attempts that failed with a retriable error. */
  failedAttempts = 0;
  /** The encoded batch, kept so a retry sends the same bytes. */
  encoded: Buffer | null = null;
  /** Its idempotent producer id, epoch and first sequence, taken once (null: not idempotent). */
  stamp: BatchIdentity | null = null;
  /** It took sequences of an idempotent producer: giving up on it leaves them in doubt. */
  sequenced = false;
  readonly done: Promise<BatchResult>;
  lingerTimer: NodeJS.Timeout | null = null;
  private settle!: { resolve: (result: BatchResult) => void; reject: (error: unknown) => void };

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly options: BatchOptions,
  ) {
    this.done = new Promise<BatchResult>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.done.catch(() => undefined); // the senders' awaits handle it; no unhandled rejection
  }

  accepts(options: BatchOptions): boolean {
    return !this.sendable && this.options.acks === options.acks && this.options.compression === options.compression;
  }

  succeed(result: BatchResult): void {
    this.settle.resolve(result);
  }

  fail(error: unknown): void {
    this.settle.reject(error);
  }
}

export interface AccumulatorOptions {
  /** Bytes after which a batch is sent without waiting for linger (Kafka's batch.size, 16384). */
  readonly batchSize: number;
  /** How long a batch waits for more records (Kafka's linger.ms; 0 = end of the current tick). */
  readonly lingerMs: number;
  /** Called when a batch became sendable or a partition became free; the producer drains then. */
  readonly onReady: () => void;
}

interface PartitionQueue {
  readonly batches: ProducerBatch[];
  /** The head batch is being sent. */
  busy: boolean;
}

export class Accumulator {
  /** By topic, then partition: finding a record's queue builds no key string per record. */
  private readonly queues = new Map<string, Map<number, PartitionQueue>>();

  constructor(private readonly options: AccumulatorOptions) {
    if (!(options.batchSize > 0)) throw new RangeError(`batchSize must be positive, not ${options.batchSize}`);
    if (!(options.lingerMs >= 0)) throw new RangeError(`lingerMs must be 0 or more, not ${options.lingerMs}`);
  }

  /** Adds a record; returns its batch and its index inside it (offset = baseOffset + index). */
  append(topic: string, partition: number, record: ProducerRecord, options: BatchOptions): { batch: ProducerBatch; index: number } {
    const queue = this.queue(topic, partition);
    const size = estimateRecordBytes(record);
    let batch = queue.batches.at(-1);
    if (batch !== undefined && batch.accepts(options) && batch.records.length > 0 && batch.bytes + size > this.options.batchSize) {
      this.markSendable(batch);
    }
    if (batch === undefined || !batch.accepts(options)) {
      batch = this.openBatch(queue, topic, partition, options);
    }
    batch.records.push(record);
    batch.bytes += size;
    if (batch.bytes >= this.options.batchSize) this.markSendable(batch);
    return { batch, index: batch.records.length - 1 };
  }

  /** Takes the head batch of every partition that is free and whose head is sendable. */
  drain(): ProducerBatch[] {
    const ready: ProducerBatch[] = [];
    for (const byPartition of this.queues.values()) {
      for (const queue of byPartition.values()) {
        const head = queue.batches[0];
        if (queue.busy || head === undefined || !head.sendable) continue;
        queue.busy = true;
        ready.push(head);
      }
    }
    return ready;
  }

  /** The batch got its final answer (success or error): free its partition for the next one. */
  complete(batch: ProducerBatch): void {
    const queue = this.queue(batch.topic, batch.partition);
    if (queue.batches[0] === batch) queue.batches.shift();
    queue.busy = false;
    if (queue.batches.length === 0) this.dropQueue(batch.topic, batch.partition);
    this.options.onReady();
  }

  /** The batch will be sent again: it stays first in line for its partition. */
  requeue(batch: ProducerBatch): void {
    this.queue(batch.topic, batch.partition).busy = false;
    this.options.onReady();
  }

  /** Closes every open batch now and waits until all batches so far have their answer. */
  async flush(): Promise<void> {
    const all = this.allQueues().flatMap((queue) => queue.batches);
    for (const batch of all) this.markSendable(batch, false);
    this.options.onReady();
    await Promise.allSettled(all.map((batch) => batch.done));
  }

  /** Batches waiting or in flight. */
  get batchCount(): number {
    let count = 0;
    for (const queue of this.allQueues()) count += queue.batches.length;
    return count;
  }

  private openBatch(queue: PartitionQueue, topic: string, partition: number, options: BatchOptions): ProducerBatch {
    const batch = new ProducerBatch(topic, partition, options);
    queue.batches.push(batch);
    if (this.options.lingerMs === 0) queueMicrotask(() => this.markSendable(batch));
    else batch.lingerTimer = setTimeout(() => this.markSendable(batch), this.options.lingerMs);
    return batch;
  }

  private markSendable(batch: ProducerBatch, notify = true): void {
    if (batch.lingerTimer !== null) clearTimeout(batch.lingerTimer);
    batch.lingerTimer = null;
    if (batch.sendable) return;
    batch.sendable = true;
    if (notify) this.options.onReady();
  }

  private queue(topic: string, partition: number): PartitionQueue {
    let byPartition = this.queues.get(topic);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.queues.set(topic, byPartition);
    }
    let queue = byPartition.get(partition);
    if (queue === undefined) {
      queue = { batches: [], busy: false };
      byPartition.set(partition, queue);
    }
    return queue;
  }

  private dropQueue(topic: string, partition: number): void {
    const byPartition = this.queues.get(topic);
    byPartition?.delete(partition);
    if (byPartition?.size === 0) this.queues.delete(topic);
  }

  /** Every queue, in a fresh array (for the calls that are not per batch). */
  private allQueues(): PartitionQueue[] {
    return [...this.queues.values()].flatMap((byPartition) => [...byPartition.values()]);
  }
}

/** Upper bound of a record's encoded size: data plus the widest varints (NOTES.md §4.2). */
export function estimateRecordBytes(record: ProducerRecord): number {
  const VARINT = 5;
  const fixed = VARINT + 1 + 10 + VARINT + VARINT + VARINT + VARINT; // length, attributes, deltas, key/value lengths, header count
  let size = fixed + byteLength(record.key ?? null) + byteLength(record.value);
  const headers = record.headers === undefined ? [] : Array.isArray(record.headers) ? record.headers : Object.entries(record.headers).map(([k, v]) => ({ key: k, value: v }));
  for (const header of headers as ReadonlyArray<{ key: string; value: ProducerRecord['value'] }>) {
    size += 2 * VARINT + Buffer.byteLength(header.key) + byteLength(header.value);
  }
  return size;
}

function byteLength(bytes: ProducerRecord['value']): number {
  if (bytes === null) return 0;
  return typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength;
}
