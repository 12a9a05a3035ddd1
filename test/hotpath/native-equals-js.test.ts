// Differential property tests: for random inputs the native addon and the TypeScript twin must
// give identical bytes, statuses, result slots and in-place mutations. Each property's run
// count is bounded so the whole file takes a few seconds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  OFFSET_INDEX_ENTRY_BYTES,
  TIME_INDEX_ENTRY_BYTES,
  VALIDATE_RESULT_SLOTS,
  type HotPath,
  type RawBatchHeader,
  type RawHeader,
  type RawRecord,
} from '../../src/hotpath/index.js';
import { jsHotPath, nativeHotPath } from '../helpers/backends.js';

const INT16_MIN = -0x8000;
const INT16_MAX = 0x7fff;
/** Result slots the interface defines (slot 7 is spare). */
const DEFINED_SLOTS = 7;

// ---- Arbitraries --------------------------------------------------------------------------

function patternedBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** The same bytes as a view starting inside a larger buffer, to catch byteOffset mistakes. */
function atOddOffset(bytes: Uint8Array): Uint8Array {
  const backing = new Uint8Array(bytes.length + 3).fill(0xcc);
  backing.set(bytes, 3);
  return backing.subarray(3);
}

const smallBytes = fc.uint8Array({ maxLength: 40 });
const largeBytes = fc.tuple(fc.integer({ min: 128, max: 20_000 }), fc.integer()).map(([length, seed]) => patternedBytes(length, seed));
const someBytes = fc.oneof({ weight: 6, arbitrary: smallBytes }, { weight: 1, arbitrary: largeBytes }).chain((bytes) =>
  fc.boolean().map((shifted) => (shifted ? atOddOffset(bytes) : bytes)),
);
const nullableBytes: fc.Arbitrary<Uint8Array | null> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
  { weight: 6, arbitrary: someBytes },
);

// Header keys: ASCII, any code point, and raw UTF-16 units (lone surrogates, NUL).
const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const headerKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: utf16Unit, maxLength: 6 }),
);
const rawHeader: fc.Arbitrary<RawHeader> = fc.record({ key: headerKey, value: nullableBytes });

const safeEdges = fc.constantFrom(0, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER);
const anySafeInteger = fc.oneof(fc.maxSafeInteger(), safeEdges);
const realisticTime = fc.integer({ min: 0, max: 2_000_000 }).map((seconds) => 1_600_000_000_000 + seconds * 1000 + (seconds % 997));

/** Timestamps near a base (small positive and negative deltas) or anywhere in the safe range. */
function timestampNear(base: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -100_000, max: 100_000 }).map((delta) => Math.min(Number.MAX_SAFE_INTEGER, Math.max(Number.MIN_SAFE_INTEGER, base + delta))) },
    { weight: 1, arbitrary: anySafeInteger },
  );
}

function rawRecord(base: number): fc.Arbitrary<RawRecord> {
  return fc.record({
    key: nullableBytes,
    value: nullableBytes,
    headers: fc.array(rawHeader, { maxLength: 4 }),
    timestamp: timestampNear(base),
  });
}

const batchHeader = (baseTimestamp: number): fc.Arbitrary<RawBatchHeader> =>
  fc.record({
    baseOffset: anySafeInteger,
    partitionLeaderEpoch: fc.integer(),
    attributes: fc.integer({ min: INT16_MIN, max: INT16_MAX }).map((attributes) => attributes & ~0x07),
    baseTimestamp: fc.constant(baseTimestamp),
    producerId: anySafeInteger,
    producerEpoch: fc.integer({ min: INT16_MIN, max: INT16_MAX }),
    baseSequence: fc.integer(),
  });

/** Records and a header whose baseTimestamp is realistic or anywhere. */
const batchInput = fc
  .oneof({ weight: 3, arbitrary: realisticTime }, { weight: 1, arbitrary: anySafeInteger })
  .chain((base) => fc.tuple(fc.array(rawRecord(base), { minLength: 1, maxLength: 8 }), batchHeader(base)));

// ---- Corruptions for validateBatches ---------------------------------------------------

const int64 = fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n);

