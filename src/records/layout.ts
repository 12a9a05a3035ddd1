// Byte layout of a Kafka v2 record batch header (see ../shared/kafka-protocol/NOTES.md §4.1).
// Readers here take a buffer and the batch's start position and return numbers; offsets and
// timestamps are int64 on the wire but fit safe integers in practice.

export const BatchField = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORDS_COUNT: 57,
  RECORDS: 61,
} as const;

/** baseOffset + batchLength: the bytes before what batchLength counts. */
export const LOG_OVERHEAD = 12;
export { BATCH_HEADER_BYTES } from '../hotpath/types.js';
/** Where the CRC starts covering (attributes). */
export const CRC_START = BatchField.ATTRIBUTES;
export const MAGIC_V2 = 2;

export const Attributes = {
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_LOG_APPEND: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
  DELETE_HORIZON: 0x40,
} as const;

export const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;
export type CompressionCode = (typeof Compression)[keyof typeof Compression];

const TWO_32 = 2 ** 32;

/** Reads a big-endian int64 as a number (exact for safe integers; no BigInt on the hot path). */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

/** Writes a safe integer as a big-endian int64. */
export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  buf.writeInt32BE(high, pos);
  buf.writeUInt32BE(value - high * TWO_32, pos + 4);
}

/** Total bytes of the batch starting at pos (log overhead included). */
export function batchSizeAt(buf: Buffer, pos: number): number {
  return LOG_OVERHEAD + buf.readInt32BE(pos + BatchField.BATCH_LENGTH);
}

export function baseOffsetAt(buf: Buffer, pos: number): number {
  return readInt64(buf, pos + BatchField.BASE_OFFSET);
}

export function lastOffsetAt(buf: Buffer, pos: number): number {
  return baseOffsetAt(buf, pos) + buf.readInt32BE(pos + BatchField.LAST_OFFSET_DELTA);
}

export function maxTimestampAt(buf: Buffer, pos: number): number {
  return readInt64(buf, pos + BatchField.MAX_TIMESTAMP);
}

export function attributesAt(buf: Buffer, pos: number): number {
  return buf.readInt16BE(pos + BatchField.ATTRIBUTES);
}

export function producerIdAt(buf: Buffer, pos: number): number {
  return readInt64(buf, pos + BatchField.PRODUCER_ID);
}

export function producerEpochAt(buf: Buffer, pos: number): number {
  return buf.readInt16BE(pos + BatchField.PRODUCER_EPOCH);
}

export function baseSequenceAt(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + BatchField.BASE_SEQUENCE);
}

export function recordsCountAt(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + BatchField.RECORDS_COUNT);
}
