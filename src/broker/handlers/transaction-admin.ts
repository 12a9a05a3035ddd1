// What admin tools (kafka-transactions.sh, Admin.describeProducers/listTransactions/
// describeTransactions) ask of transactions: the producers a partition knows, the transactional
// ids with their states, and one id's open transaction.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultDescribeProducersResponse, type PartitionResponse } from '../../protocol/generated/describe-producers.js';
import { defaultDescribeTransactionsResponse } from '../../protocol/generated/describe-transactions.js';
import { defaultListTransactionsResponse } from '../../protocol/generated/list-transactions.js';
import { partitionsByTopic, type TxnState } from '../../group/txn-metadata.js';
import type { PartitionLog } from '../../storage/index.js';
import type { Handler } from '../request-context.js';

const TXN_STATES: readonly TxnState[] = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'PrepareEpochFence', 'Dead'];

export const describeProducersHandler: Handler<typeof ApiKey.DescribeProducers> = (request, context) => ({
  ...defaultDescribeProducersResponse(),
  topics: request.topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitionIndexes.map((partitionIndex) => describePartition(partitionIndex, context.broker.registry.get(topic.name)?.logs[partitionIndex])),
  })),
});

function describePartition(partitionIndex: number, log: PartitionLog | undefined): PartitionResponse {
  if (log === undefined) return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] };
  const activeProducers = [...log.producerStates.all()].map((entry) => ({
    producerId: entry.producerId,
    producerEpoch: entry.epoch,
    lastSequence: entry.batches.at(-1)?.lastSequence ?? -1,
    lastTimestamp: entry.lastTimestamp,
    coordinatorEpoch: entry.coordinatorEpoch,
    currentTxnStartOffset: entry.currentTxnFirstOffset,
  }));
  return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers };
}

/** Filters by state (unknown names are echoed back), producer id, and (v1) minimum running time. */
export const listTransactionsHandler: Handler<typeof ApiKey.ListTransactions> = (request, context) => {
  const states = new Set(request.stateFilters);
  const producerIds = new Set(request.producerIdFilters);
  const now = Date.now();
  const minDuration = context.apiVersion >= 1 ? request.durationFilter : -1;
  const transactionStates = context.broker.transactions
    .list()
    .filter((m) => (states.size === 0 || states.has(m.state)) && (producerIds.size === 0 || producerIds.has(m.producerId)))
    .filter((m) => minDuration < 0 || (m.startTimestamp >= 0 && now - m.startTimestamp >= minDuration))
    .map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.state }));
  const unknownStateFilters = request.stateFilters.filter((state) => !TXN_STATES.includes(state as TxnState));
  return { ...defaultListTransactionsResponse(), errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
};

export const describeTransactionsHandler: Handler<typeof ApiKey.DescribeTransactions> = (request, context) => ({
  ...defaultDescribeTransactionsResponse(),
  transactionStates: request.transactionalIds.map((transactionalId) => {
    const metadata = context.broker.transactions.get(transactionalId);
    if (metadata === undefined) {
      return { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
    }
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: metadata.state,
      transactionTimeoutMs: metadata.timeoutMs,
      transactionStartTimeMs: metadata.startTimestamp,
      producerId: metadata.producerId,
      producerEpoch: metadata.producerEpoch,
      topics: [...partitionsByTopic(metadata)].map(([topic, partitions]) => ({ topic, partitions })),
    };
  }),
});
