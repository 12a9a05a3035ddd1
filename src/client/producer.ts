// The producer: send() places each message on a partition (explicit, or murmur2 of the key as
// the Java client and kafkajs do, or round-robin without a key), hands it to the accumulator,
// and resolves once the broker acknowledged the batches holding its messages. The sender half
// turns sendable batches into one Produce request per leader, encodes each batch once (native
// encoder through the hot path; gzip on the thread pool), and retries retriable errors with
// backoff, refreshing metadata when the leader may have moved. A batch whose answer got
// lost is sent again; with idempotence (the default, as in the Java client since 3.0) the broker
// recognises the resend by its producer id and sequence and stores it once (idempotence.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKey, ErrorCode, type ProduceRequest, type ProduceResponse } from '../protocol/index.js';
import { assertSupportedCompression, encodeRecordBatchAsync, type Bytes, type ProducerHeaders, type ProducerRecord, type SupportedCompression } from '../records/index.js';
import { Accumulator, type Acks, type BatchResult, type ProducerBatch } from './accumulator.js';
import type { Cluster } from './cluster.js';
import { KafkaClientError, isRetriable, needsMetadataRefresh, networkError } from './errors.js';
import { ProducerIdentity } from './idempotence.js';
import { DefaultPartitioner } from './partitioner.js';
import { backoffDelay } from './retry.js';

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
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    options: ProducerOptions = {},
  ) {
    this.accumulator = new Accumulator({
      batchSize: options.batchSize ?? 16_384,
      lingerMs: options.lingerMs ?? 5,
      onReady: () => this.sendReady(),
    });
    const fallback = new DefaultPartitioner();
    this.partitioner = options.partitioner ?? ((key, count) => fallback.partition(key, count));
    this.acks = checkAcks(options.acks ?? -1);
    this.compression = options.compression ?? 'none';
    assertSupportedCompression(this.compression);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    const idempotent = options.idempotent ?? this.acks === -1;
    if (idempotent && this.acks !== -1) throw new RangeError(`an idempotent producer needs acks -1, not ${this.acks}`);
    const warn = options.warn ?? ((message: string) => process.emitWarning(message, 'SluiceProducerWarning'));
    this.identity = idempotent ? new ProducerIdentity(cluster, warn) : null;
  }

  /** Connects to a bootstrap broker and, when idempotent, gets a producer id (send() does both on demand as well). */
  async connect(): Promise<void> {
    await this.cluster.anyConnection();
    if (this.identity !== null && !(await this.identity.ready())) this.identity = null;
  }

  /** Sends messages to one topic; resolves when every partition acknowledged them (per `acks`). */
  async send(options: SendOptions): Promise<PartitionOffsets[]> {
    if (this.closed) throw networkError('the producer is closed');
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

  private sendReady(): void {
    const batches = this.accumulator.drain();
    if (batches.length > 0) void this.sendBatches(batches);
  }

  private async sendBatches(batches: ProducerBatch[]): Promise<void> {
    const groups = new Map<string, { nodeId: number; acks: Acks; batches: ProducerBatch[] }>();
    const failures: Promise<void>[] = [];
    for (const batch of batches) {
      try {
        const { nodeId } = await this.cluster.leaderFor(batch.topic, batch.partition);
        const groupKey = `${nodeId}/${batch.options.acks}`;
        const group = groups.get(groupKey) ?? { nodeId, acks: batch.options.acks, batches: [] };
        group.batches.push(batch);
        groups.set(groupKey, group);
      } catch (error) {
        failures.push(this.onBatchError(batch, error)); // its backoff must not hold up the others
      }
    }
    const sends = [...groups.values()].map((group) => this.sendGroup(group.nodeId, group.acks, group.batches));
    await Promise.all([...sends, ...failures]);
  }

  /** One Produce request carrying one batch per partition, all led by the same broker. */
  private async sendGroup(nodeId: number, acks: Acks, batches: ProducerBatch[]): Promise<void> {
    const encoded = await this.encodeAll(batches);
    if (encoded.length === 0) return;
    let response: ProduceResponse | undefined;
    try {
      const connection = this.cluster.connectionTo(nodeId);
      const request = this.produceRequest(acks, encoded);
      const reply = await connection.request(ApiKey.Produce, () => request, { expectResponse: acks !== 0, idempotent: false });
      response = reply.body;
    } catch (error) {
      await Promise.all(encoded.map((batch) => this.onBatchError(batch, error)));
      return;
    }
    await Promise.all(encoded.map((batch) => this.onBatchAnswer(batch, acks === 0 ? undefined : response)));
  }

  /** Encodes each batch once (a retry resends the same bytes); a batch that cannot be encoded fails alone. */
  private async encodeAll(batches: ProducerBatch[]): Promise<ProducerBatch[]> {
    const outcomes = await Promise.allSettled(batches.map((batch) => encodeOnce(batch, this.identity)));
    const encoded: ProducerBatch[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') encoded.push(batches[i]);
      else this.giveUp(batches[i], outcome.reason);
    });
    return encoded;
  }

  private produceRequest(acks: Acks, batches: ProducerBatch[]): ProduceRequest {
    const byTopic = new Map<string, ProduceRequest['topicData'][number]>();
    for (const batch of batches) {
      const topic = byTopic.get(batch.topic) ?? { name: batch.topic, partitionData: [] };
      topic.partitionData.push({ index: batch.partition, records: batch.encoded });
      byTopic.set(batch.topic, topic);
    }
    return { transactionalId: null, acks, timeoutMs: this.ackTimeoutMs, topicData: [...byTopic.values()] };
  }

  private async onBatchAnswer(batch: ProducerBatch, response: ProduceResponse | undefined): Promise<void> {
    if (response === undefined) return this.finish(batch, { baseOffset: -1, logAppendTime: -1 });
    const answer = response.responses.find((t) => t.name === batch.topic)?.partitionResponses.find((p) => p.index === batch.partition);
    if (answer === undefined) {
      return this.onBatchError(batch, new KafkaClientError(ErrorCode.UNKNOWN_SERVER_ERROR, 'the Produce response left out this partition', { topic: batch.topic, partition: batch.partition }));
    }
    if (answer.errorCode !== ErrorCode.NONE) {
      const detail = answer.errorMessage ?? answer.recordErrors.map((e) => e.batchIndexErrorMessage).find((m) => m) ?? null;
      return this.onBatchError(batch, KafkaClientError.fromCode(answer.errorCode, { topic: batch.topic, partition: batch.partition, detail }));
    }
    this.finish(batch, { baseOffset: answer.baseOffset, logAppendTime: answer.logAppendTimeMs });
  }

  private async onBatchError(batch: ProducerBatch, error: unknown): Promise<void> {
    if (!isRetriable(error) || batch.failedAttempts >= this.cluster.retry.retries || this.cluster.isClosed) {
      this.giveUp(batch, error);
      return;
    }
    const attempt = batch.failedAttempts++;
    if (needsMetadataRefresh(error)) await this.cluster.refreshMetadata([batch.topic]).catch(() => undefined);
    await sleep(backoffDelay(attempt, this.cluster.retry));
    this.accumulator.requeue(batch);
  }

  private giveUp(batch: ProducerBatch, error: unknown): void {
    if (batch.sequenced) this.identity?.sequencesInDoubt();
    this.accumulator.complete(batch);
    batch.fail(error);
  }

  private finish(batch: ProducerBatch, result: BatchResult): void {
    this.accumulator.complete(batch);
    batch.succeed(result);
  }
}

