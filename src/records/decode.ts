// Consumer-side decoding of v2 record batches, for clients and tests. The broker never calls
// this (it stores and serves batches byte-for-byte). Every read is bounds-checked. One walker,
// visitRecordBatches, reports each record as positions in its batch's records section: the
// consumer keeps those and makes a message object only when it hands the record out, so a
// fetch's thousands of records do not sit on the heap as objects while they wait (they would
// survive young-generation collections and be copied by each). decodeRecordBatches builds
// plain objects on top of it. Records without headers share one empty array.
import { hotpath as activeHotPath } from '../hotpath/index.js';
import { MIN_BATCH_LENGTH, type HotPath } from '../hotpath/types.js';
import { compressionName, decompressRecords, UnsupportedCompressionError, type CompressionName } from './compression.js';
import { Attributes, BatchField, CRC_START, LOG_OVERHEAD, MAGIC_V2, readInt64 } from './layout.js';
import { ByteReader, VarintError } from './varint.js';

export interface DecodedHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface DecodedRecord {
  readonly offset: number;
  readonly timestamp: number;
  /** Views into the input (or its decompressed records), not copies. */
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly DecodedHeader[];
}

export interface DecodedBatch extends DecodedBatchHeader {
  readonly records: readonly DecodedRecord[];
}

/** A batch as its header says, without its records. */
export interface DecodedBatchHeader {
  /** Byte position of the batch in the decoded buffer. */
  readonly position: number;
  /** Bytes of the whole batch, log overhead included. */
  readonly sizeInBytes: number;
  readonly baseOffset: number;
  readonly lastOffsetDelta: number;
  readonly partitionLeaderEpoch: number;
  readonly attributes: number;
  readonly compression: CompressionName | `codec-${number}`;
  readonly timestampType: 'create' | 'log-append';
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** Stored CRC32C, unsigned. */
  readonly crc: number;
}

/**
 * Told of each batch, then of each of its records in order. A record's key and value lie at
 * [start, start + length) of the batch's records section (decompressed when the batch is
 * compressed); a length of -1 is null.
 */
export interface RecordVisitor {
  batch(header: DecodedBatchHeader, section: Buffer): void;
  record(offset: number, timestamp: number, keyStart: number, keyLength: number, valueStart: number, valueLength: number, headers: readonly DecodedHeader[]): void;
}

export interface DecodeOptions {
  /** Check each batch's CRC32C before decoding it (default true, like Kafka's check.crcs). */
  readonly verifyCrc?: boolean;
  /** Backend computing the CRC; the active one by default. */
  readonly hotpath?: HotPath;
}

/** A batch whose bytes cannot be decoded; batchPosition says where in the input it starts. */
export class CorruptRecordError extends Error {
  readonly code = 'ERR_SLUICE_CORRUPT_RECORD';
  constructor(
    message: string,
    readonly batchPosition: number,
    options?: { cause?: unknown },
  ) {
    super(`corrupt record batch at byte ${batchPosition}: ${message}`, options);
    this.name = 'CorruptRecordError';
  }
}

/**
 * Decodes the batches back to back in buf. A partial batch at the end is ignored, as Kafka
 * clients do (a fetch may cut the last batch short); anything malformed before that throws
 * a CorruptRecordError.
 */
export function decodeRecordBatches(buf: Buffer, options: DecodeOptions = {}): DecodedBatch[] {
  const collector = new PlainRecords();
  visitRecordBatches(buf, collector, options);
  return collector.batches;
}

/** The bytes at [start, start + length) of section as a view; null for length -1. */
export function bytesAt(section: Buffer, start: number, length: number): Buffer | null {
  return length < 0 ? null : section.subarray(start, start + length);
}

class PlainRecords implements RecordVisitor {
  readonly batches: DecodedBatch[] = [];
  private section: Buffer = Buffer.alloc(0);
  private records: DecodedRecord[] = [];

  batch(header: DecodedBatchHeader, section: Buffer): void {
    this.section = section;
    this.records = [];
    this.batches.push({ ...header, records: this.records });
  }

  record(offset: number, timestamp: number, keyStart: number, keyLength: number, valueStart: number, valueLength: number, headers: readonly DecodedHeader[]): void {
    const key = bytesAt(this.section, keyStart, keyLength);
    this.records.push({ offset, timestamp, key, value: bytesAt(this.section, valueStart, valueLength), headers });
  }
}

/** Records without headers all get this one (frozen) array. */
export const NO_HEADERS: readonly DecodedHeader[] = Object.freeze([]);

/** Walks the batches back to back in buf, telling `visitor` of each batch and record (decodeRecordBatches' rules). */
export function visitRecordBatches(buf: Buffer, visitor: RecordVisitor, options: DecodeOptions = {}): void {
  let position = 0;
  while (buf.length - position >= LOG_OVERHEAD) {
    const batchLength = buf.readInt32BE(position + BatchField.BATCH_LENGTH);
    if (batchLength < MIN_BATCH_LENGTH) {
      throw new CorruptRecordError(`batchLength ${batchLength} is below the minimum ${MIN_BATCH_LENGTH}`, position);
    }
    const size = LOG_OVERHEAD + batchLength;
    if (buf.length - position < size) break; // partial trailing batch
    visitBatch(buf.subarray(position, position + size), position, options, visitor);
    position += size;
  }
}

