// Transaction administration (what kafka-transactions.sh shows): the producers a partition knows,
// the transactional ids of the cluster with their states, and one id's open transaction.
import { ApiKey } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import { throwIfError } from './errors.js';
import { CoordinatorKeyType, CoordinatorLink } from './group-coordinator.js';

export interface ActiveProducer {
  readonly partition: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly lastSequence: number;
  readonly lastTimestamp: number;
  readonly coordinatorEpoch: number;
  /** First offset of the producer's open transaction; -1 when none is open. */
  readonly currentTransactionStartOffset: number;
}

export interface TransactionListing {
  readonly transactionalId: string;
  readonly producerId: number;
  /** Kafka's state name: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, ... */
  readonly state: string;
}

export interface TransactionDescription extends TransactionListing {
  readonly producerEpoch: number;
  readonly timeoutMs: number;
  /** When the open transaction began; -1 when none is open. */
  readonly startTimestamp: number;
  readonly partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number }>;
}

/** The producers each partition of `topic` knows (every partition when none are given). */
export async function describeProducers(cluster: Cluster, topic: string, partitions?: readonly number[]): Promise<ActiveProducer[]> {
  const metadata = await cluster.topic(topic);
  const wanted = partitions ?? metadata.partitions.map((_, partition) => partition);
  const answers = await Promise.all(
    wanted.map(async (partition) => {
      const { connection } = await cluster.leaderFor(topic, partition);
      const { body } = await connection.request(ApiKey.DescribeProducers, () => ({ topics: [{ name: topic, partitionIndexes: [partition] }] }));
      const answer = body.topics[0]?.partitions[0];
      throwIfError(answer?.errorCode ?? 0, { topic, partition, detail: answer?.errorMessage ?? null, broker: connection.address });
      return (answer?.activeProducers ?? []).map((p) => ({
        partition,
        producerId: p.producerId,
        producerEpoch: p.producerEpoch,
        lastSequence: p.lastSequence,
        lastTimestamp: p.lastTimestamp,
        coordinatorEpoch: p.coordinatorEpoch,
        currentTransactionStartOffset: p.currentTxnStartOffset,
      }));
    }),
  );
  return answers.flat();
}

/** Every transactional id the cluster's coordinators know. */
export async function listTransactions(cluster: Cluster): Promise<TransactionListing[]> {
  await cluster.refreshMetadata([]);
  const answers = await Promise.all(
    cluster.metadata.brokers().map(async ({ nodeId }) => {
      const connection = cluster.connectionTo(nodeId);
      const { body } = await connection.request(ApiKey.ListTransactions, () => ({ stateFilters: [], producerIdFilters: [], durationFilter: -1 }));
      throwIfError(body.errorCode, { broker: connection.address });
      return body.transactionStates.map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, state: t.transactionState }));
    }),
  );
  return answers.flat().sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
}

/** Each transactional id's producer, state and open transaction, from its coordinator. */
export async function describeTransactions(cluster: Cluster, transactionalIds: readonly string[]): Promise<TransactionDescription[]> {
  return Promise.all(
    transactionalIds.map(async (transactionalId) => {
      const link = new CoordinatorLink(cluster, transactionalId, CoordinatorKeyType.TRANSACTION);
      const { body } = await link.retrying(() => link.send(ApiKey.DescribeTransactions, () => ({ transactionalIds: [transactionalId] }), (r) => r.body.transactionStates[0]?.errorCode ?? 0));
      const state = body.transactionStates[0];
      throwIfError(state.errorCode, { detail: `transactional id ${transactionalId}` });
      return {
        transactionalId,
        producerId: state.producerId,
        producerEpoch: state.producerEpoch,
        state: state.transactionState,
        timeoutMs: state.transactionTimeoutMs,
        startTimestamp: state.transactionStartTimeMs,
        partitions: state.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))),
      };
    }),
  );
}
