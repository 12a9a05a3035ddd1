// Ending a transaction everywhere it wrote: the COMMIT or ABORT marker into each of its
// partitions (in parallel; a partition whose topic was deleted meanwhile is skipped), and its
// staged offsets in each group committed or dropped. Every step is safe to repeat, so a
// transaction found half-way through at start-up is finished by running this again.
import type { Logger } from 'pino';
import type { MarkerType, TransactionMarker } from '../records/index.js';
import { partitionsByTopic, type TxnMetadata } from './txn-metadata.js';

/** What a transaction's end reaches: the partition logs and the group coordinator. */
export interface TransactionEnds {
  /** Appends the marker durably; false when the partition no longer exists. */
  writeMarker(topic: string, partition: number, marker: TransactionMarker): Promise<boolean>;
  /** Makes the producer's staged offsets in the group committed (commit) or drops them (abort). */
  endGroupOffsets(groupId: string, producerId: number, commit: boolean): Promise<void>;
}

/** The one coordinator epoch of a one-node cluster (Kafka bumps it when a coordinator moves). */
const COORDINATOR_EPOCH = 0;

export async function finishTransaction(metadata: TxnMetadata, type: MarkerType, ends: TransactionEnds, logger: Logger): Promise<void> {
  const marker: TransactionMarker = { producerId: metadata.producerId, producerEpoch: metadata.producerEpoch, type, coordinatorEpoch: COORDINATOR_EPOCH, timestamp: Date.now() };
  const writes: Array<Promise<boolean>> = [];
  for (const [topic, partitions] of partitionsByTopic(metadata)) {
    for (const partition of partitions) writes.push(ends.writeMarker(topic, partition, marker));
  }
  const written = await Promise.all(writes);
  const skipped = written.filter((ok) => !ok).length;
  if (skipped > 0) logger.info({ transactionalId: metadata.transactionalId, skipped }, 'no marker for partitions of deleted topics');
  for (const group of metadata.groups) await ends.endGroupOffsets(group, metadata.producerId, type === 'commit');
}
