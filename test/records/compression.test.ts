// compression.ts: gzip in and out of a batch, and clear refusals for other codecs.
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
import { encodeRecordBatch } from '../../src/records/encode.js';
import { BatchField, Compression, LOG_OVERHEAD } from '../../src/records/layout.js';
import { validateBatches } from '../../src/records/validate.js';

const T0 = 1_700_000_000_000;
const records = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: 'the same words again and again '.repeat(4), timestamp: T0 + i }));

for (const hp of backends) {
  describe(`gzip batches (${hp.backend})`, () => {
    it('gzips only the records section and keeps the header fields', () => {
      const plain = encodeRecordBatch(records, { baseOffset: 7, producerId: 9, producerEpoch: 1, baseSequence: 3, transactional: true }, hp);
      const gzipped = compressBatch(plain, 'gzip', hp);

      expect(gzipped.readInt32BE(BatchField.BATCH_LENGTH)).toBe(gzipped.length - LOG_OVERHEAD);
      expect(gzipped.readInt16BE(BatchField.ATTRIBUTES)).toBe(plain.readInt16BE(BatchField.ATTRIBUTES) | Compression.GZIP);
      // Everything after attributes up to the records is unchanged, recordsCount included.
      expect(gzipped.subarray(BatchField.LAST_OFFSET_DELTA, BatchField.RECORDS)).toEqual(plain.subarray(BatchField.LAST_OFFSET_DELTA, BatchField.RECORDS));
      expect(zlib.gunzipSync(gzipped.subarray(BatchField.RECORDS))).toEqual(plain.subarray(BatchField.RECORDS));
      expect(validateBatches(gzipped, { hotpath: hp })).toMatchObject({ ok: true, recordCount: 30, nextOffset: 37 });
    });

    it('gives the same bytes on the thread pool', async () => {
      const plain = encodeRecordBatch(records, {}, hp);
      await expect(compressBatchAsync(plain, 'gzip', hp)).resolves.toEqual(compressBatch(plain, 'gzip', hp));
    });

    it("returns the batch itself for 'none'", () => {
      const plain = encodeRecordBatch(records, {}, hp);
      expect(compressBatch(plain, 'none', hp)).toBe(plain);
    });

    it('refuses input that is not one whole uncompressed batch', () => {
      const plain = encodeRecordBatch(records, {}, hp);
      expect(() => compressBatch(Buffer.concat([plain, plain]), 'gzip', hp)).toThrow(/exactly one whole batch/);
      expect(() => compressBatch(plain.subarray(0, 40), 'gzip', hp)).toThrow(/exactly one whole batch/);
      expect(() => compressBatch(compressBatch(plain, 'gzip', hp), 'gzip', hp)).toThrow(/uncompressed batch/);
    });

    it('refuses other codecs with ERR_SLUICE_UNSUPPORTED_COMPRESSION', () => {
      const plain = encodeRecordBatch(records, {}, hp);
      for (const codec of ['snappy', 'lz4', 'zstd'] as const) {
        expect(() => compressBatch(plain, codec, hp)).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_UNSUPPORTED_COMPRESSION', codec }));
      }
    });
  });
}

describe('codec names and codes', () => {
  it('maps attribute bits to names and back', () => {
    expect([0, 1, 2, 3, 4, 5].map((code) => compressionName(code))).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd', 'codec-5']);
    expect(compressionName(0x18 | Compression.GZIP)).toBe('gzip'); // other attribute bits do not matter
    expect(compressionCode('zstd')).toBe(Compression.ZSTD);
    expect(() => compressionCode('brotli')).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_UNSUPPORTED_COMPRESSION' }));
  });

  it('decompresses gzip, passes uncompressed bytes through and refuses the rest', () => {
    const text = Buffer.from('hello records');
    expect(decompressRecords(Compression.GZIP, zlib.gzipSync(text))).toEqual(text);
    expect(decompressRecords(Compression.NONE, text)).toEqual(text);
    expect(() => decompressRecords(Compression.SNAPPY, text)).toThrow(/'snappy' is not supported/);
  });
});
