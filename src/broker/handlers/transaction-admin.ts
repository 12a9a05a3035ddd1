// What admin tools (kafka-transactions.sh, Admin.describeProducers/listTransactions/
// describeTransactions) ask of transactions: the producers a partition knows, the transactional
// ids with their states, and one id's open transaction.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultDescribeProducersResponse, type PartitionResponse } from '../../protocol/generated/describe-producers.js';
import { defaultDescribeTransactionsResponse } from '../../protocol/generated/describe-transactions.js';
import { defaultListTransactionsResponse } from '../../protocol/generated/list-transactions.js';
import { partitionsByTopic, type TxnState } from '../../group/txn-metadata.js';
import type { PartitionLog } from '../../storage/index.js';
import { AclOperation } from '../authorization.js';
import { authorize, type Handler } from '../request-context.js';

const TXN_STATES: readonly TxnState[] = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'PrepareEpochFence', 'Dead'];

/** Needs READ on each topic, as Kafka asks. */
export const describeProducersHandler: Handler<typeof ApiKey.DescribeProducers> = (request, context) => ({
  ...defaultDescribeProducersResponse(),
  topics: request.topics.map((topic) => {
    const readable = authorize(context, 'topic', topic.name, AclOperation.READ);
    return {
      name: topic.name,
      partitions: topic.partitionIndexes.map((partitionIndex) =>
        readable
          ? describePartition(partitionIndex, context.broker.registry.get(topic.name)?.logs[partitionIndex])
          : { partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null, activeProducers: [] },
      ),
    };
  }),
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

/** Filters by state (unknown names are echoed back), producer id, (v1) minimum running time, and the ids the client may describe. */
export const listTransactionsHandler: Handler<typeof ApiKey.ListTransactions> = (request, context) => {
  const states = new Set(request.stateFilters);
  const producerIds = new Set(request.producerIdFilters);
  const now = Date.now();
  const minDuration = context.apiVersion >= 1 ? request.durationFilter : -1;
  const transactionStates = context.broker.transactions
    .list()
    .filter((m) => (states.size === 0 || states.has(m.state)) && (producerIds.size === 0 || producerIds.has(m.producerId)))
    .filter((m) => minDuration < 0 || (m.startTimestamp >= 0 && now - m.startTimestamp >= minDuration))
    .filter((m) => authorize(context, 'transactionalId', m.transactionalId, AclOperation.DESCRIBE))
    .map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.state }));
  const unknownStateFilters = request.stateFilters.filter((state) => !TXN_STATES.includes(state as TxnState));
  return { ...defaultListTransactionsResponse(), errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
};

/** Needs DESCRIBE on each id; the partitions of topics the client may not describe are left out, as Kafka does. */
export const describeTransactionsHandler: Handler<typeof ApiKey.DescribeTransactions> = (request, context) => ({
  ...defaultDescribeTransactionsResponse(),
  transactionStates: request.transactionalIds.map((transactionalId) => {
    const metadata = context.broker.transactions.get(transactionalId);
    const unknown = { transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
    if (!authorize(context, 'transactionalId', transactionalId, AclOperation.DESCRIBE)) return { ...unknown, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    if (metadata === undefined) return { ...unknown, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: metadata.state,
      transactionTimeoutMs: metadata.timeoutMs,
      transactionStartTimeMs: metadata.startTimestamp,
      producerId: metadata.producerId,
      producerEpoch: metadata.producerEpoch,
      topics: [...partitionsByTopic(metadata)].filter(([topic]) => authorize(context, 'topic', topic, AclOperation.DESCRIBE)).map(([topic, partitions]) => ({ topic, partitions })),
    };
  }),
});
