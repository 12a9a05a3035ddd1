// encodeRecordBatch -> decodeRecordBatches under each backend: what goes in comes out.
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { decodeRecordBatches, type DecodedBatch } from '../../src/records/decode.js';
import { encodeRecordBatch, encodeRecordBatchAsync, type EncodeOptions, type ProducerRecord } from '../../src/records/encode.js';
import { Attributes, Compression } from '../../src/records/layout.js';
import { validateBatches } from '../../src/records/validate.js';

const T0 = 1_700_000_000_000;
const fixedClock = (): number => T0;

function onlyBatch(buf: Buffer, hp: (typeof backends)[number]): DecodedBatch {
  const batches = decodeRecordBatches(buf, { hotpath: hp });
  expect(batches).toHaveLength(1);
  return batches[0];
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

for (const hp of backends) {
  describe(`records round trip (${hp.backend})`, () => {
    it('keeps keys, values, headers and timestamps, including nulls and empties', () => {
      const records: ProducerRecord[] = [
        { key: 'k1', value: 'v1', headers: { a: 'x' }, timestamp: T0 },
        { key: null, value: utf8('no key'), timestamp: T0 + 10 },
        { value: null, timestamp: T0 + 20 }, // missing key = null key; null value = tombstone
        { key: '', value: '', headers: [{ key: 'empty', value: '' }], timestamp: T0 + 30 },
        { key: new Uint8Array([0, 255, 1]), value: new Uint8Array([7]), headers: [{ key: 'null-value', value: null }], timestamp: T0 + 40 },
      ];
      const batch = onlyBatch(encodeRecordBatch(records, {}, hp), hp);

      expect(batch.records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
      expect(batch.records.map((r) => r.timestamp)).toEqual([T0, T0 + 10, T0 + 20, T0 + 30, T0 + 40]);
      expect(batch.records.map((r) => r.key)).toEqual([utf8('k1'), null, null, utf8(''), Buffer.from([0, 255, 1])]);
      expect(batch.records.map((r) => r.value)).toEqual([utf8('v1'), utf8('no key'), null, utf8(''), Buffer.from([7])]);
      expect(batch.records[0].headers).toEqual([{ key: 'a', value: utf8('x') }]);
      expect(batch.records[1].headers).toEqual([]);
      expect(batch.records[3].headers).toEqual([{ key: 'empty', value: utf8('') }]);
      expect(batch.records[4].headers).toEqual([{ key: 'null-value', value: null }]);
    });

    it('keeps unicode header keys and repeated keys in order', () => {
      const headers = [
        { key: 'ünïcødé-键', value: 'värde' },
        { key: '🚀', value: utf8('rocket') },
        { key: 'dup', value: '1' },
        { key: 'ünïcødé-键', value: 'again' },
      ];
      const batch = onlyBatch(encodeRecordBatch([{ key: 'κλειδί', value: 'значение', headers, timestamp: T0 }], {}, hp), hp);
      expect(batch.records[0].key?.toString('utf8')).toBe('κλειδί');
      expect(batch.records[0].value?.toString('utf8')).toBe('значение');
      expect(batch.records[0].headers.map((h) => [h.key, h.value?.toString('utf8')])).toEqual(headers.map((h) => [h.key, h.value.toString()]));
    });

    it('reads the clock once per batch for the records without a timestamp', () => {
      let reads = 0;
      const clock = () => T0 + 100 * ++reads;
      const batch = onlyBatch(encodeRecordBatch([{ value: 'a' }, { value: 'b', timestamp: T0 + 5 }, { value: 'c' }], { now: clock }, hp), hp);
      expect(reads).toBe(1);
      expect(batch.records.map((r) => r.timestamp)).toEqual([T0 + 100, T0 + 5, T0 + 100]);
    });

    it('fills the documented defaults', () => {
      const batch = onlyBatch(encodeRecordBatch([{ value: 'a' }, { value: 'b', timestamp: T0 + 5 }], { now: fixedClock }, hp), hp);
      expect(batch).toMatchObject({
        baseOffset: 0,
        lastOffsetDelta: 1,
        partitionLeaderEpoch: -1,
        producerId: -1,
        producerEpoch: -1,
        baseSequence: -1,
        attributes: 0,
        compression: 'none',
        timestampType: 'create',
        isTransactional: false,
        isControl: false,
        baseTimestamp: T0,
        maxTimestamp: T0 + 5,
      });
      expect(batch.records.map((r) => r.timestamp)).toEqual([T0, T0 + 5]);
    });

    it('writes every header field it is given', () => {
      const options: EncodeOptions = {
        baseOffset: 2 ** 40 + 3,
        partitionLeaderEpoch: 12,
        producerId: 2 ** 35 + 1,
        producerEpoch: 32767,
        baseSequence: 2_000_000_000,
        transactional: true,
      };
      const batch = onlyBatch(encodeRecordBatch([{ value: 'x', timestamp: T0 }, { value: 'y', timestamp: T0 }], options, hp), hp);
      const { transactional: _, ...headerFields } = options;
      expect(batch).toMatchObject({ ...headerFields, isTransactional: true, attributes: Attributes.TRANSACTIONAL });
      expect(batch.records.map((r) => r.offset)).toEqual([2 ** 40 + 3, 2 ** 40 + 4]);
    });

    it('uses the largest timestamp as maxTimestamp and the first as the base, even out of order', () => {
      const timestamps = [T0, T0 - 5000, T0 + 3_000_000_000, T0 + 1];
      const batch = onlyBatch(encodeRecordBatch(timestamps.map((timestamp) => ({ value: 'v', timestamp })), {}, hp), hp);
      expect(batch.baseTimestamp).toBe(T0);
      expect(batch.maxTimestamp).toBe(T0 + 3_000_000_000);
      expect(batch.records.map((r) => r.timestamp)).toEqual(timestamps);
    });

    it('marks log-append batches, whose records read the batch maxTimestamp', () => {
      const batch = onlyBatch(encodeRecordBatch([{ value: 'a', timestamp: T0 }, { value: 'b', timestamp: T0 + 9 }], { timestampType: 'log-append' }, hp), hp);
      expect(batch.timestampType).toBe('log-append');
      expect(batch.attributes & Attributes.TIMESTAMP_LOG_APPEND).toBe(Attributes.TIMESTAMP_LOG_APPEND);
      expect(batch.records.map((r) => r.timestamp)).toEqual([T0 + 9, T0 + 9]);
    });

    it('round-trips many records with values of growing size', () => {
      const records = Array.from({ length: 2000 }, (_, i) => ({ key: `key-${i}`, value: Buffer.alloc(i % 300, i % 251), timestamp: T0 + i }));
      const buf = encodeRecordBatch(records, { baseOffset: 500 }, hp);
      const batch = onlyBatch(buf, hp);
      expect(batch.lastOffsetDelta).toBe(1999);
      expect(batch.records).toHaveLength(2000);
      batch.records.forEach((record, i) => {
        expect(record.offset).toBe(500 + i);
        expect(record.key?.toString()).toBe(`key-${i}`);
        expect(record.value?.equals(records[i].value)).toBe(true);
      });
      expect(validateBatches(buf, { hotpath: hp })).toMatchObject({ ok: true, recordCount: 2000, nextOffset: 2500, validBytes: buf.length });
    });

    it('gzips the records section and decodes it back', () => {
      const records = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'repetitive payload '.repeat(20), timestamp: T0 + i }));
      const plain = encodeRecordBatch(records, {}, hp);
      const gzipped = encodeRecordBatch(records, { compression: 'gzip' }, hp);
      expect(gzipped.length).toBeLessThan(plain.length / 4);

      const batch = onlyBatch(gzipped, hp);
      expect(batch.compression).toBe('gzip');
      expect(batch.attributes & Attributes.COMPRESSION_MASK).toBe(Compression.GZIP);
      expect(batch.records).toEqual(onlyBatch(plain, hp).records);
      expect(validateBatches(gzipped, { hotpath: hp })).toMatchObject({ ok: true, recordCount: 50, nextOffset: 50 });
    });

    it('gives the same bytes from the async gzip variant', async () => {
      const records = [{ key: 'a', value: 'b'.repeat(1000), timestamp: T0 }];
      const sync = encodeRecordBatch(records, { compression: 'gzip' }, hp);
      await expect(encodeRecordBatchAsync(records, { compression: 'gzip' }, hp)).resolves.toEqual(sync);
      await expect(encodeRecordBatchAsync(records, {}, hp)).resolves.toEqual(encodeRecordBatch(records, {}, hp));
    });

    it('decodes batches back to back with their positions', () => {
      const first = encodeRecordBatch([{ value: 'one', timestamp: T0 }], { baseOffset: 0 }, hp);
      const second = encodeRecordBatch([{ value: 'two', timestamp: T0 }, { value: 'three', timestamp: T0 }], { baseOffset: 1, compression: 'gzip' }, hp);
      const batches = decodeRecordBatches(Buffer.concat([first, second]), { hotpath: hp });
      expect(batches.map((b) => b.position)).toEqual([0, first.length]);
      expect(batches.map((b) => b.sizeInBytes)).toEqual([first.length, second.length]);
      expect(batches.flatMap((b) => b.records.map((r) => [r.offset, r.value?.toString()]))).toEqual([
        [0, 'one'],
        [1, 'two'],
        [2, 'three'],
      ]);
    });
  });
}
