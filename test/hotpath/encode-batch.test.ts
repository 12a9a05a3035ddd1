import { describe, expect, it } from 'vitest';
import { BATCH_HEADER_BYTES, type RawBatchHeader, type RawRecord } from '../../src/hotpath/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { decodeTestBatch } from './batch-decoder.js';

const HEADER: RawBatchHeader = {
  baseOffset: 0,
  partitionLeaderEpoch: -1,
  attributes: 0,
  baseTimestamp: 1_700_000_000_000,
  producerId: -1,
  producerEpoch: -1,
  baseSequence: -1,
};

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

function record(fields: Partial<RawRecord>): RawRecord {
  return { key: null, value: null, headers: [], timestamp: HEADER.baseTimestamp, ...fields };
}

describe.each(forEachBackend)('encodeBatch (%s)', (_name, hp) => {
  it('writes every header field where NOTES.md §4.1 puts it', () => {
    const header: RawBatchHeader = {
      baseOffset: 2 ** 40 + 5,
      partitionLeaderEpoch: 77,
      attributes: 0x10 | 0x08,
      baseTimestamp: 1_600_000_000_000,
      producerId: 2 ** 45 + 3,
      producerEpoch: 12,
      baseSequence: 0x7ffffff0,
    };
    const records = [1_600_000_000_500, 1_600_000_000_100, 1_600_000_000_900].map((timestamp) => record({ timestamp }));
    const batch = decodeTestBatch(hp.encodeBatch(records, header));
    expect(batch).toMatchObject({
      baseOffset: 2n ** 40n + 5n,
      partitionLeaderEpoch: 77,
      magic: 2,
      attributes: 0x18,
      lastOffsetDelta: 2,
      baseTimestamp: 1_600_000_000_000n,
      maxTimestamp: 1_600_000_000_900n,
      producerId: 2n ** 45n + 3n,
      producerEpoch: 12,
      baseSequence: 0x7ffffff0,
      recordsCount: 3,
    });
    expect(batch.records.map((r) => r.offsetDelta)).toEqual([0, 1, 2]);
  });

  it('writes negative int16/int32/int64 header fields in two\'s complement', () => {
    const buf = hp.encodeBatch([record({})], { ...HEADER, baseOffset: -1, producerId: -(2 ** 40), producerEpoch: -2, attributes: -32768 & ~7 });
    const batch = decodeTestBatch(buf);
    expect(batch.baseOffset).toBe(-1n);
    expect(batch.producerId).toBe(-(2n ** 40n));
    expect(batch.producerEpoch).toBe(-2);
    expect(batch.attributes).toBe(-32768);
    expect(batch.partitionLeaderEpoch).toBe(-1);
    expect(batch.baseSequence).toBe(-1);
  });

  it('stores a CRC32C of bytes 21..end that validateBatches accepts', () => {
    const buf = hp.encodeBatch([record({ value: bytes('v') })], HEADER);
    expect(buf.readUInt32BE(17)).toBe(hp.crc32c(buf.subarray(21), 0));
    expect(hp.validateBatches(buf, -1, -1, -1, new Float64Array(8))).toBe(0);
  });

  it('encodes null, empty and large keys and values', () => {
    const large = Buffer.alloc(300_000, 0xab);
    const records = [
      record({ key: null, value: null }),
      record({ key: new Uint8Array(0), value: new Uint8Array(0) }),
      record({ key: bytes('k'), value: large }),
    ];
    const decoded = decodeTestBatch(hp.encodeBatch(records, HEADER)).records;
    expect(decoded[0].key).toBeNull();
    expect(decoded[0].value).toBeNull();
    expect(decoded[1].key).toEqual(Buffer.alloc(0));
    expect(decoded[1].value).toEqual(Buffer.alloc(0));
    expect(decoded[2].key).toEqual(bytes('k'));
    expect(decoded[2].value?.equals(large)).toBe(true);
    expect(decoded.every((r) => r.attributes === 0)).toBe(true);
  });

  it('encodes headers: UTF-8 keys, null and empty values, repeats kept in order', () => {
    const headers = [
      { key: 'trace-id', value: bytes('abc') },
      { key: 'clé-🔑', value: null },
      { key: '', value: new Uint8Array(0) },
      { key: 'trace-id', value: bytes('again') },
    ];
    const [decoded] = decodeTestBatch(hp.encodeBatch([record({ headers })], HEADER)).records;
    expect(decoded.headers).toEqual([
      { key: 'trace-id', value: bytes('abc') },
      { key: 'clé-🔑', value: null },
      { key: '', value: Buffer.alloc(0) },
      { key: 'trace-id', value: bytes('again') },
    ]);
  });

  it('uses the exact varint bytes of the format for a known record', () => {
    const buf = hp.encodeBatch([record({ key: bytes('k'), value: null, timestamp: HEADER.baseTimestamp - 1 })], HEADER);
    // length 7 -> 0e, attributes 0, timestampDelta -1 -> 01, offsetDelta 0 -> 00, key length 1 -> 02 'k',
    // value null (-1) -> 01, no headers -> 00
    expect(buf.subarray(BATCH_HEADER_BYTES).toString('hex')).toBe('0e' + '00' + '01' + '00' + '026b' + '01' + '00');
  });

  it('encodes timestamp deltas: zero, negative, beyond 2^31 and beyond 2^53', () => {
    const base = 0;
    const timestamps = [0, -1, 1, -(2 ** 31) - 5, 2 ** 31 + 7, 2 ** 40, -(2 ** 52), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const records = timestamps.map((timestamp) => record({ timestamp }));
    const batch = decodeTestBatch(hp.encodeBatch(records, { ...HEADER, baseTimestamp: base }));
    expect(batch.records.map((r) => r.timestampDelta)).toEqual(timestamps.map((t) => BigInt(t - base)));
    expect(batch.maxTimestamp).toBe(BigInt(Number.MAX_SAFE_INTEGER));

    // The delta between two safe integers can leave the safe range (up to 2^54 - 2) and must stay exact.
    const farBase = Number.MIN_SAFE_INTEGER;
    const farRecords = [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1, farBase].map((timestamp) => record({ timestamp }));
    const far = decodeTestBatch(hp.encodeBatch(farRecords, { ...HEADER, baseTimestamp: farBase }));
    expect(far.records.map((r) => r.timestampDelta)).toEqual([2n ** 54n - 2n, 2n ** 54n - 3n, 0n]);
  });

  it('takes the max timestamp over all records, not the last one', () => {
    const records = [5, 9, 3].map((timestamp) => record({ timestamp }));
    expect(decodeTestBatch(hp.encodeBatch(records, { ...HEADER, baseTimestamp: 5 })).maxTimestamp).toBe(9n);
    const negative = [-50, -20, -30].map((timestamp) => record({ timestamp }));
    expect(decodeTestBatch(hp.encodeBatch(negative, { ...HEADER, baseTimestamp: -50 })).maxTimestamp).toBe(-20n);
  });

  it('counts records and offset deltas past one varint byte', () => {
    const records = Array.from({ length: 300 }, () => record({ value: bytes('x') }));
    const batch = decodeTestBatch(hp.encodeBatch(records, HEADER));
    expect(batch.recordsCount).toBe(300);
    expect(batch.lastOffsetDelta).toBe(299);
    expect(batch.records[299].offsetDelta).toBe(299);
  });

  it('returns a fresh Buffer whose length matches batchLength + 12', () => {
    const first = hp.encodeBatch([record({ value: bytes('same') })], HEADER);
    const second = hp.encodeBatch([record({ value: bytes('same') })], HEADER);
    expect(Buffer.isBuffer(first)).toBe(true);
    expect(first.equals(second)).toBe(true);
    expect(first.buffer === second.buffer && first.byteOffset === second.byteOffset).toBe(false);
    expect(first.readInt32BE(8) + 12).toBe(first.length);
  });
});

describe.each(forEachBackend)('encodeBatch size limit (%s)', (_name, hp) => {
  it('refuses a batch whose batchLength would not fit an int32, before allocating it', () => {
    // Zero-filled pages are never touched: sizing fails before anything is copied.
    const gigabyte = new Uint8Array(2 ** 30);
    const records = [record({ value: gigabyte }), record({ value: gigabyte })];
    expect(() => hp.encodeBatch(records, HEADER)).toThrow(RangeError);
  });
});
