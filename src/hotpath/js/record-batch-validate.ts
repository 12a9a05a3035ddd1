// Walks v2 record batches back to back, checking framing, magic, record count and CRC32C,
// and stamps offsets / leader epoch into the batches that pass. Mirrors native/ exactly:
// the checks run in the same order, so both report the same status for the same bytes.
import { BATCH_HEADER_BYTES, BatchStatus, MIN_BATCH_LENGTH, ValidateSlot } from '../types.js';
import { readInt32, readUint32, writeInt16, writeInt32 } from './bytes.js';
import { crc32c } from './crc32c.js';
import { addInt64, readInt64Exact, writeInt64Exact, type Int64 } from './int64.js';

const LOG_OVERHEAD = 12;
const BATCH_LENGTH = 8;
const PARTITION_LEADER_EPOCH = 12;
const MAGIC = 16;
const CRC = 17;
const CRC_START = 21;
const ATTRIBUTES = 21;
const TIMESTAMP_TYPE_BIT = 0x08;
const LAST_OFFSET_DELTA = 23;
const MAX_TIMESTAMP = 35;
const RECORDS_COUNT = 57;
const MAGIC_V2 = 2;

/** Checks the batch at pos; returns OK or the first failing status. */
function checkBatch(buf: Uint8Array, pos: number): number {
  const remaining = buf.length - pos;
  if (remaining < LOG_OVERHEAD || remaining < BATCH_HEADER_BYTES) return BatchStatus.TRUNCATED;
  const batchLength = readInt32(buf, pos + BATCH_LENGTH);
  if (batchLength < MIN_BATCH_LENGTH) return BatchStatus.BAD_LENGTH;
  if (LOG_OVERHEAD + batchLength > remaining) return BatchStatus.TRUNCATED;
  if (buf[pos + MAGIC] !== MAGIC_V2) return BatchStatus.BAD_MAGIC;
  const recordsCount = readInt32(buf, pos + RECORDS_COUNT);
  if (recordsCount <= 0 || recordsCount !== readInt32(buf, pos + LAST_OFFSET_DELTA) + 1) return BatchStatus.BAD_RECORD_COUNT;
  const end = pos + LOG_OVERHEAD + batchLength;
  if (crc32c(buf.subarray(pos + CRC_START, end), 0) !== readUint32(buf, pos + CRC)) return BatchStatus.BAD_CRC;
  return BatchStatus.OK;
}

/** What the batches that passed add up to; offsets and timestamps kept exact (see int64.ts). */
interface Passed {
  validBytes: number;
  batchCount: number;
  recordCount: number;
  nextOffset: Int64;
  maxTimestamp: Int64;
  offsetOfMaxTimestamp: Int64;
  lastBatchPosition: number;
  /** Offset to stamp into the next passing batch; negative when not assigning. */
  nextAssigned: Int64;
}

/**
 * LogAppendTime as Kafka applies it (DefaultRecordBatch.setMaxTimestamp): the batch's
 * timestamp-type bit and maxTimestamp change, the records' deltas do not, and the CRC (which
 * covers both) is computed again; a batch that already says so is left alone.
 */
function stampLogAppendTime(buf: Uint8Array, pos: number, logAppendTime: Int64): void {
  const attributes = (buf[pos + ATTRIBUTES] << 8) | buf[pos + ATTRIBUTES + 1];
  if ((attributes & TIMESTAMP_TYPE_BIT) !== 0 && readInt64Exact(buf, pos + MAX_TIMESTAMP) === logAppendTime) return;
  writeInt16(buf, pos + ATTRIBUTES, attributes | TIMESTAMP_TYPE_BIT);
  writeInt64Exact(buf, pos + MAX_TIMESTAMP, logAppendTime);
  const end = pos + LOG_OVERHEAD + readInt32(buf, pos + BATCH_LENGTH);
  writeInt32(buf, pos + CRC, crc32c(buf.subarray(pos + CRC_START, end), 0));
}

/** Stamps the passed batch at pos (offsets and epoch sit outside the CRC) and adds it up. */
function acceptBatch(buf: Uint8Array, pos: number, leaderEpoch: number, logAppendTime: Int64, passed: Passed): void {
  const lastOffsetDelta = readInt32(buf, pos + LAST_OFFSET_DELTA);
  if (passed.nextAssigned >= 0) {
    writeInt64Exact(buf, pos, passed.nextAssigned);
    passed.nextAssigned = addInt64(passed.nextAssigned, lastOffsetDelta + 1);
  }
  if (leaderEpoch >= 0) writeInt32(buf, pos + PARTITION_LEADER_EPOCH, leaderEpoch);
  if (logAppendTime >= 0) stampLogAppendTime(buf, pos, logAppendTime);
  const lastOffset = addInt64(readInt64Exact(buf, pos), lastOffsetDelta);
  const maxTimestamp = readInt64Exact(buf, pos + MAX_TIMESTAMP);
  // Strictly greater: the first batch holding the largest timestamp names the offset.
  if (passed.batchCount === 0 || maxTimestamp > passed.maxTimestamp) {
    passed.maxTimestamp = maxTimestamp;
    passed.offsetOfMaxTimestamp = lastOffset;
  }
  passed.batchCount += 1;
  passed.recordCount += readInt32(buf, pos + RECORDS_COUNT);
  passed.nextOffset = addInt64(lastOffset, 1);
  passed.lastBatchPosition = pos;
  passed.validBytes = pos + LOG_OVERHEAD + readInt32(buf, pos + BATCH_LENGTH);
}

function writeSlots(passed: Passed, out: Float64Array): void {
  out[ValidateSlot.VALID_BYTES] = passed.validBytes;
  out[ValidateSlot.BATCH_COUNT] = passed.batchCount;
  out[ValidateSlot.RECORD_COUNT] = passed.recordCount;
  out[ValidateSlot.NEXT_OFFSET] = Number(passed.nextOffset);
  out[ValidateSlot.MAX_TIMESTAMP] = Number(passed.maxTimestamp);
  out[ValidateSlot.OFFSET_OF_MAX_TIMESTAMP] = Number(passed.offsetOfMaxTimestamp);
  out[ValidateSlot.LAST_BATCH_POSITION] = passed.lastBatchPosition;
}

/** See HotPath.validateBatches. */
export function validateBatches(buf: Uint8Array, assignFrom: number, leaderEpoch: number, logAppendTime: number, out: Float64Array): number {
  const passed: Passed = {
    validBytes: 0,
    batchCount: 0,
    recordCount: 0,
    nextOffset: -1,
    maxTimestamp: -1,
    offsetOfMaxTimestamp: -1,
    lastBatchPosition: -1,
    nextAssigned: assignFrom >= 0 ? assignFrom : -1,
  };
  let status: number = BatchStatus.OK;
  while (passed.validBytes < buf.length) {
    status = checkBatch(buf, passed.validBytes);
    if (status !== BatchStatus.OK) break;
    acceptBatch(buf, passed.validBytes, leaderEpoch, logAppendTime >= 0 ? logAppendTime : -1, passed);
  }
  writeSlots(passed, out);
  return status;
}
