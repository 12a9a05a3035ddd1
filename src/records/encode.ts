// Producer-side encoding: friendly records in, one v2 record batch out. This file only
// normalizes and checks; the bytes are written by the hot path in a single call, then the
// records section is compressed here when asked.
import { hotpath as activeHotPath } from '../hotpath/index.js';
import type { HotPath, RawBatchHeader, RawHeader, RawRecord } from '../hotpath/types.js';
import { assertSupportedCompression, compressBatch, compressBatchAsync, type SupportedCompression } from './compression.js';
import { Attributes } from './layout.js';

export type Bytes = Uint8Array | string | null;

export type ProducerHeaders = Record<string, Bytes> | ReadonlyArray<{ key: string; value: Bytes }>;

export interface ProducerRecord {
  key?: Bytes;
  value: Bytes;
  /** An object (one value per key) or an array (keys may repeat, order kept). */
  headers?: ProducerHeaders;
  /** Milliseconds since the epoch; when missing, the clock as read once for the whole batch. */
  timestamp?: number;
}

export interface EncodeOptions {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  timestampType?: 'create' | 'log-append';
  /** Codec of the records section (default 'none'). */
  compression?: SupportedCompression;
  /** Clock for records without a timestamp (tests pin it). */
  now?: () => number;
}

/** A record or option the encoder cannot turn into a valid batch. */
export class InvalidRecordError extends TypeError {
  readonly code = 'ERR_SLUICE_INVALID_RECORD';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRecordError';
  }
}

const INT16_MAX = 0x7fff;
const INT32_MAX = 0x7fffffff;

/** Encodes records into one v2 batch, its records compressed with options.compression. */
export function encodeRecordBatch(records: readonly ProducerRecord[], options: EncodeOptions = {}, hotpath: HotPath = activeHotPath): Buffer {
  const batch = encodeUncompressed(records, options, hotpath);
  return compressBatch(batch, options.compression ?? 'none', hotpath);
}

/** encodeRecordBatch, with gzip run on the libuv thread pool instead of the main thread. */
export async function encodeRecordBatchAsync(
  records: readonly ProducerRecord[],
  options: EncodeOptions = {},
  hotpath: HotPath = activeHotPath,
): Promise<Buffer> {
  const batch = encodeUncompressed(records, options, hotpath);
  return compressBatchAsync(batch, options.compression ?? 'none', hotpath);
}

function encodeUncompressed(records: readonly ProducerRecord[], options: EncodeOptions, hotpath: HotPath): Buffer {
  if (!Array.isArray(records) || records.length === 0) {
    throw new InvalidRecordError('a record batch needs at least one record');
  }
  if (records.length > INT32_MAX) throw new InvalidRecordError(`too many records for one batch: ${records.length}`);
  assertSupportedCompression(options.compression ?? 'none'); // fail before doing any work
  const clock = new BatchClock(options.now ?? Date.now);
  const raw: RawRecord[] = new Array<RawRecord>(records.length);
  for (let i = 0; i < records.length; i++) raw[i] = normalizeRecord(records[i], i, clock);
  return hotpath.encodeBatch(raw, batchHeader(options, raw[0].timestamp));
}

function batchHeader(options: EncodeOptions, baseTimestamp: number): RawBatchHeader {
  return {
    baseOffset: checkInteger('baseOffset', options.baseOffset ?? 0, 0, Number.MAX_SAFE_INTEGER),
    partitionLeaderEpoch: checkInteger('partitionLeaderEpoch', options.partitionLeaderEpoch ?? -1, -1, INT32_MAX),
    attributes: batchAttributes(options),
    baseTimestamp,
    producerId: checkInteger('producerId', options.producerId ?? -1, -1, Number.MAX_SAFE_INTEGER),
    producerEpoch: checkInteger('producerEpoch', options.producerEpoch ?? -1, -1, INT16_MAX),
    baseSequence: checkInteger('baseSequence', options.baseSequence ?? -1, -1, INT32_MAX),
  };
}

/** Attribute bits except the codec, which compression sets after the hot path has encoded. */
function batchAttributes(options: EncodeOptions): number {
  const timestampType = options.timestampType ?? 'create';
  if (timestampType !== 'create' && timestampType !== 'log-append') {
    throw new InvalidRecordError(`timestampType must be 'create' or 'log-append', not ${describe(timestampType)}`);
  }
  let attributes = 0;
  if (timestampType === 'log-append') attributes |= Attributes.TIMESTAMP_LOG_APPEND;
  if (options.transactional === true) attributes |= Attributes.TRANSACTIONAL;
  else if (options.transactional !== undefined && options.transactional !== false) {
    throw new InvalidRecordError(`transactional must be a boolean, not ${describe(options.transactional)}`);
  }
  return attributes;
}

/** One reading of the clock per batch, taken when the first record without a timestamp needs it. */
class BatchClock {
  private reading = -1;

  constructor(private readonly now: () => number) {}

  read(): number {
    if (this.reading < 0) this.reading = this.now();
    return this.reading;
  }
}

/** Records without headers all share this one (frozen) array. */
const NO_HEADERS: readonly RawHeader[] = Object.freeze([]);

// Runs once per record on the producer's path: error messages are built only when thrown.
function normalizeRecord(record: ProducerRecord, index: number, clock: BatchClock): RawRecord {
  if (record === null || typeof record !== 'object') {
    throw new InvalidRecordError(`record ${index} must be an object, not ${describe(record)}`);
  }
  const timestamp = record.timestamp ?? clock.read();
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new InvalidRecordError(`record ${index}: timestamp must be a non-negative integer of milliseconds, not ${describe(timestamp)}`);
  }
  if (record.value === undefined) {
    throw new InvalidRecordError(`record ${index}: value is missing (use null for a tombstone)`);
  }
  const key = toBytes(record.key ?? null);
  if (key === undefined) throw notBytes(`record ${index}: key`, record.key);
  const value = toBytes(record.value);
  if (value === undefined) throw notBytes(`record ${index}: value`, record.value);
  return { key, value, headers: normalizeHeaders(record.headers, index), timestamp };
}

function normalizeHeaders(headers: ProducerHeaders | undefined, index: number): readonly RawHeader[] {
  if (headers === undefined || headers === null) return NO_HEADERS;
  if (typeof headers !== 'object') {
    throw new InvalidRecordError(`record ${index}: headers must be an object or an array, not ${describe(headers)}`);
  }
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers).map(([key, value]) => ({ key, value }));
  return pairs.map((header, h) => {
    if (header === null || typeof header !== 'object' || typeof header.key !== 'string') {
      throw new InvalidRecordError(`record ${index}: header ${h} must be { key: string, value }`);
    }
    if (header.value === undefined) throw new InvalidRecordError(`record ${index}: header ${h} (${header.key}) has no value (use null)`);
    const value = toBytes(header.value);
    if (value === undefined) throw notBytes(`record ${index}: header ${h} (${header.key}) value`, header.value);
    return { key: header.key, value };
  });
}

/** The bytes of a key or value; undefined when it is none of the Bytes types (the caller says where). */
function toBytes(value: Bytes): Uint8Array | null | undefined {
  if (value === null) return null;
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return undefined;
}

function notBytes(what: string, value: unknown): InvalidRecordError {
  return new InvalidRecordError(`${what} must be a string, a Uint8Array or null, not ${describe(value)}`);
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidRecordError(`${name} must be an integer in [${min}, ${max}], not ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return String(value);
}
