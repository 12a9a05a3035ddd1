import { describe, expect, it } from 'vitest';
import { OFFSET_INDEX_ENTRY_BYTES, TIME_INDEX_ENTRY_BYTES } from '../../src/hotpath/index.js';
import { forEachBackend } from '../helpers/backends.js';

/** An offset index: int32 relative offset + int32 position per entry, big-endian. */
function offsetIndex(relativeOffsets: number[], spareEntries = 0): Buffer {
  const buf = Buffer.alloc((relativeOffsets.length + spareEntries) * OFFSET_INDEX_ENTRY_BYTES, 0x7f);
  relativeOffsets.forEach((relative, slot) => {
    buf.writeInt32BE(relative, slot * OFFSET_INDEX_ENTRY_BYTES);
    buf.writeInt32BE(slot * 100, slot * OFFSET_INDEX_ENTRY_BYTES + 4);
  });
  return buf;
}

/** A time index: int64 timestamp + int32 relative offset per entry, big-endian. */
function timeIndex(timestamps: number[], spareEntries = 0): Buffer {
  const buf = Buffer.alloc((timestamps.length + spareEntries) * TIME_INDEX_ENTRY_BYTES, 0x7f);
  timestamps.forEach((timestamp, slot) => {
    buf.writeBigInt64BE(BigInt(timestamp), slot * TIME_INDEX_ENTRY_BYTES);
    buf.writeInt32BE(slot, slot * TIME_INDEX_ENTRY_BYTES + 8);
  });
  return buf;
}

describe.each(forEachBackend)('lookupOffsetIndex (%s)', (_name, hp) => {
  const index = offsetIndex([0, 10, 20, 30, 40]);

  it('returns -1 for an empty index', () => {
    expect(hp.lookupOffsetIndex(new Uint8Array(0), 0, 5)).toBe(-1);
    expect(hp.lookupOffsetIndex(index, 0, 5)).toBe(-1);
  });

  it('returns -1 below the first entry', () => {
    expect(hp.lookupOffsetIndex(offsetIndex([5, 9]), 2, 4)).toBe(-1);
    expect(hp.lookupOffsetIndex(index, 5, -1)).toBe(-1);
  });

  it('returns the slot of an equal key, and of the last key below a target between keys', () => {
    expect([0, 10, 20, 30, 40].map((target) => hp.lookupOffsetIndex(index, 5, target))).toEqual([0, 1, 2, 3, 4]);
    expect([1, 9, 11, 29, 39].map((target) => hp.lookupOffsetIndex(index, 5, target))).toEqual([0, 0, 1, 2, 3]);
  });

  it('returns the last slot above the last entry', () => {
    expect(hp.lookupOffsetIndex(index, 5, 41)).toBe(4);
    expect(hp.lookupOffsetIndex(index, 5, 0x7fffffff)).toBe(4);
  });

  it('returns the last of duplicate keys', () => {
    const duplicates = offsetIndex([1, 3, 3, 3, 7, 7]);
    expect(hp.lookupOffsetIndex(duplicates, 6, 3)).toBe(3);
    expect(hp.lookupOffsetIndex(duplicates, 6, 5)).toBe(3);
    expect(hp.lookupOffsetIndex(duplicates, 6, 7)).toBe(5);
  });

  it('searches only the first `entries` entries, ignoring the preallocated tail', () => {
    const preallocated = offsetIndex([0, 10, 20], 10);
    expect(hp.lookupOffsetIndex(preallocated, 3, 1_000_000)).toBe(2);
    expect(hp.lookupOffsetIndex(preallocated, 2, 1_000_000)).toBe(1);
  });

  it('finds every slot of a large index', () => {
    const relativeOffsets = Array.from({ length: 10_000 }, (_, i) => i * 3);
    const large = offsetIndex(relativeOffsets);
    for (let slot = 0; slot < relativeOffsets.length; slot += 97) {
      expect(hp.lookupOffsetIndex(large, relativeOffsets.length, slot * 3 + 2)).toBe(slot);
    }
  });
});

describe.each(forEachBackend)('lookupTimeIndex (%s)', (_name, hp) => {
  const base = 1_700_000_000_000;
  const index = timeIndex([base, base + 10, base + 20, base + 30]);

  it('returns -1 for an empty index and below the first entry', () => {
    expect(hp.lookupTimeIndex(new Uint8Array(0), 0, base)).toBe(-1);
    expect(hp.lookupTimeIndex(index, 0, base + 100)).toBe(-1);
    expect(hp.lookupTimeIndex(index, 4, base - 1)).toBe(-1);
  });

  it('returns equal, between and above-last slots', () => {
    expect(hp.lookupTimeIndex(index, 4, base)).toBe(0);
    expect(hp.lookupTimeIndex(index, 4, base + 20)).toBe(2);
    expect(hp.lookupTimeIndex(index, 4, base + 25)).toBe(2);
    expect(hp.lookupTimeIndex(index, 4, base + 31)).toBe(3);
    expect(hp.lookupTimeIndex(index, 4, Number.MAX_SAFE_INTEGER)).toBe(3);
  });

  it('returns the last of duplicate timestamps', () => {
    const duplicates = timeIndex([5, 5, 8, 8, 8, 9]);
    expect(hp.lookupTimeIndex(duplicates, 6, 5)).toBe(1);
    expect(hp.lookupTimeIndex(duplicates, 6, 8)).toBe(4);
  });

  it('compares full 64-bit timestamps, negative ones and ones differing only in the high word', () => {
    const wide = timeIndex([-(2 ** 40), -1, 0, 2 ** 32, 2 ** 33, 2 ** 50]);
    expect(hp.lookupTimeIndex(wide, 6, -(2 ** 40) - 1)).toBe(-1);
    expect(hp.lookupTimeIndex(wide, 6, -2)).toBe(0);
    expect(hp.lookupTimeIndex(wide, 6, 2 ** 32 - 1)).toBe(2);
    expect(hp.lookupTimeIndex(wide, 6, 2 ** 33 + 1)).toBe(4);
    expect(hp.lookupTimeIndex(wide, 6, 2 ** 50)).toBe(5);
  });

  it('reads a Uint8Array view at an unaligned offset', () => {
    const bytes = timeIndex([10, 20, 30]);
    const backing = Buffer.alloc(bytes.length + 3);
    bytes.copy(backing, 3);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 3, bytes.length);
    expect(hp.lookupTimeIndex(view, 3, 25)).toBe(1);
  });
});
