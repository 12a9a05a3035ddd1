// A transactional producer's side of a transaction, as the Java client's TransactionManager runs
// it: InitProducerId with the transactional id at the transaction coordinator (fencing any older
// producer of the id), AddPartitionsToTxn before a partition's first batch of the transaction,
// AddOffsetsToTxn and TxnOffsetCommit for consumed offsets, and EndTxn to commit or abort once
// every batch has its answer. A producer fenced by a newer one of its id gets a
// ProducerFencedError and can do nothing more.
import { ApiKey, ErrorCode } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import type { RequestBuilder, Response } from './connection.js';
import { KafkaClientError, throwIfError } from './errors.js';
import { CoordinatorKeyType, CoordinatorLink } from './group-coordinator.js';

/** The errors that mean a newer producer took over the transactional id. */
const FENCED = new Set<number>([ErrorCode.PRODUCER_FENCED, ErrorCode.INVALID_PRODUCER_EPOCH, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]);

/** A newer producer with the same transactional id took over: this one must be closed. */
export class ProducerFencedError extends KafkaClientError {
  constructor(cause: KafkaClientError) {
    super(cause.code, `this producer was fenced by a newer one with its transactional id: ${cause.message}`, {}, false);
    this.name = 'ProducerFencedError';
  }
}

/** Who commits offsets in a transaction: a consumer's group membership (Java's ConsumerGroupMetadata). */
export interface GroupMetadata {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface TransactionalOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read, as a commit always is. */
  readonly offset: number;
  readonly metadata?: string | null;
}

export class TransactionManager {
  private readonly coordinator: CoordinatorLink;
  private producer: { producerId: number; epoch: number } | null = null;
  private readonly added = new Set<string>();
  private groupsAdded = new Set<string>();
  private fenced: ProducerFencedError | null = null;
  /** A transaction has begun and not ended. */
  open = false;

  constructor(
    private readonly cluster: Cluster,
    readonly transactionalId: string,
    private readonly timeoutMs: number,
  ) {
    this.coordinator = new CoordinatorLink(cluster, transactionalId, CoordinatorKeyType.TRANSACTION);
  }

  /**
   * InitProducerId with the transactional id: the producer id and epoch every batch then
   * carries. Asked again (sequences in doubt), it names the current producer, which the
   * coordinator answers with a bumped epoch (KIP-360).
   */
  async init(): Promise<{ producerId: number; epoch: number }> {
    this.assertUsable();
    const current = this.producer ?? { producerId: -1, epoch: -1 };
    const { body } = await this.request(ApiKey.InitProducerId, () => ({ transactionalId: this.transactionalId, transactionTimeoutMs: this.timeoutMs, producerId: current.producerId, producerEpoch: current.epoch }), (r) => r.errorCode);
    this.producer = { producerId: body.producerId, epoch: body.producerEpoch };
    return this.producer;
  }

  begin(): void {
    this.assertUsable();
    if (this.open) throw new Error('a transaction is already open on this producer');
    this.open = true;
    this.added.clear();
    this.groupsAdded = new Set();
  }

