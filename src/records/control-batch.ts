// Control batches: the COMMIT and ABORT markers a transaction coordinator writes into every
// partition of a transaction (Kafka's EndTransactionMarker). Attributes: transactional and
// control; one record whose key is int16 version (0) + int16 type (0 = ABORT, 1 = COMMIT) and
// whose value is int16 version (0) + int32 coordinator epoch.
import { hotpath as activeHotPath } from '../hotpath/index.js';
import type { HotPath } from '../hotpath/types.js';
import { decodeRecordBatches } from './decode.js';
import { Attributes } from './layout.js';

export type MarkerType = 'abort' | 'commit';

export interface TransactionMarker {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly type: MarkerType;
  readonly coordinatorEpoch: number;
  readonly timestamp: number;
}

const ABORT = 0;
const COMMIT = 1;

/** One control batch holding the marker (offsets left for the log to assign). */
export function encodeControlBatch(marker: TransactionMarker, hotpath: HotPath = activeHotPath): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(marker.type === 'commit' ? COMMIT : ABORT, 2);
  const value = Buffer.alloc(6);
  value.writeInt32BE(marker.coordinatorEpoch, 2);
  return hotpath.encodeBatch([{ key, value, headers: [], timestamp: marker.timestamp }], {
    baseOffset: 0,
    partitionLeaderEpoch: -1,
    attributes: Attributes.TRANSACTIONAL | Attributes.CONTROL,
    baseTimestamp: marker.timestamp,
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    baseSequence: -1,
  });
}

/** The marker in a control batch (the first batch of `bytes`); null when it holds none Kafka would read. */
export function readControlBatch(bytes: Buffer): { type: MarkerType; coordinatorEpoch: number } | null {
  const [batch] = decodeRecordBatches(bytes, { verifyCrc: false });
  const record = batch?.records[0];
  if (batch === undefined || !batch.isControl || record?.key === null || record === undefined || record.key.length < 4) return null;
  const type = record.key.readInt16BE(2);
  if (type !== ABORT && type !== COMMIT) return null;
  const coordinatorEpoch = record.value !== null && record.value.length >= 6 ? record.value.readInt32BE(2) : -1;
  return { type: type === COMMIT ? 'commit' : 'abort', coordinatorEpoch };
}
