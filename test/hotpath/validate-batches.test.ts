import { describe, expect, it } from 'vitest';
import { BatchStatus, ValidateSlot, VALIDATE_RESULT_SLOTS, type HotPath, type RawRecord } from '../../src/hotpath/index.js';
import { forEachBackend } from '../helpers/backends.js';

interface Outcome {
  status: number;
  validBytes: number;
  batchCount: number;
  recordCount: number;
  nextOffset: number;
  maxTimestamp: number;
  offsetOfMaxTimestamp: number;
  lastBatchPosition: number;
}

function validate(hp: HotPath, buf: Uint8Array, assignFrom = -1, leaderEpoch = -1, logAppendTime = -1): Outcome {
  const out = new Float64Array(VALIDATE_RESULT_SLOTS).fill(12345);
  const status = hp.validateBatches(buf, assignFrom, leaderEpoch, logAppendTime, out);
  return {
    status,
    validBytes: out[ValidateSlot.VALID_BYTES],
    batchCount: out[ValidateSlot.BATCH_COUNT],
    recordCount: out[ValidateSlot.RECORD_COUNT],
    nextOffset: out[ValidateSlot.NEXT_OFFSET],
    maxTimestamp: out[ValidateSlot.MAX_TIMESTAMP],
    offsetOfMaxTimestamp: out[ValidateSlot.OFFSET_OF_MAX_TIMESTAMP],
    lastBatchPosition: out[ValidateSlot.LAST_BATCH_POSITION],
  };
}

const NONE_PASSED = { validBytes: 0, batchCount: 0, recordCount: 0, nextOffset: -1, maxTimestamp: -1, offsetOfMaxTimestamp: -1, lastBatchPosition: -1 };

/** A batch of `count` records with the given timestamps (cycled), at baseOffset. */
function batch(hp: HotPath, count: number, baseOffset = 0, timestamps: number[] = [1000]): Buffer {
  const records: RawRecord[] = Array.from({ length: count }, (_, i) => ({
    key: null,
    value: Buffer.from(`value-${i}`),
    headers: [],
    timestamp: timestamps[i % timestamps.length],
  }));
  return hp.encodeBatch(records, {
    baseOffset,
    partitionLeaderEpoch: 3,
    attributes: 0,
    baseTimestamp: timestamps[0],
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
  });
}

/** Rewrites a header field and, when it is CRC-covered, the CRC, so only the intended check fails. */
function withField(buf: Buffer, write: (copy: Buffer) => void, recomputeCrc: (data: Uint8Array) => number): Buffer {
  const copy = Buffer.from(buf);
  write(copy);
  copy.writeUInt32BE(recomputeCrc(copy.subarray(21)), 17);
  return copy;
}

