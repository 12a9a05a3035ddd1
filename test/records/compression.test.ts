// compression.ts and codecs.ts: every Kafka codec in and out of a batch, in the framing Kafka
// readers expect, and clear refusals for codec bits that name no codec.
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import {
  compressBatch,
  compressBatchAsync,
  compressionCode,
  compressionName,
  decompressRecords,
} from '../../src/records/compression.js';
import { CorruptRecordError, decodeRecordBatches } from '../../src/records/decode.js';
import { encodeRecordBatch, encodeRecordBatchAsync } from '../../src/records/encode.js';
import { BatchField, Compression, CRC_START, LOG_OVERHEAD } from '../../src/records/layout.js';
import { XERIAL_BLOCK_SIZE } from '../../src/records/snappy-xerial.js';
import { validateBatches } from '../../src/records/validate.js';
import type { HotPath } from '../../src/hotpath/types.js';

const T0 = 1_700_000_000_000;
const records = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: 'the same words again and again '.repeat(4), timestamp: T0 + i }));

const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const CODE = { gzip: Compression.GZIP, snappy: Compression.SNAPPY, lz4: Compression.LZ4, zstd: Compression.ZSTD } as const;

/** The same batch with its records section replaced (CRC and batchLength fixed up). */
function withSection(batch: Buffer, section: Buffer, hp: HotPath): Buffer {
  const out = Buffer.concat([batch.subarray(0, BatchField.RECORDS), section]);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BatchField.BATCH_LENGTH);
  out.writeUInt32BE(hp.crc32c(out.subarray(CRC_START), 0), BatchField.CRC);
  return out;
}

