// The producer: send() places each message on a partition (explicit, or murmur2 of the key as
// the Java client and kafkajs do, or round-robin without a key), hands it to the accumulator,
// and resolves once the broker acknowledged the batches holding its messages; the Sender
// (producer-sender.ts) turns ready batches into Produce requests and retries. A batch whose
// answer got lost is sent again; with idempotence (the default, as in the Java client since
// 3.0) the broker recognises the resend by its producer id and sequence and stores it once
// (idempotence.ts). With a transactionalId, sends happen inside transaction() (transaction.ts).
import { ErrorCode } from '../protocol/index.js';
import { assertSupportedCompression, type Bytes, type ProducerHeaders, type ProducerRecord, type SupportedCompression } from '../records/index.js';
import { Accumulator, type Acks, type BatchResult, type ProducerBatch } from './accumulator.js';
import type { Cluster } from './cluster.js';
import { KafkaClientError, networkError } from './errors.js';
import { ProducerIdentity } from './idempotence.js';
import { checkAcks, checkMessage, toKeyBuffer } from './producer-messages.js';
import { Sender } from './producer-sender.js';
import { TransactionManager, type GroupMetadata, type TransactionalOffset } from './transaction.js';
import { DefaultPartitioner } from './partitioner.js';

export type { Acks } from './accumulator.js';
export type CompressionType = SupportedCompression;

/** Picks a partition for a message without an explicit one. */
export type Partitioner = (key: Buffer | null, partitionCount: number, topic: string) => number;

export interface ProducerOptions {
  /** Wait this long for more records before sending a batch (5 ms; 0 = send at once). */
  readonly lingerMs?: number;
  /** Send a partition's batch as soon as it holds this many bytes (16384). */
  readonly batchSize?: number;
  /** -1 = all in-sync replicas (default), 1 = leader only, 0 = no acknowledgement. */
  readonly acks?: Acks;
  readonly compression?: CompressionType;
  /** How long the broker may take to meet acks (30000 ms). */
  readonly ackTimeoutMs?: number;
  /** Defaults to murmur2 for keys (Java/kafkajs compatible) and round-robin without. */
  readonly partitioner?: Partitioner;
  /**
   * Each record stored exactly once, however often a batch is resent (InitProducerId and
   * sequence numbers). On by default unless acks is 0 or 1, as in the Java client; needs acks -1.
   * Against a broker without InitProducerId the producer warns once and sends without.
   */
  readonly idempotent?: boolean;
  /** Where the producer's warnings go (process.emitWarning by default). */
  readonly warn?: (message: string) => void;
  /** Makes the producer transactional: sends happen inside producer.transaction() only. Implies idempotence. */
  readonly transactionalId?: string;
  /** How long the coordinator lets a transaction stay open before aborting it (60000). */
  readonly transactionTimeoutMs?: number;
}

/** What a transaction's work gets: sends and consumed offsets that commit or abort together. */
export interface Transaction {
  send(options: SendOptions): Promise<PartitionOffsets[]>;
  /** Commits the consumer's offsets with the transaction (consume-transform-produce); `group` is consumer.groupMetadata(). */
  sendOffsets(group: GroupMetadata, offsets: readonly TransactionalOffset[]): Promise<void>;
}

export interface Message {
  readonly key?: Bytes;
  readonly value: Bytes;
  readonly headers?: ProducerHeaders;
  readonly partition?: number;
  /** Milliseconds since the epoch; the time of send() when missing. */
  readonly timestamp?: number;
}

export interface SendOptions {
  readonly topic: string;
  readonly messages: readonly Message[];
  readonly acks?: Acks;
  readonly compression?: CompressionType;
}

/** The outcome for one partition of a send() call. */
export interface PartitionOffsets {
  readonly topic: string;
  readonly partition: number;
  /** Offset of this call's first message in the partition; -1 with acks=0. */
  readonly baseOffset: number;
  /** Messages of this call written to the partition (at consecutive offsets when sent in one batch). */
  readonly count: number;
  /** Broker append time when the topic uses LogAppendTime, else -1. */
  readonly logAppendTime: number;
}

/**
 * Where the messages of one send() went: message i is record indexes[i] of batches[i], on
 * partitions[i]. Parallel arrays rather than an object per message: they live until the send
 * resolves, long enough for young-generation collections to copy them, and a producer of 1 KiB
 * records makes a million a second.
 */
interface Placement {
  readonly partitions: readonly number[];
  readonly batches: ProducerBatch[];
  readonly indexes: number[];
}

