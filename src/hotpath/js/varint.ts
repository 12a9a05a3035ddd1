// Zigzag varints (int32) and varlongs (int64) of Kafka's record format, on numbers.
// A varlong's value is a safe integer on the common path; a timestamp delta between two safe
// integers can exceed 2^53, and only then the *Big variants take over, so BigInt stays off the
// hot path without giving up exactness.

/** Bytes of the zigzag varint of an int32. */
export function varintSize(value: number): number {
  const zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  if (zigzag < 0x80) return 1;
  if (zigzag < 0x4000) return 2;
  if (zigzag < 0x200000) return 3;
  if (zigzag < 0x10000000) return 4;
  return 5;
}

/** Writes the zigzag varint of an int32 at pos; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  while (zigzag >= 0x80) {
    buf[pos++] = (zigzag & 0x7f) | 0x80;
    zigzag >>>= 7;
  }
  buf[pos++] = zigzag;
  return pos;
}

// The zigzag of n is 2 * half + sign with half = n or -n - 1, both exact for a safe n, while
// 2 * half + 1 may not be: so the low 7 bits come from half's low 6 bits and the sign, and the
// remaining groups from half / 64, never forming the zigzag value itself.
function zigzagHalf(value: number): number {
  return value >= 0 ? value : -value - 1;
}

/** Bytes of the zigzag varlong of a safe integer. */
export function varlongSize(value: number): number {
  let rest = Math.floor(zigzagHalf(value) / 64);
  let size = 1;
  while (rest > 0) {
    size++;
    rest = Math.floor(rest / 128);
  }
  return size;
}

/** Writes the zigzag varlong of a safe integer at pos; returns the position after it. */
export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  const half = zigzagHalf(value);
  let group = ((half % 64) << 1) | (value < 0 ? 1 : 0);
  let rest = Math.floor(half / 64);
  while (rest > 0) {
    buf[pos++] = group | 0x80;
    group = rest % 128;
    rest = Math.floor(rest / 128);
  }
  buf[pos++] = group;
  return pos;
}

function zigzagBig(value: bigint): bigint {
  return value >= 0n ? value << 1n : ((-value) << 1n) - 1n;
}

/** Bytes of the zigzag varlong of an int64 held as a bigint (rare path). */
export function varlongSizeBig(value: bigint): number {
  let zigzag = zigzagBig(value);
  let size = 1;
  while (zigzag >= 0x80n) {
    size++;
    zigzag >>= 7n;
  }
  return size;
}

/** Writes the zigzag varlong of an int64 held as a bigint (rare path). */
export function writeVarlongBig(buf: Uint8Array, pos: number, value: bigint): number {
  let zigzag = zigzagBig(value);
  while (zigzag >= 0x80n) {
    buf[pos++] = Number(zigzag & 0x7fn) | 0x80;
    zigzag >>= 7n;
  }
  buf[pos++] = Number(zigzag);
  return pos;
}
