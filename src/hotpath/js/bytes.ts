// Big-endian reads and writes on a plain Uint8Array. The hot path takes Uint8Array (not only
// Buffer), and indexing bytes directly avoids a DataView allocation per call.

const TWO_32 = 2 ** 32;

export function readInt32(buf: Uint8Array, pos: number): number {
  return (buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3];
}

export function readUint32(buf: Uint8Array, pos: number): number {
  return readInt32(buf, pos) >>> 0;
}

/** int64 as a number: exact for safe integers, rounded (like a C++ double cast) beyond. */
export function readInt64(buf: Uint8Array, pos: number): number {
  return readInt32(buf, pos) * TWO_32 + readUint32(buf, pos + 4);
}

export function writeInt16(buf: Uint8Array, pos: number, value: number): void {
  buf[pos] = value >>> 8;
  buf[pos + 1] = value;
}

export function writeInt32(buf: Uint8Array, pos: number, value: number): void {
  buf[pos] = value >>> 24;
  buf[pos + 1] = value >>> 16;
  buf[pos + 2] = value >>> 8;
  buf[pos + 3] = value;
}

/** Writes a safe integer as a big-endian two's-complement int64. */
export function writeInt64(buf: Uint8Array, pos: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  writeInt32(buf, pos, high);
  writeInt32(buf, pos + 4, value - high * TWO_32);
}
