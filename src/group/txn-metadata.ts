// A transactional id's state, as Kafka's TransactionMetadata keeps it: the producer id and epoch
// it owns, its timeout, the state of its current transaction and what that transaction touched
// (partitions, and groups whose offsets it commits). Stored as JSON in the transaction log.

export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'PrepareEpochFence' | 'Dead';

export interface TxnMetadata {
  readonly transactionalId: string;
  producerId: number;
  /** The id before the last rotation (epoch exhausted), so a retry with it is still recognised. */
  previousProducerId: number;
  producerEpoch: number;
  /** The epoch before the last bump, so a retried InitProducerId gets the same answer. */
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  /** "topic\u0000partition" of every partition in the transaction. */
  partitions: string[];
  /** Groups whose offsets the transaction commits (AddOffsetsToTxn). */
  groups: string[];
  /** When the transaction began (its first partition or group was added); -1 when none is open. */
  startTimestamp: number;
  lastUpdateTimestamp: number;
}

/** Kafka's limit: a producer epoch is an int16, and the last value is kept for fencing. */
export const MAX_PRODUCER_EPOCH = 0x7fff - 1;

/** transaction.max.timeout.ms: InitProducerId asking for more gets INVALID_TRANSACTION_TIMEOUT. */
export const MAX_TRANSACTION_TIMEOUT_MS = 900_000;

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function parsePartitionKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

export function newTxnMetadata(transactionalId: string, producerId: number, timeoutMs: number, now: number): TxnMetadata {
  return {
    transactionalId,
    producerId,
    previousProducerId: -1,
    producerEpoch: -1,
    lastProducerEpoch: -1,
    timeoutMs,
    state: 'Empty',
    partitions: [],
    groups: [],
    startTimestamp: -1,
    lastUpdateTimestamp: now,
  };
}

/** Whether the transaction is between its EndTxn (or a fence) and its markers being written. */
export function isPreparing(state: TxnState): boolean {
  return state === 'PrepareCommit' || state === 'PrepareAbort' || state === 'PrepareEpochFence';
}

/** Whether a transaction is open: partitions added and no EndTxn yet. */
export function isOpen(state: TxnState): boolean {
  return state === 'Ongoing';
}

/** The partitions of the transaction as topics with their partition numbers (DescribeTransactions, marker writing). */
export function partitionsByTopic(metadata: TxnMetadata): Map<string, number[]> {
  const topics = new Map<string, number[]>();
  for (const key of metadata.partitions) {
    const { topic, partition } = parsePartitionKey(key);
    topics.set(topic, [...(topics.get(topic) ?? []), partition]);
  }
  return topics;
}