/** A change to a buffer of batches; `at` values are reduced modulo the relevant length. */
type Corruption =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }
  | { kind: 'int32'; batch: number; field: 8 | 23 | 57; value: number }
  | { kind: 'baseOffset'; batch: number; value: bigint }
  | { kind: 'resealed'; batch: number; field: 'maxTimestamp'; value: bigint }
  | { kind: 'resealed'; batch: number; field: 'recordCount'; value: number };

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 80 }) }),
  fc.record({ kind: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({
    kind: fc.constant('int32' as const),
    batch: fc.nat(),
    field: fc.constantFrom(8 as const, 23 as const, 57 as const),
    value: fc.oneof(fc.integer(), fc.integer({ min: -2, max: 80 })),
  }),
  fc.record({ kind: fc.constant('baseOffset' as const), batch: fc.nat(), value: int64 }),
  fc.record({ kind: fc.constant('resealed' as const), batch: fc.nat(), field: fc.constant('maxTimestamp' as const), value: int64 }),
  fc.record({ kind: fc.constant('resealed' as const), batch: fc.nat(), field: fc.constant('recordCount' as const), value: fc.integer({ min: 1, max: 0x7fffffff }) }),
);

/** Applies a corruption; `starts` are the batch positions of the uncorrupted buffer. */
function corrupt(buf: Buffer, starts: number[], change: Corruption): Buffer {
  const batchStart = (batch: number): number => starts[batch % starts.length];
  const fits = (pos: number, bytes: number): boolean => pos + bytes <= buf.length;
  switch (change.kind) {
    case 'flip':
      if (buf.length > 0) buf[change.at % buf.length] ^= 1 << change.bit;
      return buf;
    case 'truncate':
      return buf.subarray(0, change.at % (buf.length + 1));
    case 'append':
      return Buffer.concat([buf, change.bytes]);
    case 'overwrite':
      if (buf.length > 0) buf.set(change.bytes.subarray(0, buf.length - (change.at % buf.length)), change.at % buf.length);
      return buf;
    case 'int32': {
      const pos = batchStart(change.batch) + change.field;
      if (fits(pos, 4)) buf.writeInt32BE(change.value, pos);
      return buf;
    }
    case 'baseOffset': {
      const pos = batchStart(change.batch);
      if (fits(pos, 8)) buf.writeBigInt64BE(change.value, pos);
      return buf;
    }
    case 'resealed': {
      // A hostile producer can set any covered field and a matching CRC: the batch still passes.
      const pos = batchStart(change.batch);
      if (!fits(pos, 61)) return buf;
      if (change.field === 'maxTimestamp') buf.writeBigInt64BE(change.value, pos + 35);
      else {
        buf.writeInt32BE(change.value - 1, pos + 23);
        buf.writeInt32BE(change.value, pos + 57);
      }
      const end = Math.min(buf.length, pos + 12 + Math.max(49, buf.readInt32BE(pos + 8)));
      buf.writeUInt32BE(jsHotPath.crc32c(buf.subarray(pos + 21, end), 0), pos + 17);
      return buf;
    }
  }
}

const simpleRecord: fc.Arbitrary<RawRecord> = fc.record({
  key: fc.option(smallBytes),
  value: fc.option(smallBytes),
  headers: fc.constant([]),
  timestamp: fc.oneof(realisticTime, anySafeInteger),
});

/** 0-4 valid batches back to back, then 0-3 corruptions. */
const corruptedBatches = fc
  .tuple(
    fc.array(fc.tuple(fc.array(simpleRecord, { minLength: 1, maxLength: 5 }), anySafeInteger, realisticTime), { maxLength: 4 }),
    fc.array(corruption, { maxLength: 3 }),
  )
  .map(([batches, changes]) => {
    const encoded = batches.map(([records, baseOffset, baseTimestamp]) =>
      jsHotPath.encodeBatch(records, { baseOffset, partitionLeaderEpoch: 0, attributes: 0, baseTimestamp, producerId: -1, producerEpoch: -1, baseSequence: -1 }),
    );
    const starts = encoded.map((_, i) => encoded.slice(0, i).reduce((sum, b) => sum + b.length, 0));
    let buf: Buffer = Buffer.concat(encoded);
    for (const change of changes) buf = corrupt(buf, starts.length > 0 ? starts : [0], change);
    return buf;
  });

const anyBuffer = fc.oneof(
  { weight: 6, arbitrary: corruptedBatches },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
);
const assignFrom = fc.oneof(fc.constant(-1), fc.integer({ min: -1000, max: -1 }), fc.maxSafeNat(), fc.constantFrom(0, Number.MAX_SAFE_INTEGER - 3, 2 ** 53 - 100));
const leaderEpoch = fc.oneof(fc.constant(-1), fc.integer());
const logAppendTime = fc.oneof(fc.constant(-1), fc.maxSafeNat(), fc.integer({ min: 0, max: 2 ** 42 }));

function validateOutcome(hp: HotPath, buf: Buffer, from: number, epoch: number, appendTime: number): { status: number; slots: number[]; bytes: string } {
  const copy = Buffer.from(buf);
  const out = new Float64Array(VALIDATE_RESULT_SLOTS);
  const status = hp.validateBatches(copy, from, epoch, appendTime, out);
  return { status, slots: Array.from(out.subarray(0, DEFINED_SLOTS)), bytes: copy.toString('hex') };
}

// ---- Index contents --------------------------------------------------------------------

function offsetIndexOf(keys: number[]): Buffer {
  const buf = Buffer.alloc(keys.length * OFFSET_INDEX_ENTRY_BYTES);
  keys.forEach((key, slot) => buf.writeInt32BE(key, slot * OFFSET_INDEX_ENTRY_BYTES));
  return buf;
}

function timeIndexOf(keys: bigint[]): Buffer {
  const buf = Buffer.alloc(keys.length * TIME_INDEX_ENTRY_BYTES);
  keys.forEach((key, slot) => buf.writeBigInt64BE(key, slot * TIME_INDEX_ENTRY_BYTES));
  return buf;
}

const sortedInt32s = fc.array(fc.oneof(fc.integer(), fc.integer({ min: -5, max: 50 })), { maxLength: 200 }).map((keys) => keys.sort((a, b) => a - b));
const sortedInt64s = fc
  .array(fc.oneof(fc.maxSafeInteger().map(BigInt), int64, fc.bigInt(-5n, 50n)), { maxLength: 200 })
  .map((keys) => keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

// ---- Properties ------------------------------------------------------------------------

describe.skipIf(nativeHotPath === null)('native equals js', () => {
  const native = nativeHotPath as HotPath;
  const js = jsHotPath;

  it('encodeBatch: identical bytes for random records and header fields', () => {
    fc.assert(
      fc.property(batchInput, ([records, header]) => {
        expect(native.encodeBatch(records, header).toString('hex')).toBe(js.encodeBatch(records, header).toString('hex'));
      }),
      { numRuns: 500 },
    );
  });

  it('validateBatches: identical status, slots and mutated bytes for corrupted batch streams', () => {
    fc.assert(
      fc.property(anyBuffer, assignFrom, leaderEpoch, logAppendTime, (buf, from, epoch, appendTime) => {
        expect(validateOutcome(native, buf, from, epoch, appendTime)).toEqual(validateOutcome(js, buf, from, epoch, appendTime));
      }),
      { numRuns: 3000 },
    );
  });

  it('crc32c: identical for random data, views and inits', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 300 }), largeBytes),
        fc.nat(),
        fc.integer().map((init) => init >>> 0),
        (data, cut, init) => {
          const view = data.subarray(cut % (data.length + 1));
          expect(native.crc32c(view, init)).toBe(js.crc32c(view, init));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('lookupOffsetIndex: identical slots for random sorted indexes and targets', () => {
    fc.assert(
      fc.property(sortedInt32s, fc.nat(), fc.oneof(fc.integer(), fc.integer({ min: -5, max: 55 })), (keys, used, target) => {
        const index = offsetIndexOf(keys);
        const entries = used % (keys.length + 1);
        expect(native.lookupOffsetIndex(index, entries, target)).toBe(js.lookupOffsetIndex(index, entries, target));
      }),
      { numRuns: 1000 },
    );
  });

  it('lookupTimeIndex: identical slots for random sorted indexes and targets', () => {
    fc.assert(
      fc.property(sortedInt64s, fc.nat(), fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -5, max: 55 })), (keys, used, target) => {
        const index = timeIndexOf(keys);
        const entries = used % (keys.length + 1);
        expect(native.lookupTimeIndex(index, entries, target)).toBe(js.lookupTimeIndex(index, entries, target));
      }),
      { numRuns: 1000 },
    );
  });
});
