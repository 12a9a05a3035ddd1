// The transaction coordinator, with Kafka's rules (TransactionCoordinator): transactional ids map
// to a producer id and epoch; InitProducerId fences the previous producer of an id (aborting its
// open transaction); AddPartitionsToTxn and AddOffsetsToTxn open a transaction and record what it
// touches; EndTxn writes PrepareCommit/PrepareAbort durably, then the COMMIT/ABORT marker into
// every partition and ends the staged group offsets, then CompleteCommit/CompleteAbort. A
// transaction left open past its timeout is aborted and its producer fenced; one found half-way
// through its markers at start-up is finished. Operations on one transactional id run one at a
// time. State lives in its own internal log (keyed-log.ts), as Kafka's __transaction_state.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ErrorCode } from '../protocol/index.js';
import type { MarkerType } from '../records/index.js';
import type { StorageLogger } from '../storage/index.js';
import { KeyedLog } from './keyed-log.js';
import type { ProducerIdAllocator } from './producer-ids.js';
import { finishTransaction, type TransactionEnds } from './txn-completion.js';
import { MAX_PRODUCER_EPOCH, MAX_TRANSACTION_TIMEOUT_MS, isPreparing, newTxnMetadata, partitionKey, type TxnMetadata } from './txn-metadata.js';

export const TXN_STORE_DIR = '__sluice_transactions';
/** How often open transactions are checked against their timeouts. */
const TIMEOUT_CHECK_MS = 1000;

export interface ProducerIdAndEpoch {
  readonly producerId: number;
  readonly epoch: number;
}

export type TxnResult<T> = { readonly errorCode: 0; readonly value: T } | { readonly errorCode: number };

