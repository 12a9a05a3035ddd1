// Exact int64 arithmetic for offsets and timestamps read from batches. Values are numbers
// while they are exactly representable (|v| <= 2^53, the common case); beyond, a bigint
// carries them, so the TypeScript backend wraps and rounds exactly like native/'s int64 math
// followed by one cast to double, even for hostile batches with offsets near 2^63.
import { readInt32, readUint32, writeInt32, writeInt64 } from './bytes.js';

export type Int64 = number | bigint;

const TWO_32 = 2 ** 32;
const EXACT_HIGH_WORD = 0x200000; // |high| < 2^21 keeps high * 2^32 + low within ±2^53

/** Reads a big-endian int64: a number when exact, else a bigint. */
export function readInt64Exact(buf: Uint8Array, pos: number): Int64 {
  const high = readInt32(buf, pos);
  const low = readUint32(buf, pos + 4);
  if (high >= -EXACT_HIGH_WORD && high < EXACT_HIGH_WORD) return high * TWO_32 + low;
  return (BigInt(high) << 32n) + BigInt(low);
}

/** a + b with int64 two's-complement wrap-around (b is a small integer). */
export function addInt64(a: Int64, b: number): Int64 {
  if (typeof a === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
    return BigInt.asIntN(64, BigInt(a) + BigInt(b));
  }
  const sum = BigInt.asIntN(64, a + BigInt(b));
  return sum >= BigInt(Number.MIN_SAFE_INTEGER) && sum <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(sum) : sum;
}

/** Writes an int64 held as a number or a bigint, big-endian. */
export function writeInt64Exact(buf: Uint8Array, pos: number, value: Int64): void {
  if (typeof value === 'number') {
    writeInt64(buf, pos, value);
    return;
  }
  writeInt32(buf, pos, Number(BigInt.asIntN(32, value >> 32n)));
  writeInt32(buf, pos + 4, Number(BigInt.asUintN(32, value)));
}
