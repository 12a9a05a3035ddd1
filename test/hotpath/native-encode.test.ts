// The native encoder's two halves: the JavaScript packer with its slab (batches cut from one
// slab must never overlap or change later), and the raw encodeBatchInto binding, which must
// refuse malformed slots and too little room with a status instead of writing out of bounds.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { jsHotPath, type RawBatchHeader, type RawRecord } from '../../src/hotpath/index.js';
import { packageRoot } from '../../src/hotpath/loader.js';
import { packedEncodeBatch, type EncodeBatchInto } from '../../src/hotpath/native-encode.js';
import { nativeHotPath } from '../helpers/backends.js';

const HEADER: RawBatchHeader = { baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, baseTimestamp: 1_700_000_000_000, producerId: -1, producerEpoch: -1, baseSequence: -1 };

function records(count: number, valueBytes: number, seed: number): RawRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`k${seed}-${i}`),
    value: Buffer.alloc(valueBytes, (seed + i) & 0xff),
    headers: i % 3 === 0 ? [{ key: 'h', value: Buffer.from([seed & 0xff]) }] : [],
    timestamp: HEADER.baseTimestamp + i,
  }));
}

const addon: { encodeBatchInto: EncodeBatchInto } | null =
  nativeHotPath === null ? null : (createRequire(import.meta.url)('node-gyp-build')(packageRoot()) as { encodeBatchInto: EncodeBatchInto });

describe.skipIf(nativeHotPath === null)('native encodeBatch memory', () => {
  const hp = nativeHotPath!;

  it('keeps every batch intact while later ones fill the slab and the next (small, large, own-buffer sizes)', () => {
    const inputs = Array.from({ length: 120 }, (_, seed) => records(1 + (seed % 7) * 9, seed % 11 === 0 ? 20_000 : 40 + seed, seed));
    const batches = inputs.map((input) => hp.encodeBatch(input, HEADER));
    const totalBytes = batches.reduce((sum, b) => sum + b.length, 0);
    expect(totalBytes).toBeGreaterThan(512 * 1024); // crossed at least two slabs
    inputs.forEach((input, i) => expect(batches[i].equals(jsHotPath.encodeBatch(input, HEADER))).toBe(true));
  });

  it('hands out regions that do not overlap', () => {
    const batches = Array.from({ length: 40 }, (_, seed) => hp.encodeBatch(records(5, 100, seed), HEADER));
    const regions = batches
      .map((b) => ({ buffer: b.buffer, start: b.byteOffset, end: b.byteOffset + b.length }))
      .sort((a, b) => a.start - b.start);
    for (let i = 1; i < regions.length; i++) {
      if (regions[i].buffer === regions[i - 1].buffer) expect(regions[i].start).toBeGreaterThanOrEqual(regions[i - 1].end);
    }
  });
});

describe.skipIf(addon === null)('encodeBatchInto (raw binding)', () => {
  const encodeInto = addon!.encodeBatchInto;
  /** Packs like the loader does, but captures the arguments instead of encoding. */
  function packed(input: RawRecord[]): { data: Uint8Array; dataLength: number; meta: Float64Array; count: number } {
    let captured: { data: Uint8Array; dataLength: number; meta: Float64Array; count: number } | undefined;
    const headerSlots = 2 * input.reduce((sum, r) => sum + r.headers.length, 0);
    packedEncodeBatch((data, dataLength, meta, count) => {
      // Only the slots in use: the packer's scratch is larger, and zeros past them would read as headers.
      captured = { data: Buffer.from(data), dataLength, meta: meta.slice(0, 7 + 4 * count + headerSlots), count };
      return 0;
    })(input, HEADER);
    return captured!;
  }

  it('writes the same bytes as the TypeScript twin and returns the size', () => {
    const input = records(10, 30, 1);
    const { data, dataLength, meta, count } = packed(input);
    const out = Buffer.alloc(4096, 0xee);
    const size = encodeInto(data, dataLength, meta, count, out, 100);
    const expected = jsHotPath.encodeBatch(input, HEADER);
    expect(size).toBe(expected.length);
    expect(out.subarray(100, 100 + size).equals(expected)).toBe(true);
    expect(out[99]).toBe(0xee); // nothing before the offset
  });

  it('answers -3 (no room) for every capacity short of the batch, never writing past it', () => {
    const input = records(4, 20, 2);
    const { data, dataLength, meta, count } = packed(input);
    const size = jsHotPath.encodeBatch(input, HEADER).length;
    for (let capacity = 0; capacity < size; capacity++) {
      const out = Buffer.alloc(size + 16, 0xee);
      expect(encodeInto(data, dataLength, meta, count, out.subarray(0, capacity), 0)).toBe(-3);
      expect(out.subarray(capacity).every((byte) => byte === 0xee)).toBe(true);
    }
  });

  it('answers -2 (malformed) for lengths beyond the data, bad length slots and too many headers', () => {
    const { data, dataLength, meta, count } = packed(records(3, 10, 3));
    const out = Buffer.alloc(4096);
    expect(encodeInto(data, dataLength - 1, meta, count, out, 0)).toBe(-2);
    for (const [slot, value] of [[7 + 1, -2], [7 + 2, 2 ** 31], [7 + 2, Number.NaN], [7 + 3, 1000], [7 + 3, -1]] as const) {
      const bad = meta.slice();
      bad[slot] = value;
      expect(encodeInto(data, dataLength, bad, count, out, 0)).toBe(-2);
    }
  });

  it('throws a TypeError for arguments of the wrong type or out of range', () => {
    const { data, dataLength, meta, count } = packed(records(1, 1, 4));
    const out = Buffer.alloc(256);
    const bad: unknown[][] = [
      [data, dataLength, meta, count, out],
      [data, dataLength + 1e9, meta, count, out, 0],
      [data, dataLength, meta, count + 1, out, 0],
      [data, dataLength, meta, count, out, 257],
      [data, dataLength, meta, count, new Float64Array(4), 0],
      [meta, dataLength, meta, count, out, 0],
    ];
    bad.forEach((args, i) => expect(() => (encodeInto as (...a: unknown[]) => number)(...args), `case ${i}`).toThrow(TypeError));
  });
});