  /** AddPartitionsToTxn for the partitions this transaction has not written to yet. */
  async addPartitions(partitions: ReadonlyArray<{ topic: string; partition: number }>): Promise<void> {
    const producer = this.current();
    const fresh = partitions.filter((p) => !this.added.has(`${p.topic}\u0000${p.partition}`));
    if (fresh.length === 0) return;
    const topics = new Map<string, number[]>();
    for (const p of fresh) topics.set(p.topic, [...new Set([...(topics.get(p.topic) ?? []), p.partition])]);
    await this.request(
      ApiKey.AddPartitionsToTxn,
      () => ({ transactions: [], v3AndBelowTransactionalId: this.transactionalId, v3AndBelowProducerId: producer.producerId, v3AndBelowProducerEpoch: producer.epoch, v3AndBelowTopics: [...topics].map(([name, list]) => ({ name, partitions: list })) }),
      (r) => r.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((p) => p.partitionErrorCode)).find((code) => code !== ErrorCode.NONE) ?? ErrorCode.NONE,
    );
    for (const p of fresh) this.added.add(`${p.topic}\u0000${p.partition}`);
  }

  /** The consumed offsets become part of the transaction: committed with it, or not at all. */
  async sendOffsets(group: GroupMetadata, offsets: readonly TransactionalOffset[]): Promise<void> {
    const producer = this.current();
    if (!this.groupsAdded.has(group.groupId)) {
      await this.request(ApiKey.AddOffsetsToTxn, () => ({ transactionalId: this.transactionalId, producerId: producer.producerId, producerEpoch: producer.epoch, groupId: group.groupId }), (r) => r.errorCode);
      this.groupsAdded.add(group.groupId);
    }
    const groupLink = new CoordinatorLink(this.cluster, group.groupId);
    const topics = new Map<string, TransactionalOffset[]>();
    for (const offset of offsets) topics.set(offset.topic, [...(topics.get(offset.topic) ?? []), offset]);
    const { body } = await groupLink.retrying(() =>
      groupLink.send(ApiKey.TxnOffsetCommit, () => ({
        transactionalId: this.transactionalId,
        groupId: group.groupId,
        producerId: producer.producerId,
        producerEpoch: producer.epoch,
        generationId: group.generationId,
        memberId: group.memberId,
        groupInstanceId: group.groupInstanceId,
        topics: [...topics].map(([name, list]) => ({ name, partitions: list.map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: o.metadata ?? null })) })),
      }), (r) => r.body.topics.flatMap((t) => t.partitions.map((p) => p.errorCode)).find((code) => code !== ErrorCode.NONE) ?? ErrorCode.NONE),
    );
    for (const topic of body.topics) for (const p of topic.partitions) this.throwIfFenced(p.errorCode, `TxnOffsetCommit ${topic.name}[${p.partitionIndex}]`);
  }

  /** EndTxn, when the transaction wrote anything; the producer may begin the next one after. */
  async end(commit: boolean): Promise<void> {
    const producer = this.current();
    try {
      if (this.added.size > 0 || this.groupsAdded.size > 0) {
        await this.request(ApiKey.EndTxn, () => ({ transactionalId: this.transactionalId, producerId: producer.producerId, producerEpoch: producer.epoch, committed: commit }), (r) => r.errorCode);
      }
    } finally {
      this.open = false;
    }
  }

  /** Turns a fencing error into ProducerFencedError and remembers it: nothing more may be done. */
  fencedBy(error: unknown): unknown {
    if (error instanceof KafkaClientError && FENCED.has(error.code)) this.fenced ??= new ProducerFencedError(error);
    return this.fenced ?? error;
  }

  private current(): { producerId: number; epoch: number } {
    this.assertUsable();
    if (this.producer === null || !this.open) throw new Error('no transaction is open: call producer.transaction()');
    return this.producer;
  }

  private assertUsable(): void {
    if (this.fenced !== null) throw this.fenced;
  }

  private throwIfFenced(errorCode: number, detail: string): void {
    try {
      throwIfError(errorCode, { detail });
    } catch (error) {
      throw this.fencedBy(error);
    }
  }

  /** One request to the transaction coordinator, retried while retriable (CONCURRENT_TRANSACTIONS included); fencing becomes ProducerFencedError. */
  private async request<K extends ApiKey>(apiKey: K, build: RequestBuilder<K>, errorOf: (body: Response<K>['body']) => number): Promise<Response<K>> {
    try {
      return await this.coordinator.retrying(async () => {
        const response = await this.coordinator.send(apiKey, build, (r) => errorOf(r.body));
        throwIfError(errorOf(response.body), { detail: `transactional id ${this.transactionalId}` });
        return response;
      });
    } catch (error) {
      throw this.fencedBy(error);
    }
  }
}
