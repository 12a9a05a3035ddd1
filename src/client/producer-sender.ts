// The producer's sending half (Kafka's Sender): it drains the batches the accumulator says are
// ready, adds their partitions to the open transaction first when the producer is
// transactional, encodes each batch once (stamped with its producer id and sequences when
// idempotent; a retry resends the same bytes), sends one Produce request per leader and acks
// level, and retries retriable errors with backoff, refreshing metadata when the leader may
// have moved. A batch given up on after it took sequences leaves them in doubt.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKey, ErrorCode, type ProduceRequest, type ProduceResponse } from '../protocol/index.js';
import { encodeRecordBatchAsync } from '../records/index.js';
import type { Accumulator, Acks, BatchResult, ProducerBatch } from './accumulator.js';
import type { Cluster } from './cluster.js';
import { KafkaClientError, isRetriable, needsMetadataRefresh } from './errors.js';
import type { ProducerIdentity } from './idempotence.js';
import { backoffDelay } from './retry.js';
import type { TransactionManager } from './transaction.js';

export interface SenderParts {
  readonly cluster: Cluster;
  readonly accumulator: Accumulator;
  readonly ackTimeoutMs: number;
  /** The idempotent identity, null when not idempotent (read at each batch: it can be dropped). */
  identity(): ProducerIdentity | null;
  readonly transactions: TransactionManager | null;
}

export class Sender {
  private readonly cluster: Cluster;
  private readonly accumulator: Accumulator;
  private readonly ackTimeoutMs: number;

  constructor(private readonly parts: SenderParts) {
    this.cluster = parts.cluster;
    this.accumulator = parts.accumulator;
    this.ackTimeoutMs = parts.ackTimeoutMs;
  }

  /** Sends every batch that is ready now (the accumulator calls this when one becomes ready). */
  sendReady(): void {
    const batches = this.accumulator.drain();
    if (batches.length > 0) void this.sendBatches(batches);
  }

  private async sendBatches(batches: ProducerBatch[]): Promise<void> {
    const transactions = this.parts.transactions;
    if (transactions !== null) {
      try {
        await transactions.addPartitions(batches);
      } catch (error) {
        for (const batch of batches) this.giveUp(batch, error);
        return;
      }
    }
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
    const outcomes = await Promise.allSettled(batches.map((batch) => encodeOnce(batch, this.parts.identity())));
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
    if (batch.sequenced) this.parts.identity()?.sequencesInDoubt();
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
