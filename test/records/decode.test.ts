// The decoder's handling of input that is not a clean run of batches: partial tails are
// ignored, anything malformed fails with ERR_SLUICE_CORRUPT_RECORD and the batch position.
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { CorruptRecordError, decodeRecordBatches } from '../../src/records/decode.js';
import { encodeRecordBatch } from '../../src/records/encode.js';
import { BatchField, Compression, CRC_START, LOG_OVERHEAD } from '../../src/records/layout.js';
import { encodeVarlong } from '../../src/records/varint.js';
import type { HotPath } from '../../src/hotpath/types.js';

const T0 = 1_700_000_000_000;
const v = encodeVarlong;

/** A batch with a hand-written records section, framed and CRC'd correctly. */
function batchWithSection(hp: HotPath, section: Buffer, recordsCount: number, codec: number = Compression.NONE): Buffer {
  const template = encodeRecordBatch([{ value: 'x', timestamp: T0 }], { baseOffset: 10 }, hp);
  const batch = Buffer.concat([template.subarray(0, BatchField.RECORDS), section]);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BatchField.BATCH_LENGTH);
  batch.writeInt16BE(codec, BatchField.ATTRIBUTES);
  batch.writeInt32BE(recordsCount - 1, BatchField.LAST_OFFSET_DELTA);
  batch.writeInt32BE(recordsCount, BatchField.RECORDS_COUNT);
  batch.writeUInt32BE(hp.crc32c(batch.subarray(CRC_START), 0), BatchField.CRC);
  return batch;
}

/** A record: attributes, timestampDelta 0, offsetDelta, key, value and headers as given. */
function record(offsetDelta: number, body: Buffer): Buffer {
  const content = Buffer.concat([Buffer.from([0]), v(0), v(offsetDelta), body]);
  return Buffer.concat([v(content.length), content]);
}

const nullKeyValueNoHeaders = Buffer.concat([v(-1), v(-1), v(0)]);

function expectCorrupt(run: () => unknown, batchPosition: number, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CorruptRecordError);
  expect(caught).toMatchObject({ code: 'ERR_SLUICE_CORRUPT_RECORD', batchPosition });
  expect((caught as Error).message).toMatch(message);
}

for (const hp of backends) {
  describe(`decodeRecordBatches edge cases (${hp.backend})`, () => {
    const decode = (buf: Buffer) => decodeRecordBatches(buf, { hotpath: hp });
    const good = () => encodeRecordBatch([{ key: 'a', value: 'b', timestamp: T0 }], {}, hp);

    it('returns nothing for an empty buffer', () => {
      expect(decode(Buffer.alloc(0))).toEqual([]);
    });

    it('ignores a partial batch at the end, however it is cut', () => {
      const whole = good();
      const two = Buffer.concat([whole, whole]);
      for (const cut of [1, LOG_OVERHEAD - 1, LOG_OVERHEAD, BatchField.RECORDS, whole.length - 1]) {
        expect(decode(two.subarray(0, whole.length + cut))).toHaveLength(1);
      }
    });

    it('decodes a hand-written section (checks the test helper itself)', () => {
      const [batch] = decode(batchWithSection(hp, Buffer.concat([record(0, nullKeyValueNoHeaders), record(1, nullKeyValueNoHeaders)]), 2));
      expect(batch.records.map((r) => [r.offset, r.key, r.value])).toEqual([
        [10, null, null],
        [11, null, null],
      ]);
    });

    it('reports a record whose length runs past the section, at the right batch position', () => {
      const bad = batchWithSection(hp, Buffer.concat([v(40), Buffer.alloc(5)]), 1);
      const first = good();
      expectCorrupt(() => decode(Buffer.concat([first, bad])), first.length, /record 0: record length 40 does not fit/);
    });

    it('reports a key length that runs past its record', () => {
      const body = Buffer.concat([v(9), Buffer.from('abc'), v(-1), v(0)]);
      expectCorrupt(() => decode(batchWithSection(hp, record(0, body), 1)), 0, /record 0: key needs 9 byte\(s\)/);
    });

    it('reports fields that do not fill the record length exactly', () => {
      const padded = Buffer.concat([nullKeyValueNoHeaders, Buffer.from([0])]);
      expectCorrupt(() => decode(batchWithSection(hp, record(0, padded), 1)), 0, /leaves 1 byte\(s\) unread/);
    });

    it('reports fewer records than recordsCount announces, and bytes left after them', () => {
      const one = record(0, nullKeyValueNoHeaders);
      expectCorrupt(() => decode(batchWithSection(hp, one, 2)), 0, /record 1: varint needs 1 byte/);
      expectCorrupt(() => decode(batchWithSection(hp, Buffer.concat([one, one]), 1)), 0, /left after the 1 records/);
    });

    it('reports a null header key, a negative header count and an over-long varint', () => {
      const nullHeaderKey = Buffer.concat([v(-1), v(-1), v(1), v(-1), v(-1)]);
      expectCorrupt(() => decode(batchWithSection(hp, record(0, nullHeaderKey), 1)), 0, /null header key/);
      const negativeHeaders = Buffer.concat([v(-1), v(-1), v(-3)]);
      expectCorrupt(() => decode(batchWithSection(hp, record(0, negativeHeaders), 1)), 0, /header count -3/);
      const longVarint = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), v(-1), v(0)]);
      expectCorrupt(() => decode(batchWithSection(hp, record(0, longVarint), 1)), 0, /varint longer than 5 bytes/);
    });

    it('reports a CRC mismatch unless asked not to check', () => {
      const batch = good();
      batch[batch.length - 2] ^= 0x01; // the value 'b' (before the header count) becomes 'c'
      expectCorrupt(() => decode(batch), 0, /CRC32C mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)/);
      const [unchecked] = decodeRecordBatches(batch, { hotpath: hp, verifyCrc: false });
      expect(unchecked.records[0].value?.toString()).toBe('c');
    });

    it('reports a wrong magic byte and a batchLength below the minimum', () => {
      const wrongMagic = good();
      wrongMagic[BatchField.MAGIC] = 1;
      expectCorrupt(() => decode(wrongMagic), 0, /magic is 1/);
      const tooShort = good();
      tooShort.writeInt32BE(20, BatchField.BATCH_LENGTH);
      expectCorrupt(() => decode(tooShort), 0, /batchLength 20 is below the minimum 49/);
    });

    it('reports a gzip batch whose section is not gzip', () => {
      const notGzip = batchWithSection(hp, record(0, nullKeyValueNoHeaders), 1, Compression.GZIP);
      expectCorrupt(() => decode(notGzip), 0, /cannot decompress the records/);
    });

    it('refuses codec bits that name no Kafka codec with ERR_SLUICE_UNSUPPORTED_COMPRESSION', () => {
      for (const [codec, name] of [
        [5, 'codec-5'],
        [6, 'codec-6'],
        [7, 'codec-7'],
      ] as const) {
        const batch = batchWithSection(hp, Buffer.from('opaque'), 1, codec);
        expect(() => decode(batch)).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_UNSUPPORTED_COMPRESSION', codec: name }));
      }
    });
  });
}