function visitBatch(batch: Buffer, position: number, options: DecodeOptions, visitor: RecordVisitor): void {
  const magic = batch.readInt8(BatchField.MAGIC);
  if (magic !== MAGIC_V2) throw new CorruptRecordError(`magic is ${magic}, only 2 is supported`, position);
  const crc = batch.readUInt32BE(BatchField.CRC);
  if (options.verifyCrc !== false) checkCrc(batch, crc, position, options.hotpath ?? activeHotPath);

  const attributes = batch.readInt16BE(BatchField.ATTRIBUTES);
  const header: DecodedBatchHeader = {
    position,
    sizeInBytes: batch.length,
    baseOffset: readInt64(batch, BatchField.BASE_OFFSET),
    lastOffsetDelta: batch.readInt32BE(BatchField.LAST_OFFSET_DELTA),
    partitionLeaderEpoch: batch.readInt32BE(BatchField.PARTITION_LEADER_EPOCH),
    attributes,
    compression: compressionName(attributes),
    timestampType: attributes & Attributes.TIMESTAMP_LOG_APPEND ? ('log-append' as const) : ('create' as const),
    isTransactional: (attributes & Attributes.TRANSACTIONAL) !== 0,
    isControl: (attributes & Attributes.CONTROL) !== 0,
    baseTimestamp: readInt64(batch, BatchField.BASE_TIMESTAMP),
    maxTimestamp: readInt64(batch, BatchField.MAX_TIMESTAMP),
    producerId: readInt64(batch, BatchField.PRODUCER_ID),
    producerEpoch: batch.readInt16BE(BatchField.PRODUCER_EPOCH),
    baseSequence: batch.readInt32BE(BatchField.BASE_SEQUENCE),
    crc,
  };
  const recordsCount = batch.readInt32BE(BatchField.RECORDS_COUNT);
  if (recordsCount < 0) throw new CorruptRecordError(`negative recordsCount ${recordsCount}`, position);
  const section = recordsSection(batch, attributes, position);
  visitor.batch(header, section);
  visitRecords(section, recordsCount, header, position, visitor);
}

function checkCrc(batch: Buffer, stored: number, position: number, hotpath: HotPath): void {
  const computed = hotpath.crc32c(batch.subarray(CRC_START), 0);
  if (computed !== stored) {
    throw new CorruptRecordError(`CRC32C mismatch (stored ${hex(stored)}, computed ${hex(computed)})`, position);
  }
}

/** The records section, decompressed when the batch is compressed. */
function recordsSection(batch: Buffer, attributes: number, position: number): Buffer {
  const stored = batch.subarray(BatchField.RECORDS);
  try {
    return decompressRecords(attributes, stored);
  } catch (error) {
    if (error instanceof UnsupportedCompressionError) throw error;
    throw new CorruptRecordError(`cannot decompress the records (${(error as Error).message})`, position, { cause: error });
  }
}

interface RecordContext {
  readonly baseOffset: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly timestampType: 'create' | 'log-append';
}

function visitRecords(section: Buffer, count: number, context: RecordContext, position: number, visitor: RecordVisitor): void {
  const reader = new ByteReader(section, 0);
  let index = 0;
  try {
    for (; index < count; index++) visitRecord(reader, context, visitor);
  } catch (error) {
    if (!(error instanceof VarintError)) throw error;
    throw new CorruptRecordError(`record ${index}: ${error.message}`, position, { cause: error });
  }
  if (reader.remaining !== 0) {
    throw new CorruptRecordError(`${reader.remaining} byte(s) left after the ${count} records the header announces`, position);
  }
}

function visitRecord(reader: ByteReader, context: RecordContext, visitor: RecordVisitor): void {
  const length = reader.readVarint();
  if (length < 0 || length > reader.remaining) {
    throw new VarintError(`record length ${length} does not fit the ${reader.remaining} byte(s) left`);
  }
  const end = reader.pos + length;
  // The record's bytes are read through the same reader, bounded by the record's end for now.
  const sectionEnd = reader.end;
  reader.end = end;
  reader.readInt8(); // record attributes: unused by Kafka
  const timestampDelta = reader.readVarlong();
  const offsetDelta = reader.readVarint();
  const keyLength = reader.skipNullableBytes('key');
  const keyStart = reader.pos - Math.max(keyLength, 0);
  const valueLength = reader.skipNullableBytes('value');
  const valueStart = reader.pos - Math.max(valueLength, 0);
  const headers = decodeHeaders(reader);
  if (reader.remaining !== 0) throw new VarintError(`record length ${length} leaves ${reader.remaining} byte(s) unread`);
  reader.end = sectionEnd;
  // Under LogAppendTime the broker's time in maxTimestamp replaces every record's own.
  const timestamp = context.timestampType === 'log-append' ? context.maxTimestamp : context.baseTimestamp + timestampDelta;
  visitor.record(context.baseOffset + offsetDelta, timestamp, keyStart, keyLength, valueStart, valueLength, headers);
}

function decodeHeaders(body: ByteReader): readonly DecodedHeader[] {
  const count = body.readVarint();
  // Each header takes at least two bytes, which bounds count before allocating anything.
  if (count < 0 || count * 2 > body.remaining) throw new VarintError(`header count ${count} does not fit the record`);
  if (count === 0) return NO_HEADERS;
  const headers: DecodedHeader[] = [];
  for (let i = 0; i < count; i++) {
    headers.push({ key: body.readString('header key'), value: body.readNullableBytes('header value') });
  }
  return headers;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