export class Producer {
  private readonly accumulator: Accumulator;
  private readonly partitioner: Partitioner;
  private readonly acks: Acks;
  private readonly compression: CompressionType;
  private readonly ackTimeoutMs: number;
  /** Null when not idempotent. */
  private identity: ProducerIdentity | null;
  /** Null when not transactional. */
  private readonly transactions: TransactionManager | null;
  private readonly sender: Sender;
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    options: ProducerOptions = {},
  ) {
    this.accumulator = new Accumulator({
      batchSize: options.batchSize ?? 16_384,
      lingerMs: options.lingerMs ?? 5,
      onReady: () => this.sender.sendReady(),
    });
    const fallback = new DefaultPartitioner();
    this.partitioner = options.partitioner ?? ((key, count) => fallback.partition(key, count));
    this.acks = checkAcks(options.acks ?? -1);
    this.compression = options.compression ?? 'none';
    assertSupportedCompression(this.compression);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    const transactional = options.transactionalId !== undefined;
    const idempotent = options.idempotent ?? (transactional || this.acks === -1);
    if (idempotent && this.acks !== -1) throw new RangeError(`an idempotent producer needs acks -1, not ${this.acks}`);
    if (transactional && !idempotent) throw new RangeError('a transactional producer is idempotent: idempotent cannot be false');
    const warn = options.warn ?? ((message: string) => process.emitWarning(message, 'SluiceProducerWarning'));
    this.transactions = transactional ? new TransactionManager(cluster, options.transactionalId as string, options.transactionTimeoutMs ?? 60_000) : null;
    const source = this.transactions === null ? null : () => (this.transactions as TransactionManager).init();
    this.identity = idempotent ? new ProducerIdentity(cluster, warn, source) : null;
    this.sender = new Sender({ cluster, accumulator: this.accumulator, ackTimeoutMs: this.ackTimeoutMs, identity: () => this.identity, transactions: this.transactions });
  }

  /** Connects to a bootstrap broker and, when idempotent, gets a producer id (send() does both on demand as well). */
  async connect(): Promise<void> {
    await this.cluster.anyConnection();
    if (this.identity !== null && !(await this.identity.ready())) this.identity = null;
  }

  /** Sends messages to one topic; resolves when every partition acknowledged them (per `acks`). */
  async send(options: SendOptions): Promise<PartitionOffsets[]> {
    if (this.closed) throw networkError('the producer is closed');
    if (this.transactions !== null && !this.transactions.open) throw new Error('a transactional producer sends inside producer.transaction() only');
    const acks = checkAcks(options.acks ?? this.acks);
    if (this.identity !== null && acks !== -1) throw new RangeError(`an idempotent producer sends with acks -1, not ${acks}`);
    const compression = options.compression ?? this.compression;
    assertSupportedCompression(compression);
    if (options.messages.length === 0) return [];
    options.messages.forEach(checkMessage);
    if (this.identity !== null && !(await this.identity.ready())) this.identity = null;
    const topic = await this.cluster.topic(options.topic);
    const now = Date.now();
    // Choose every partition before appending anything, so a bad one leaves nothing half-sent.
    const partitions = options.messages.map((message) => this.partitionOf(options.topic, topic.partitions.length, message));
    const placement: Placement = { partitions, batches: [], indexes: [] };
    const batchOptions = { acks, compression };
    options.messages.forEach((message, i) => this.place(options.topic, partitions[i], message, now, batchOptions, placement));
    const results = new Map(await Promise.all([...new Set(placement.batches)].map(async (batch) => [batch, await batch.done] as const)));
    return summarize(options.topic, placement, results);
  }

  /**
   * Runs `work` as one transaction: what it sends and the offsets it commits are committed
   * together when it returns, and aborted when it throws (the error is rethrown). A producer a
   * newer one of its transactional id fenced throws ProducerFencedError from then on.
   */
  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const manager = this.transactions;
    if (manager === null) throw new Error('transaction() needs a producer made with a transactionalId');
    await this.connect();
    manager.begin();
    const tx: Transaction = { send: (options) => this.send(options), sendOffsets: (group, offsets) => manager.sendOffsets(group, offsets) };
    let result: T;
    try {
      result = await work(tx);
      await this.accumulator.flush();
    } catch (error) {
      await this.accumulator.flush();
      await manager.end(false).catch(() => undefined);
      throw manager.fencedBy(error);
    }
    await manager.end(true);
    return result;
  }

  /** Sends everything lingering now and waits for the answers. */
  async flush(): Promise<void> {
    await this.accumulator.flush();
  }

  /** Flushes, then closes the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.accumulator.flush();
    this.cluster.close();
  }

  private partitionOf(topic: string, partitionCount: number, message: Message): number {
    const partition = message.partition ?? this.partitioner(toKeyBuffer(message.key), partitionCount, topic);
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitionCount) {
      throw new KafkaClientError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${partition} does not exist (the topic has ${partitionCount})`, { topic }, false);
    }
    return partition;
  }

  private place(topic: string, partition: number, message: Message, now: number, options: { acks: Acks; compression: CompressionType }, placement: Placement): void {
    const record: ProducerRecord = { key: toKeyBuffer(message.key), value: message.value, headers: message.headers, timestamp: message.timestamp ?? now };
    const { batch, index } = this.accumulator.append(topic, partition, record, options);
    placement.batches.push(batch);
    placement.indexes.push(index);
  }

}

function summarize(topic: string, placement: Placement, results: ReadonlyMap<ProducerBatch, BatchResult>): PartitionOffsets[] {
  const byPartition = new Map<number, { baseOffset: number; count: number; logAppendTime: number }>();
  for (let i = 0; i < placement.partitions.length; i++) {
    const partition = placement.partitions[i];
    const result = results.get(placement.batches[i]) as BatchResult;
    const offset = result.baseOffset < 0 ? -1 : result.baseOffset + placement.indexes[i];
    const entry = byPartition.get(partition);
    if (entry === undefined) byPartition.set(partition, { baseOffset: offset, count: 1, logAppendTime: result.logAppendTime });
    else entry.count++;
  }
  return [...byPartition.entries()].sort(([a], [b]) => a - b).map(([partition, entry]) => ({ topic, partition, ...entry }));
}