export class TransactionCoordinator {
  private readonly transactions = new Map<string, TxnMetadata>();
  /** The tail of each transactional id's chain of operations. */
  private readonly locks = new Map<string, Promise<unknown>>();
  private log!: KeyedLog<string>;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly producerIds: ProducerIdAllocator,
    private readonly ends: TransactionEnds,
    private readonly logger: Logger,
  ) {}

  static async open(dataDir: string, producerIds: ProducerIdAllocator, ends: TransactionEnds, logger: Logger, storageLogger?: StorageLogger): Promise<TransactionCoordinator> {
    const coordinator = new TransactionCoordinator(producerIds, ends, logger);
    coordinator.log = await KeyedLog.open<string>(join(dataDir, TXN_STORE_DIR), (id, value) => coordinator.apply(id, value), () => coordinator.live(), { logger: storageLogger });
    // Transactions caught between EndTxn and their last marker are finished before any request is served.
    for (const metadata of [...coordinator.transactions.values()].filter((m) => isPreparing(m.state))) await coordinator.complete(metadata);
    coordinator.timer = setInterval(() => void coordinator.abortTimedOut(Date.now()), TIMEOUT_CHECK_MS).unref();
    return coordinator;
  }

  get(transactionalId: string): TxnMetadata | undefined {
    return this.transactions.get(transactionalId);
  }

  list(): TxnMetadata[] {
    return [...this.transactions.values()];
  }

  /** InitProducerId with a transactional id: the id's producer id with a bumped epoch, fencing the previous producer. */
  initProducerId(transactionalId: string, timeoutMs: number, expected: ProducerIdAndEpoch | null): Promise<TxnResult<ProducerIdAndEpoch>> {
    if (transactionalId === '') return Promise.resolve({ errorCode: ErrorCode.INVALID_REQUEST });
    if (!(timeoutMs > 0 && timeoutMs <= MAX_TRANSACTION_TIMEOUT_MS)) return Promise.resolve({ errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT });
    return this.locked(transactionalId, async () => {
      const now = Date.now();
      const known = this.transactions.get(transactionalId) ?? newTxnMetadata(transactionalId, this.producerIds.allocate(), timeoutMs, now);
      if (expected !== null && !isValidProducer(known, expected)) return { errorCode: ErrorCode.PRODUCER_FENCED };
      if (isPreparing(known.state)) await this.complete(known);
      // The producer before this one left a transaction open: fence it and abort its transaction.
      if (known.state === 'Ongoing') await this.fenceAndAbort(known);
      const metadata = { ...(this.transactions.get(transactionalId) ?? known) };
      const bumped = bumpEpoch(metadata, expected, () => this.producerIds.allocate());
      if (bumped !== null) return { errorCode: bumped };
      await this.save({ ...metadata, timeoutMs, state: 'Empty', partitions: [], groups: [], startTimestamp: -1, lastUpdateTimestamp: now });
      return { errorCode: ErrorCode.NONE, value: { producerId: metadata.producerId, epoch: metadata.producerEpoch } };
    });
  }

  /** AddPartitionsToTxn: the partitions join the producer's transaction, which opens if it was not. */
  addPartitions(transactionalId: string, producer: ProducerIdAndEpoch, partitions: ReadonlyArray<{ topic: string; partition: number }>): Promise<number> {
    return this.addToTransaction(transactionalId, producer, (metadata) => ({ partitions: union(metadata.partitions, partitions.map((p) => partitionKey(p.topic, p.partition))) }));
  }

  /** AddOffsetsToTxn: the group's offsets, committed through TxnOffsetCommit, become part of the transaction. */
  addOffsets(transactionalId: string, producer: ProducerIdAndEpoch, groupId: string): Promise<number> {
    return this.addToTransaction(transactionalId, producer, (metadata) => ({ groups: union(metadata.groups, [groupId]) }));
  }

  /** EndTxn: commits or aborts the open transaction; a retry of the same outcome after it completed is answered NONE. */
  endTransaction(transactionalId: string, producer: ProducerIdAndEpoch, commit: boolean): Promise<number> {
    return this.locked(transactionalId, async () => {
      const problem = this.producerProblem(transactionalId, producer);
      if (problem !== null) return problem;
      const metadata = this.transactions.get(transactionalId) as TxnMetadata;
      switch (metadata.state) {
        case 'Ongoing':
          await this.save({ ...metadata, state: commit ? 'PrepareCommit' : 'PrepareAbort', lastUpdateTimestamp: Date.now() });
          await this.complete(this.transactions.get(transactionalId) as TxnMetadata);
          return ErrorCode.NONE;
        case 'CompleteCommit':
        case 'CompleteAbort':
          return (metadata.state === 'CompleteCommit') === commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
        case 'PrepareCommit':
        case 'PrepareAbort':
          // A retry after the markers failed part-way: finish them now.
          if ((metadata.state === 'PrepareCommit') !== commit) return ErrorCode.INVALID_TXN_STATE;
          await this.complete(metadata);
          return ErrorCode.NONE;
        default:
          return ErrorCode.INVALID_TXN_STATE;
      }
    });
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await Promise.allSettled([...this.locks.values()]);
    await this.log.close();
  }

  /** Aborts transactions open longer than their timeout, fencing their producers (transaction.timeout.ms). */
  async abortTimedOut(now: number): Promise<void> {
    const expired = this.list().filter((m) => m.state === 'Ongoing' && m.startTimestamp >= 0 && now - m.startTimestamp > m.timeoutMs);
    await Promise.all(
      expired.map((m) =>
        this.locked(m.transactionalId, async () => {
          const current = this.transactions.get(m.transactionalId);
          if (current?.state !== 'Ongoing' || now - current.startTimestamp <= current.timeoutMs) return;
          this.logger.info({ transactionalId: current.transactionalId, producerId: current.producerId }, 'aborting a transaction past its timeout');
          await this.fenceAndAbort(current);
        }).catch((error: unknown) => this.logger.warn({ err: error, transactionalId: m.transactionalId }, 'aborting a timed-out transaction failed')),
      ),
    );
  }

  private addToTransaction(transactionalId: string, producer: ProducerIdAndEpoch, added: (metadata: TxnMetadata) => Partial<TxnMetadata>): Promise<number> {
    return this.locked(transactionalId, async () => {
      const problem = this.producerProblem(transactionalId, producer);
      if (problem !== null) return problem;
      const metadata = this.transactions.get(transactionalId) as TxnMetadata;
      if (isPreparing(metadata.state)) return ErrorCode.CONCURRENT_TRANSACTIONS;
      const now = Date.now();
      const startTimestamp = metadata.state === 'Ongoing' ? metadata.startTimestamp : now;
      await this.save({ ...metadata, ...added(metadata), state: 'Ongoing', startTimestamp, lastUpdateTimestamp: now });
      return ErrorCode.NONE;
    });
  }

  /** Why a request of this producer may not act on the transactional id; null when it may. */
  private producerProblem(transactionalId: string, producer: ProducerIdAndEpoch): number | null {
    const metadata = this.transactions.get(transactionalId);
    if (metadata === undefined || metadata.producerId !== producer.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (metadata.producerEpoch !== producer.epoch) return ErrorCode.PRODUCER_FENCED;
    return null;
  }

  /** A newer epoch, so the producer's late writes are refused, then the transaction aborted with it. */
  private async fenceAndAbort(metadata: TxnMetadata): Promise<void> {
    const epoch = metadata.producerEpoch < MAX_PRODUCER_EPOCH ? metadata.producerEpoch + 1 : metadata.producerEpoch;
    await this.save({ ...metadata, producerEpoch: epoch, lastProducerEpoch: metadata.producerEpoch, state: 'PrepareAbort', lastUpdateTimestamp: Date.now() });
    await this.complete(this.transactions.get(metadata.transactionalId) as TxnMetadata);
  }

  /** Writes the markers and ends the staged offsets of a transaction in PrepareCommit/PrepareAbort, then completes it. */
  private async complete(metadata: TxnMetadata): Promise<void> {
    const type: MarkerType = metadata.state === 'PrepareCommit' ? 'commit' : 'abort';
    await finishTransaction(metadata, type, this.ends, this.logger);
    await this.save({ ...metadata, state: type === 'commit' ? 'CompleteCommit' : 'CompleteAbort', partitions: [], groups: [], startTimestamp: -1, lastUpdateTimestamp: Date.now() });
  }

  private save(metadata: TxnMetadata): Promise<void> {
    return this.log.append([[metadata.transactionalId, metadata]]);
  }

  private locked<T>(transactionalId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(transactionalId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.locks.set(transactionalId, tail);
    void tail.then(() => this.locks.get(transactionalId) === tail && this.locks.delete(transactionalId));
    return next;
  }

  private apply(transactionalId: string, value: unknown): boolean {
    const replaced = this.transactions.has(transactionalId);
    if (value === null) this.transactions.delete(transactionalId);
    else this.transactions.set(transactionalId, value as TxnMetadata);
    return replaced;
  }

  private live(): Array<readonly [string, unknown]> {
    return [...this.transactions].map(([id, metadata]) => [id, metadata] as const);
  }
}

/** KIP-360: a producer that names itself must be the id's current producer (or its previous one, its epoch exhausted). */
function isValidProducer(metadata: TxnMetadata, expected: ProducerIdAndEpoch): boolean {
  return metadata.producerEpoch < 0 || expected.producerId === metadata.producerId || (expected.producerId === metadata.previousProducerId && expected.epoch >= MAX_PRODUCER_EPOCH);
}

/**
 * The next epoch of an InitProducerId (Kafka's prepareIncrementProducerEpoch), in place: a
 * producer that gives its current epoch, or none, gets it bumped; one retrying with the epoch
 * before gets the current one again; any other is fenced. Past the largest epoch the id
 * rotates to a new producer id at epoch 0. Returns an error code, or null.
 */
function bumpEpoch(metadata: TxnMetadata, expected: ProducerIdAndEpoch | null, newProducerId: () => number): number | null {
  if (expected !== null && metadata.producerEpoch >= 0 && expected.epoch !== metadata.producerEpoch) {
    return expected.epoch === metadata.lastProducerEpoch ? null : ErrorCode.PRODUCER_FENCED;
  }
  if (metadata.producerEpoch >= MAX_PRODUCER_EPOCH) {
    metadata.previousProducerId = metadata.producerId;
    metadata.producerId = newProducerId();
    metadata.lastProducerEpoch = -1;
    metadata.producerEpoch = 0;
    return null;
  }
  metadata.lastProducerEpoch = metadata.producerEpoch;
  metadata.producerEpoch += 1;
  return null;
}

function union(existing: readonly string[], added: readonly string[]): string[] {
  return [...new Set([...existing, ...added])];
}