/** The first time: takes the batch's sequences (before any await, so a partition's batches take them in order) and encodes it. */
async function encodeOnce(batch: ProducerBatch, identity: ProducerIdentity | null): Promise<void> {
  if (batch.encoded !== null) return;
  if (!batch.sequenced) {
    const stamp = identity?.take(batch.topic, batch.partition, batch.records.length) ?? null;
    batch.sequenced = stamp !== null;
    batch.stamp = stamp;
  }
  batch.encoded = await encodeRecordBatchAsync(batch.records, { compression: batch.options.compression, ...batch.stamp });
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

function toKeyBuffer(key: Bytes | undefined): Buffer | null {
  if (key === undefined || key === null) return null;
  if (typeof key === 'string') return Buffer.from(key, 'utf8');
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
}

function checkAcks(acks: number): Acks {
  if (acks !== -1 && acks !== 0 && acks !== 1) throw new RangeError(`acks must be -1, 0 or 1, not ${acks}`);
  return acks;
}

/** Catches what would otherwise fail a whole shared batch inside the encoder. */
function checkMessage(message: Message, index: number): void {
  if (message === null || typeof message !== 'object') throw new TypeError(`message ${index} must be an object`);
  if (message.value === undefined) throw new TypeError(`message ${index}: value is missing (use null for a tombstone)`);
  for (const [name, bytes] of [['key', message.key], ['value', message.value]] as const) {
    if (bytes !== undefined && bytes !== null && typeof bytes !== 'string' && !(bytes instanceof Uint8Array)) {
      throw new TypeError(`message ${index}: ${name} must be a string, a Buffer/Uint8Array or null`);
    }
  }
  const { timestamp } = message;
  if (timestamp !== undefined && (!Number.isSafeInteger(timestamp) || timestamp < 0)) {
    throw new TypeError(`message ${index}: timestamp must be a non-negative integer of milliseconds`);
  }
  if (message.headers !== undefined && (message.headers === null || typeof message.headers !== 'object')) {
    throw new TypeError(`message ${index}: headers must be an object or an array of { key, value }`);
  }
}
