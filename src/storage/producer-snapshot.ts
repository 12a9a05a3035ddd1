// Producer-state snapshots in Kafka's layout (ProducerSnapshot.json, version 1), one file per
// snapshot named by the offset it covers up to: `<20 digits>.snapshot`. Big-endian:
//   int16 version (1) | uint32 CRC32C of what follows | int32 entry count | entries of
//   int64 producerId, int16 epoch, int32 lastSequence, int64 lastOffset, int32 offsetDelta,
//   int64 timestamp, int32 coordinatorEpoch, int64 currentTxnFirstOffset.
// As in Kafka, an entry keeps only its producer's last batch; the batches written after the
// snapshot are read back from the log when it is loaded.
import type { HotPath } from '../hotpath/types.js';
import type { ProducerEntry } from './producer-state.js';

export const SNAPSHOT_SUFFIX = '.snapshot';
const VERSION = 1;
const CRC_AT = 2;
const ENTRIES_AT = 6;
const ENTRY_BYTES = 46;

/** The snapshot file's bytes for these producers. */
export function encodeProducerSnapshot(entries: Iterable<ProducerEntry>, hotpath: HotPath): Buffer {
  const list = [...entries].filter((entry) => entry.batches.length > 0);
  const buf = Buffer.alloc(ENTRIES_AT + 4 + list.length * ENTRY_BYTES);
  buf.writeInt16BE(VERSION, 0);
  buf.writeInt32BE(list.length, ENTRIES_AT);
  let at = ENTRIES_AT + 4;
  for (const entry of list) {
    const last = entry.batches[entry.batches.length - 1];
    buf.writeBigInt64BE(BigInt(entry.producerId), at);
    buf.writeInt16BE(entry.epoch, at + 8);
    buf.writeInt32BE(last.lastSequence, at + 10);
    buf.writeBigInt64BE(BigInt(last.lastOffset), at + 14);
    buf.writeInt32BE(last.lastOffset - last.firstOffset, at + 22);
    buf.writeBigInt64BE(BigInt(entry.lastTimestamp), at + 26);
    buf.writeInt32BE(entry.coordinatorEpoch, at + 34);
    buf.writeBigInt64BE(BigInt(entry.currentTxnFirstOffset), at + 38);
    at += ENTRY_BYTES;
  }
  buf.writeUInt32BE(hotpath.crc32c(buf.subarray(ENTRIES_AT), 0), CRC_AT);
  return buf;
}

/** The producers a snapshot holds, or null when the file is not a whole, intact version-1 snapshot. */
export function decodeProducerSnapshot(buf: Buffer, hotpath: HotPath): ProducerEntry[] | null {
  if (buf.length < ENTRIES_AT + 4 || buf.readInt16BE(0) !== VERSION) return null;
  if (hotpath.crc32c(buf.subarray(ENTRIES_AT), 0) !== buf.readUInt32BE(CRC_AT)) return null;
  const count = buf.readInt32BE(ENTRIES_AT);
  if (count < 0 || buf.length !== ENTRIES_AT + 4 + count * ENTRY_BYTES) return null;
  const entries: ProducerEntry[] = [];
  for (let at = ENTRIES_AT + 4; at < buf.length; at += ENTRY_BYTES) {
    const lastSequence = buf.readInt32BE(at + 10);
    const lastOffset = Number(buf.readBigInt64BE(at + 14));
    const offsetDelta = buf.readInt32BE(at + 22);
    const timestamp = Number(buf.readBigInt64BE(at + 26));
    entries.push({
      producerId: Number(buf.readBigInt64BE(at)),
      epoch: buf.readInt16BE(at + 8),
      batches: [{ firstSequence: firstSequenceOf(lastSequence, offsetDelta), lastSequence, firstOffset: lastOffset - offsetDelta, lastOffset, maxTimestamp: timestamp }],
      lastTimestamp: timestamp,
      coordinatorEpoch: buf.readInt32BE(at + 34),
      currentTxnFirstOffset: Number(buf.readBigInt64BE(at + 38)),
    });
  }
  return entries;
}

/** The first sequence of a batch that ended at `lastSequence` after `offsetDelta` more (sequences wrap at INT32_MAX). */
function firstSequenceOf(lastSequence: number, offsetDelta: number): number {
  const first = lastSequence - offsetDelta;
  return first >= 0 ? first : first + 0x7fffffff + 1;
}