describe.each(forEachBackend)('validateBatches (%s)', (_name, hp) => {
  const crc = (data: Uint8Array): number => hp.crc32c(data, 0);

  it('accepts an empty buffer with zero counts', () => {
    expect(validate(hp, new Uint8Array(0))).toEqual({ status: BatchStatus.OK, ...NONE_PASSED });
  });

  it('describes one valid batch without changing it', () => {
    const buf = batch(hp, 3, 40, [500, 900, 700]);
    const before = Buffer.from(buf);
    expect(validate(hp, buf)).toEqual({
      status: BatchStatus.OK,
      validBytes: buf.length,
      batchCount: 1,
      recordCount: 3,
      nextOffset: 43,
      maxTimestamp: 900,
      offsetOfMaxTimestamp: 42,
      lastBatchPosition: 0,
    });
    expect(buf.equals(before)).toBe(true);
  });

  it('walks several batches back to back', () => {
    const first = batch(hp, 2, 10, [100]);
    const second = batch(hp, 5, 12, [300]);
    const third = batch(hp, 1, 17, [200]);
    const buf = Buffer.concat([first, second, third]);
    expect(validate(hp, buf)).toEqual({
      status: BatchStatus.OK,
      validBytes: buf.length,
      batchCount: 3,
      recordCount: 8,
      nextOffset: 18,
      maxTimestamp: 300,
      offsetOfMaxTimestamp: 16,
      lastBatchPosition: first.length + second.length,
    });
  });

  it('reports the last offset of the first batch holding the max timestamp on a tie', () => {
    const buf = Buffer.concat([batch(hp, 2, 0, [50]), batch(hp, 2, 2, [70]), batch(hp, 2, 4, [70])]);
    expect(validate(hp, buf)).toMatchObject({ maxTimestamp: 70, offsetOfMaxTimestamp: 3 });
  });

  it('reports a max timestamp below -1 when that is the largest', () => {
    expect(validate(hp, batch(hp, 1, 0, [-5]))).toMatchObject({ status: BatchStatus.OK, maxTimestamp: -5, offsetOfMaxTimestamp: 0 });
  });

  describe('status codes', () => {
    const good = batch(hp, 2, 0);

    it('TRUNCATED when fewer than 12 or 61 bytes remain', () => {
      for (const length of [1, 11, 12, 60]) {
        expect(validate(hp, good.subarray(0, length))).toEqual({ status: BatchStatus.TRUNCATED, ...NONE_PASSED });
      }
    });

    it('TRUNCATED when batchLength claims more than remains', () => {
      expect(validate(hp, good.subarray(0, good.length - 1)).status).toBe(BatchStatus.TRUNCATED);
      const longer = Buffer.from(good);
      longer.writeInt32BE(good.length - 12 + 1, 8);
      expect(validate(hp, longer).status).toBe(BatchStatus.TRUNCATED);
    });

    it('BAD_LENGTH when batchLength is below 49, even before truncation', () => {
      for (const batchLength of [48, 0, -1, -2147483648]) {
        const bad = Buffer.from(good);
        bad.writeInt32BE(batchLength, 8);
        expect(validate(hp, bad).status).toBe(BatchStatus.BAD_LENGTH);
      }
      const shortAndSmall = Buffer.from(good.subarray(0, 61));
      shortAndSmall.writeInt32BE(10, 8);
      expect(validate(hp, shortAndSmall).status).toBe(BatchStatus.BAD_LENGTH);
    });

    it('BAD_MAGIC when the magic byte is not 2', () => {
      for (const magic of [0, 1, 3, 0xff]) {
        const bad = Buffer.from(good);
        bad[16] = magic;
        expect(validate(hp, bad)).toEqual({ status: BatchStatus.BAD_MAGIC, ...NONE_PASSED });
      }
    });

    it('BAD_RECORD_COUNT when recordsCount != lastOffsetDelta + 1 or is not positive, checked before the CRC', () => {
      const cases: Array<[number, number]> = [[2, 2], [1, 3], [0, -1], [-1, 0], [-2, -1], [0x7fffffff, 0x7fffffff], [0x7fffffff, -0x80000000]];
      for (const [lastOffsetDelta, recordsCount] of cases) {
        const rewritten = withField(good, (b) => { b.writeInt32BE(lastOffsetDelta, 23); b.writeInt32BE(recordsCount, 57); }, crc);
        expect(validate(hp, rewritten).status).toBe(BatchStatus.BAD_RECORD_COUNT);
        const staleCrc = Buffer.from(rewritten);
        staleCrc.writeUInt32BE(good.readUInt32BE(17), 17);
        expect(validate(hp, staleCrc).status).toBe(BatchStatus.BAD_RECORD_COUNT);
      }
    });

    it('BAD_CRC when any CRC-covered bit flips, or the stored CRC does', () => {
      // Not 23..26 (lastOffsetDelta) nor 57..60 (recordsCount): flipping those fails the count check first.
      for (const position of [17, 20, 21, 22, 30, 45, 56, 61, good.length - 1]) {
        const bad = Buffer.from(good);
        bad[position] ^= 0x10;
        expect(validate(hp, bad)).toEqual({ status: BatchStatus.BAD_CRC, ...NONE_PASSED });
      }
    });

    it('ignores the fields the CRC does not cover', () => {
      const restamped = Buffer.from(good);
      restamped.writeInt32BE(99, 0);
      restamped.writeInt32BE(77, 12);
      expect(validate(hp, restamped).status).toBe(BatchStatus.OK);
    });
  });

  it('stops at a bad second batch: the slots describe the first only', () => {
    const first = batch(hp, 3, 0, [100]);
    const second = Buffer.from(batch(hp, 2, 3, [999]));
    second[second.length - 1] ^= 1;
    const buf = Buffer.concat([first, second]);
    expect(validate(hp, buf)).toEqual({
      status: BatchStatus.BAD_CRC,
      validBytes: first.length,
      batchCount: 1,
      recordCount: 3,
      nextOffset: 3,
      maxTimestamp: 100,
      offsetOfMaxTimestamp: 2,
      lastBatchPosition: 0,
    });
    expect(validate(hp, Buffer.concat([first, first.subarray(0, 30)]))).toMatchObject({ status: BatchStatus.TRUNCATED, validBytes: first.length, batchCount: 1 });
  });

  it('assigns consecutive offsets and the leader epoch in place to the batches that pass', () => {
    const first = batch(hp, 3, 0, [100]);
    const second = batch(hp, 2, 0, [200]);
    const buf = Buffer.concat([first, second]);
    expect(validate(hp, buf, 1_000, 9)).toMatchObject({ status: BatchStatus.OK, nextOffset: 1_005, offsetOfMaxTimestamp: 1_004 });
    expect(buf.readBigInt64BE(0)).toBe(1_000n);
    expect(buf.readBigInt64BE(first.length)).toBe(1_003n);
    expect(buf.readInt32BE(12)).toBe(9);
    expect(buf.readInt32BE(first.length + 12)).toBe(9);
    // Only baseOffset and the epoch changed, so the batches still pass.
    expect(validate(hp, buf).status).toBe(BatchStatus.OK);
  });

  it('assigns offsets beyond 2^32 exactly', () => {
    const buf = batch(hp, 4, 0);
    const from = 2 ** 40 + 3;
    expect(validate(hp, buf, from, -1)).toMatchObject({ nextOffset: from + 4, offsetOfMaxTimestamp: from + 3 });
    expect(buf.readBigInt64BE(0)).toBe(BigInt(from));
    expect(buf.readInt32BE(12)).toBe(3);
  });

  it('never modifies a failing batch when assigning', () => {
    const first = batch(hp, 1, 0);
    const second = Buffer.from(batch(hp, 1, 0));
    second[16] = 1;
    const buf = Buffer.concat([first, second]);
    const secondBefore = Buffer.from(second);
    expect(validate(hp, buf, 50, 4)).toMatchObject({ status: BatchStatus.BAD_MAGIC, batchCount: 1, nextOffset: 51 });
    expect(buf.readBigInt64BE(0)).toBe(50n);
    expect(buf.subarray(first.length).equals(secondBefore)).toBe(true);
  });

  describe('LogAppendTime', () => {
    it('sets the timestamp-type bit and maxTimestamp, recomputes the CRC, and leaves the records alone', () => {
      const buf = Buffer.concat([batch(hp, 3, 0, [500, 900, 700]), batch(hp, 1, 0, [100])]);
      const before = Buffer.from(buf);
      const first = before.readInt32BE(8) + 12;
      expect(validate(hp, buf, 10, 0, 1_700_000_000_123)).toMatchObject({ status: BatchStatus.OK, maxTimestamp: 1_700_000_000_123, offsetOfMaxTimestamp: 12 });
      for (const at of [0, first]) {
        expect(buf.readInt16BE(at + 21) & 0x08).toBe(0x08);
        expect(buf.readBigInt64BE(at + 35)).toBe(1_700_000_000_123n);
        expect(buf.readBigInt64BE(at + 27)).toBe(before.readBigInt64BE(at + 27));
        expect(buf.subarray(at + 61, at + 12 + buf.readInt32BE(at + 8)).equals(before.subarray(at + 61, at + 12 + before.readInt32BE(at + 8)))).toBe(true);
      }
      expect(validate(hp, buf).status).toBe(BatchStatus.OK);
    });

    it('keeps the codec bits, and leaves a batch that already carries the time unchanged', () => {
      const buf = withField(batch(hp, 1, 0, [5]), (b) => b.writeInt16BE(0x0008, 21), crc);
      buf.writeBigInt64BE(77n, 35);
      buf.writeUInt32BE(crc(buf.subarray(21)), 17);
      const stamped = Buffer.from(buf);
      validate(hp, stamped, -1, -1, 77);
      expect(stamped.equals(buf)).toBe(true);
      const codec = withField(batch(hp, 1, 0, [5]), (b) => b.writeInt16BE(0x0013, 21), crc);
      validate(hp, codec, -1, -1, 78);
      expect(codec.readInt16BE(21)).toBe(0x001b);
    });

    it('never stamps a failing batch', () => {
      const bad = Buffer.from(batch(hp, 1, 0, [5]));
      bad[bad.length - 1] ^= 1;
      const before = Buffer.from(bad);
      expect(validate(hp, bad, 0, 0, 99).status).toBe(BatchStatus.BAD_CRC);
      expect(bad.equals(before)).toBe(true);
    });
  });

  it('works on a Uint8Array view at an offset inside a larger buffer', () => {
    const good = batch(hp, 2, 7);
    const backing = Buffer.alloc(good.length + 10, 0xee);
    good.copy(backing, 5);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 5, good.length);
    expect(validate(hp, view, 100, 1)).toMatchObject({ status: BatchStatus.OK, validBytes: good.length, nextOffset: 102 });
    expect(backing.readBigInt64BE(5)).toBe(100n);
    expect(backing[4]).toBe(0xee);
    expect(backing[5 + good.length]).toBe(0xee);
  });
});
