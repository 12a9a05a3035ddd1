// Zigzag varints of the v2 record format (NOTES.md §4.2), in TypeScript, for the decoder and
// for tests that hand-craft records. The encoder never uses these: the hot path writes varints.
//
// Reads go through a ByteReader that bounds-checks every step, because the decoder is fed
// bytes from the network and must fail with a clear error rather than read past a record.

/** Longest varint (int32) and varlong (int64) encodings. */
const MAX_VARINT_BYTES = 5;
const MAX_VARLONG_BYTES = 10;

/** Raised by ByteReader when the bytes do not hold what is asked for; the decoder wraps it. */
export class VarintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VarintError';
  }
}

/** A cursor over a byte range [pos, end) that reads Kafka's record-level primitives. */
export class ByteReader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    /** Exclusive bound of what may be read; a caller may narrow it to one record and widen it back. */
    public end: number = buf.length,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  readInt8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }

  /** Zigzag int32 (at most 5 bytes). */
  readVarint(): number {
    let unsigned = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      this.need(1, 'varint');
      const byte = this.buf[this.pos++];
      unsigned |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) === 0) {
        unsigned >>>= 0;
        return (unsigned >>> 1) ^ -(unsigned & 1);
      }
    }
    throw new VarintError(`varint longer than ${MAX_VARINT_BYTES} bytes at ${this.pos}`);
  }

  /**
   * Zigzag int64 (at most 10 bytes) as a number. Values outside the safe-integer range are
   * refused rather than silently rounded: no timestamp delta comes anywhere near them.
   */
  readVarlong(): number {
    let unsigned = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
      this.need(1, 'varlong');
      const byte = this.buf[this.pos++];
      unsigned += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return zigzagDecodeSafe(unsigned, this.pos);
      scale *= 128;
    }
    throw new VarintError(`varlong longer than ${MAX_VARLONG_BYTES} bytes at ${this.pos}`);
  }

  /** Varint length then that many bytes; length -1 means null. Returns a view, not a copy. */
  readNullableBytes(what: string): Buffer | null {
    const length = this.skipNullableBytes(what);
    return length === -1 ? null : this.buf.subarray(this.pos - length, this.pos);
  }

  /** Varint length then that many bytes, stepped over: returns the length (-1 for null); the bytes end at pos. */
  skipNullableBytes(what: string): number {
    const length = this.readVarint();
    if (length === -1) return -1;
    if (length < -1) throw new VarintError(`negative ${what} length ${length} at ${this.pos}`);
    this.need(length, what);
    this.pos += length;
    return length;
  }

  /** Varint length then UTF-8 bytes; header keys may not be null. */
  readString(what: string): string {
    const bytes = this.readNullableBytes(what);
    if (bytes === null) throw new VarintError(`null ${what} at ${this.pos}`);
    return bytes.toString('utf8');
  }

  private need(bytes: number, what: string): void {
    if (this.pos + bytes > this.end) {
      throw new VarintError(`${what} needs ${bytes} byte(s) at ${this.pos} but the record ends at ${this.end}`);
    }
  }
}

function zigzagDecodeSafe(unsigned: number, pos: number): number {
  if (unsigned > Number.MAX_SAFE_INTEGER) {
    throw new VarintError(`varlong beyond the safe integer range at ${pos}`);
  }
  // (z >>> 1) ^ -(z & 1), in floating point because z may exceed 32 bits.
  return unsigned % 2 === 0 ? unsigned / 2 : -(unsigned - 1) / 2 - 1;
}

/** Bytes the zigzag varint/varlong encoding of n takes. */
export function sizeOfVarlong(n: number): number {
  let unsigned = zigzagEncode(n);
  let size = 1;
  while (unsigned >= 128) {
    unsigned = Math.floor(unsigned / 128);
    size++;
  }
  return size;
}

/** Zigzag varint/varlong encoding of a safe integer, as bytes (for tests and tools). */
export function encodeVarlong(n: number): Buffer {
  let unsigned = zigzagEncode(n);
  const bytes: number[] = [];
  while (unsigned >= 128) {
    bytes.push((unsigned % 128) | 0x80);
    unsigned = Math.floor(unsigned / 128);
  }
  bytes.push(unsigned);
  return Buffer.from(bytes);
}

function zigzagEncode(n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`varlong value ${n} is not a safe integer`);
  return n >= 0 ? n * 2 : -n * 2 - 1;
}
