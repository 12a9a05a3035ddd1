// Encoder of one uncompressed v2 record batch. Sizes everything first so the batch is one
// allocation filled front to back: records, then the header, then the CRC that covers both.
import { checkRecord } from '../record-checks.js';
import { BATCH_HEADER_BYTES, type RawBatchHeader, type RawHeader, type RawRecord } from '../types.js';
import { writeInt16, writeInt32, writeInt64 } from './bytes.js';
import { crc32c } from './crc32c.js';
import { varintSize, varlongSize, varlongSizeBig, writeVarint, writeVarlong, writeVarlongBig } from './varint.js';

const MAGIC_V2 = 2;
const CRC_POSITION = 17;
const CRC_START = 21;
const NULL_LENGTH = -1;
const LOG_OVERHEAD = 12;
const MAX_BATCH_LENGTH = 0x7fffffff;

/** Sizes found by the measuring pass, reused by the writing pass. */
interface RecordsLayout {
  recordsBytes: number;
  /** Per record: bytes after its length varint. */
  bodySizes: number[];
  /** Per header of every record, in order: UTF-8 bytes of its key. */
  headerKeyBytes: number[];
  /** Next entry of headerKeyBytes for the writing pass. */
  headerKeyCursor: number;
}

/** timestamp - baseTimestamp, exact: a bigint when the difference leaves the safe range. */
function timestampDelta(timestamp: number, baseTimestamp: number): number | bigint {
  const delta = timestamp - baseTimestamp;
  return Number.isSafeInteger(delta) ? delta : BigInt(timestamp) - BigInt(baseTimestamp);
}

function timestampDeltaSize(delta: number | bigint): number {
  return typeof delta === 'number' ? varlongSize(delta) : varlongSizeBig(delta);
}

function bytesFieldSize(bytes: Uint8Array | null): number {
  return bytes === null ? varintSize(NULL_LENGTH) : varintSize(bytes.length) + bytes.length;
}

function headersSize(headers: readonly RawHeader[], headerKeyBytes: number[]): number {
  let size = varintSize(headers.length);
  for (const header of headers) {
    const keyBytes = Buffer.byteLength(header.key, 'utf8');
    headerKeyBytes.push(keyBytes);
    size += varintSize(keyBytes) + keyBytes + bytesFieldSize(header.value);
  }
  return size;
}

function measureRecords(records: readonly RawRecord[], baseTimestamp: number): RecordsLayout {
  const layout: RecordsLayout = { recordsBytes: 0, bodySizes: new Array<number>(records.length), headerKeyBytes: [], headerKeyCursor: 0 };
  for (let i = 0; i < records.length; i++) {
    checkRecord(records[i], i); // this kernel checks the records (see record-checks.ts)
    const record = records[i];
    const body =
      1 + // attributes
      timestampDeltaSize(timestampDelta(record.timestamp, baseTimestamp)) +
      varintSize(i) +
      bytesFieldSize(record.key) +
      bytesFieldSize(record.value) +
      headersSize(record.headers, layout.headerKeyBytes);
    layout.bodySizes[i] = body;
    layout.recordsBytes += varintSize(body) + body;
  }
  return layout;
}

function writeBytesField(buf: Buffer, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) return writeVarint(buf, pos, NULL_LENGTH);
  pos = writeVarint(buf, pos, bytes.length);
  buf.set(bytes, pos);
  return pos + bytes.length;
}

function writeTimestampDelta(buf: Buffer, pos: number, delta: number | bigint): number {
  return typeof delta === 'number' ? writeVarlong(buf, pos, delta) : writeVarlongBig(buf, pos, delta);
}

/** Writes records[index] at pos; returns the position after it. */
function writeRecord(buf: Buffer, pos: number, records: readonly RawRecord[], index: number, baseTimestamp: number, layout: RecordsLayout): number {
  const record = records[index];
  pos = writeVarint(buf, pos, layout.bodySizes[index]);
  buf[pos++] = 0; // record attributes: unused
  pos = writeTimestampDelta(buf, pos, timestampDelta(record.timestamp, baseTimestamp));
  pos = writeVarint(buf, pos, index);
  pos = writeBytesField(buf, pos, record.key);
  pos = writeBytesField(buf, pos, record.value);
  pos = writeVarint(buf, pos, record.headers.length);
  for (const header of record.headers) {
    const keyBytes = layout.headerKeyBytes[layout.headerKeyCursor++];
    pos = writeVarint(buf, pos, keyBytes);
    pos += buf.write(header.key, pos, keyBytes, 'utf8');
    pos = writeBytesField(buf, pos, header.value);
  }
  return pos;
}

function maxTimestampOf(records: readonly RawRecord[], baseTimestamp: number): number {
  let max = records.length > 0 ? records[0].timestamp : baseTimestamp;
  for (const record of records) if (record.timestamp > max) max = record.timestamp;
  return max;
}

/** Header fields from attributes on (the CRC covers them), plus the uncovered prefix. */
function writeHeader(buf: Buffer, header: RawBatchHeader, recordCount: number, maxTimestamp: number): void {
  writeInt64(buf, 0, header.baseOffset);
  writeInt32(buf, 8, buf.length - LOG_OVERHEAD);
  writeInt32(buf, 12, header.partitionLeaderEpoch);
  buf[16] = MAGIC_V2;
  writeInt16(buf, 21, header.attributes);
  writeInt32(buf, 23, recordCount - 1);
  writeInt64(buf, 27, header.baseTimestamp);
  writeInt64(buf, 35, maxTimestamp);
  writeInt64(buf, 43, header.producerId);
  writeInt16(buf, 51, header.producerEpoch);
  writeInt32(buf, 53, header.baseSequence);
  writeInt32(buf, 57, recordCount);
}

/** Builds one uncompressed v2 batch; see HotPath.encodeBatch. */
export function encodeBatch(records: readonly RawRecord[], header: RawBatchHeader): Buffer {
  const layout = measureRecords(records, header.baseTimestamp);
  // batchLength is an int32; native refuses the same size with the same error.
  if (BATCH_HEADER_BYTES + layout.recordsBytes - LOG_OVERHEAD > MAX_BATCH_LENGTH) throw new RangeError('record batch larger than 2 GiB');
  const buf = Buffer.allocUnsafe(BATCH_HEADER_BYTES + layout.recordsBytes);
  let pos = BATCH_HEADER_BYTES;
  for (let i = 0; i < records.length; i++) {
    pos = writeRecord(buf, pos, records, i, header.baseTimestamp, layout);
  }
  writeHeader(buf, header, records.length, maxTimestampOf(records, header.baseTimestamp));
  writeInt32(buf, CRC_POSITION, crc32c(buf.subarray(CRC_START), 0));
  return buf;
}