/** Text that compresses, but not to nothing: numbers vary from line to line. */
function compressibleText(bytes: number): Buffer {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const line = `{"id":${i},"user":"user-${(i * 7919) % 1009}","event":"${['click', 'view', 'buy'][i % 3]}"}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

for (const hp of backends) {
  describe.each(CODECS)(`%s batches (${hp.backend})`, (codec) => {
    it('compresses only the records section and keeps the header fields', () => {
      const plain = encodeRecordBatch(records, { baseOffset: 7, producerId: 9, producerEpoch: 1, baseSequence: 3, transactional: true }, hp);
      const compressed = compressBatch(plain, codec, hp);

      expect(compressed.length).toBeLessThan(plain.length);
      expect(compressed.readInt32BE(BatchField.BATCH_LENGTH)).toBe(compressed.length - LOG_OVERHEAD);
      expect(compressed.readInt16BE(BatchField.ATTRIBUTES)).toBe(plain.readInt16BE(BatchField.ATTRIBUTES) | CODE[codec]);
      // Everything after attributes up to the records is unchanged, recordsCount included.
      expect(compressed.subarray(BatchField.LAST_OFFSET_DELTA, BatchField.RECORDS)).toEqual(plain.subarray(BatchField.LAST_OFFSET_DELTA, BatchField.RECORDS));
      expect(decompressRecords(CODE[codec], compressed.subarray(BatchField.RECORDS))).toEqual(plain.subarray(BatchField.RECORDS));
      expect(validateBatches(compressed, { hotpath: hp })).toMatchObject({ ok: true, recordCount: 30, nextOffset: 37 });
    });

    it('round-trips keys, values, null and headers through encodeRecordBatch and decodeRecordBatches', () => {
      const sent = [
        { key: 'a', value: 'first value '.repeat(10), headers: { trace: 'x1', empty: null }, timestamp: T0 },
        { key: null, value: Buffer.from([0, 1, 2, 255]), timestamp: T0 + 5 },
        { key: 'tombstone', value: null, headers: [{ key: 'dup', value: '1' }, { key: 'dup', value: '2' }], timestamp: T0 + 9 },
      ];
      const [batch] = decodeRecordBatches(encodeRecordBatch(sent, { compression: codec, baseOffset: 100 }, hp), { hotpath: hp });

      expect(batch.compression).toBe(codec);
      expect(batch.records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null])).toEqual([
        [100, T0, 'a'],
        [101, T0 + 5, null],
        [102, T0 + 9, 'tombstone'],
      ]);
      expect(batch.records[0].value?.toString()).toBe('first value '.repeat(10));
      expect(batch.records[1].value).toEqual(Buffer.from([0, 1, 2, 255]));
      expect(batch.records[2].value).toBeNull();
      expect(batch.records[0].headers).toEqual([{ key: 'trace', value: Buffer.from('x1') }, { key: 'empty', value: null }]);
      expect(batch.records[2].headers.map((h) => h.value?.toString())).toEqual(['1', '2']);
    });

    it('round-trips a 1 MiB batch (many lz4 blocks and xerial snappy blocks)', () => {
      const big = compressibleText(1 << 20);
      const [batch] = decodeRecordBatches(encodeRecordBatch([{ value: big, timestamp: T0 }], { compression: codec }, hp), { hotpath: hp });
      expect(batch.records[0].value?.equals(big)).toBe(true);
    });

    it('gives the same bytes through the async encoder', async () => {
      const plain = encodeRecordBatch(records, {}, hp);
      await expect(compressBatchAsync(plain, codec, hp)).resolves.toEqual(compressBatch(plain, codec, hp));
      await expect(encodeRecordBatchAsync(records, { compression: codec }, hp)).resolves.toEqual(compressBatch(plain, codec, hp));
    });

    it('reports a damaged section as a corrupt batch, not as an unsupported codec', () => {
      const compressed = compressBatch(encodeRecordBatch(records, {}, hp), codec, hp);
      const section = Buffer.from(compressed.subarray(BatchField.RECORDS));
      const damaged = withSection(compressed, Buffer.concat([section.subarray(0, 20), Buffer.alloc(40, 0xff)]), hp);
      expect(() => decodeRecordBatches(damaged, { hotpath: hp })).toThrow(CorruptRecordError);
      expect(() => decodeRecordBatches(damaged, { hotpath: hp })).toThrow(/cannot decompress the records/);
    });
  });

  describe(`any codec (${hp.backend})`, () => {
    it("returns the batch itself for 'none'", () => {
      const plain = encodeRecordBatch(records, {}, hp);
      expect(compressBatch(plain, 'none', hp)).toBe(plain);
    });

    it('refuses input that is not one whole uncompressed batch', () => {
      const plain = encodeRecordBatch(records, {}, hp);
      expect(() => compressBatch(Buffer.concat([plain, plain]), 'zstd', hp)).toThrow(/exactly one whole batch/);
      expect(() => compressBatch(plain.subarray(0, 40), 'lz4', hp)).toThrow(/exactly one whole batch/);
      expect(() => compressBatch(compressBatch(plain, 'snappy', hp), 'gzip', hp)).toThrow(/uncompressed batch/);
    });

    it('refuses names that are not Kafka codecs with ERR_SLUICE_UNSUPPORTED_COMPRESSION', () => {
      const plain = encodeRecordBatch(records, {}, hp);
      expect(() => compressBatch(plain, 'brotli' as 'gzip', hp)).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_UNSUPPORTED_COMPRESSION', codec: 'brotli' }));
      expect(() => encodeRecordBatch(records, { compression: 'lzma' as 'gzip' }, hp)).toThrow(/'lzma' is not supported/);
    });
  });
}

describe('framing inside the records section', () => {
  const plain = encodeRecordBatch([{ value: compressibleText(16 * 1024), timestamp: T0 }]);
  const plainSection = plain.subarray(BatchField.RECORDS);
  const section = (codec: (typeof CODECS)[number]): Buffer => compressBatch(plain, codec, backends[0]).subarray(BatchField.RECORDS);

  it('starts each section the way Kafka readers look for', () => {
    expect(section('gzip').subarray(0, 2).toString('hex')).toBe('1f8b'); // gzip member
    expect(section('lz4').readUInt32LE(0)).toBe(0x184d2204); // LZ4 frame magic
    expect(section('zstd').readUInt32LE(0)).toBe(0xfd2fb528); // zstd frame magic
    // snappy: xerial header = magic, version 1, compatible version 1.
    expect(section('snappy').subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
  });

  it('writes LZ4 frames with independent blocks and a block size Java accepts', () => {
    const flg = section('lz4')[4];
    const bd = section('lz4')[5];
    expect(flg >> 6).toBe(1); // frame format version 01
    expect(flg & 0x20).toBe(0x20); // blocks independent: Java's reader decompresses each block alone
    expect((bd >> 4) & 0x7).toBeGreaterThanOrEqual(4); // 64 KiB .. 4 MiB
  });

  it('splits snappy into 32 KiB xerial blocks, each length-prefixed', () => {
    const batch = encodeRecordBatch([{ value: compressibleText(XERIAL_BLOCK_SIZE * 2), timestamp: T0 }]);
    const records = batch.subarray(BatchField.RECORDS); // a little over 64 KiB: two full blocks and a short one
    const framed = compressBatch(batch, 'snappy', backends[0]).subarray(BatchField.RECORDS);
    const blockLengths: number[] = [];
    for (let pos = 16; pos < framed.length; pos += 4 + framed.readInt32BE(pos)) blockLengths.push(framed.readInt32BE(pos));
    expect(blockLengths).toHaveLength(Math.ceil(records.length / XERIAL_BLOCK_SIZE));
    expect(blockLengths).toHaveLength(3);
    expect(16 + blockLengths.reduce((sum, n) => sum + 4 + n, 0)).toBe(framed.length);
    expect(decompressRecords(Compression.SNAPPY, framed)).toEqual(records);
  });

  it('reads raw snappy (what librdkafka sends) as well as the xerial framing', () => {
    const raw = (createRequire(import.meta.url)('snappy') as typeof import('snappy')).compressSync(plainSection);
    expect(raw.subarray(0, 2).toString('hex')).not.toBe('8253');
    expect(decompressRecords(Compression.SNAPPY, raw)).toEqual(plainSection);
    expect(decompressRecords(Compression.SNAPPY, section('snappy'))).toEqual(plainSection);
  });

  it('refuses xerial streams that are cut short or need a newer reader', () => {
    const framed = section('snappy');
    expect(() => decompressRecords(Compression.SNAPPY, framed.subarray(0, framed.length - 1))).toThrow(/does not fit/);
    expect(() => decompressRecords(Compression.SNAPPY, framed.subarray(0, 18))).toThrow(/cut short/);
    const newer = Buffer.from(framed);
    newer.writeInt32BE(2, 12);
    expect(() => decompressRecords(Compression.SNAPPY, newer)).toThrow(/needs reader version 2/);
  });
});

describe('codec names and codes', () => {
  it('maps attribute bits to names and back', () => {
    expect([0, 1, 2, 3, 4, 5].map((code) => compressionName(code))).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd', 'codec-5']);
    expect(compressionName(0x18 | Compression.GZIP)).toBe('gzip'); // other attribute bits do not matter
    expect(compressionCode('zstd')).toBe(Compression.ZSTD);
    expect(() => compressionCode('brotli')).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_UNSUPPORTED_COMPRESSION' }));
  });

  it('decompresses gzip, passes uncompressed bytes through and refuses bits that name no codec', () => {
    const text = Buffer.from('hello records');
    expect(decompressRecords(Compression.GZIP, zlib.gzipSync(text))).toEqual(text);
    expect(decompressRecords(Compression.NONE, text)).toEqual(text);
    for (const code of [5, 6, 7]) {
      expect(() => decompressRecords(code, text)).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_UNSUPPORTED_COMPRESSION', codec: `codec-${code}` }));
    }
  });
});
