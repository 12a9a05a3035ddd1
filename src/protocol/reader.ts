// Reads Kafka's wire primitives (NOTES.md §3.2) from a Buffer, franz-go style: a read that
// cannot be satisfied returns a zero value and records a STICKY error (the first one wins,
// with its byte position), and every later read fails fast. Generated decoders therefore run
// straight through without a check per field; the caller checks once per message with
// `complete()` / `error` / `throwIfFailed()`.
//
// Nothing here allocates per field beyond the value itself: strings decode straight from the
// byte range, bytes/records come back as zero-copy subarray views of the input buffer (they keep
// the frame alive), and lengths/counts larger than the bytes left are rejected before anything
// is allocated, so hostile input cannot trigger an unbounded allocation.
import { ProtocolError, type ProtocolErrorKind } from './protocol-error.js';

/** 2^32, for assembling 64-bit integers from two 32-bit halves. */
const TWO_POW_32 = 4294967296;
/** An unsigned varint never needs more than 5 bytes for 32 bits. */
const MAX_UVARINT_BYTES = 5;
/** Shared empty view returned for empty byte fields and as the zero value after an error. */
const EMPTY = Buffer.alloc(0);

export class Reader {
  /** The first error hit, or null while every read has succeeded. */
  error: ProtocolError | null = null;

  constructor(
    readonly buf: Buffer,
    /** Position of the next read. */
    public offset = 0,
    /** One past the last readable byte. */
    readonly end: number = buf.length,
  ) {}

  get remaining(): number {
    return this.end - this.offset;
  }

  /** True when no read has failed. */
  complete(): boolean {
    return this.error === null;
  }

  throwIfFailed(): void {
    if (this.error !== null) throw this.error;
  }

  /** Records the error (keeping the first) and parks the cursor at the end so later reads fail fast. */
  fail(kind: ProtocolErrorKind, message: string): void {
    if (this.error === null) this.error = new ProtocolError(kind, message, this.offset);
    this.offset = this.end;
  }

  /** Claims n bytes and returns where they start, or -1 (and a sticky error) when they are not there. */
  private take(n: number, what: string): number {
    const start = this.offset;
    if (n > this.end - start) {
      this.fail('TRUNCATED', `${what} needs ${n} byte(s) but ${this.end - start} remain`);
      return -1;
    }
    this.offset = start + n;
    return start;
  }

  skip(n: number): void {
    this.take(n, 'skipped field');
  }

  // ---- fixed-width integers (big-endian) ----

  bool(): boolean {
    const p = this.take(1, 'bool');
    return p >= 0 && this.buf[p] !== 0;
  }

  int8(): number {
    const p = this.take(1, 'int8');
    return p < 0 ? 0 : (this.buf[p] << 24) >> 24;
  }

  int16(): number {
    const p = this.take(2, 'int16');
    return p < 0 ? 0 : (((this.buf[p] << 8) | this.buf[p + 1]) << 16) >> 16;
  }

  uint16(): number {
    const p = this.take(2, 'uint16');
    return p < 0 ? 0 : (this.buf[p] << 8) | this.buf[p + 1];
  }

  int32(): number {
    const p = this.take(4, 'int32');
    if (p < 0) return 0;
    const b = this.buf;
    return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  }

  uint32(): number {
    return this.int32() >>> 0;
  }

  /** int64 exactly, as a bigint. */
  int64(): bigint {
    const p = this.take(8, 'int64');
    return p < 0 ? 0n : this.buf.readBigInt64BE(p);
  }

  /**
   * int64 as a number: exact within ±2^53 (every offset, timestamp and id in practice);
   * beyond that the nearest double, so Long.MAX_VALUE sentinels survive as 2^63.
   */
  int64AsNumber(): number {
    const p = this.take(8, 'int64');
    if (p < 0) return 0;
    const b = this.buf;
    const high = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
    const low = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
    return high * TWO_POW_32 + low;
  }

  float64(): number {
    const p = this.take(8, 'float64');
    return p < 0 ? 0 : this.buf.readDoubleBE(p);
  }

  /** 16 raw bytes as Kafka prints UUIDs: 22 characters of unpadded base64url (usable as a map key). */
  uuid(): string {
    const p = this.take(16, 'uuid');
    return p < 0 ? ZERO_UUID : this.buf.toString('base64url', p, p + 16);
  }

  // ---- varints ----

  /** Unsigned LEB128 varint, at most 32 bits (compact lengths, tags). */
  uvarint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_UVARINT_BYTES; i++) {
      const p = this.take(1, 'uvarint');
      if (p < 0) return 0;
      const byte = this.buf[p];
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (value > 0xffffffff) break;
        return value;
      }
      scale *= 128;
    }
    this.fail('INVALID_LENGTH', 'unsigned varint longer than 32 bits');
    return 0;
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(): number {
    const zigzag = this.uvarint();
    return (zigzag >>> 1) ^ -(zigzag & 1);
  }

  // ---- strings, bytes, records ----

  /** Length prefix of a string/bytes field: int16/int32 classic, uvarint(length+1) compact; -1 = null. */
  private length(compact: boolean, classicWide: boolean): number {
    const n = compact ? this.uvarint() - 1 : classicWide ? this.int32() : this.int16();
    if (n < -1) {
      this.fail('INVALID_LENGTH', `negative length ${n}`);
      return 0;
    }
    return n;
  }

  string(compact: boolean): string {
    const value = this.nullableString(compact);
    if (value !== null) return value;
    this.nullNotAllowed('string');
    return '';
  }

  nullableString(compact: boolean): string | null {
    const n = this.length(compact, false);
    if (n < 0) return null;
    const p = this.take(n, 'string');
    return p < 0 ? '' : this.buf.toString('utf8', p, p + n);
  }

  /** Bytes as a view of the input buffer (no copy). */
  bytes(compact: boolean): Buffer {
    const value = this.nullableBytes(compact);
    if (value !== null) return value;
    this.nullNotAllowed('bytes');
    return EMPTY;
  }

  nullableBytes(compact: boolean): Buffer | null {
    const n = this.length(compact, true);
    if (n < 0) return null;
    const p = this.take(n, 'bytes');
    return p < 0 ? EMPTY : this.buf.subarray(p, p + n);
  }

  /** A records field (concatenated record batches): nullable bytes, as a view. */
  records(compact: boolean): Buffer | null {
    return this.nullableBytes(compact);
  }

  // ---- arrays ----

  /**
   * Element count of an array; -1 = null. A count whose elements could not possibly fit in the
   * bytes left (each takes at least minElementSize) is an error, so callers never loop or
   * allocate for counts the frame cannot hold.
   */
  arrayCount(compact: boolean, minElementSize: number): number {
    const n = compact ? this.uvarint() - 1 : this.int32();
    if (n < -1) {
      this.fail('INVALID_LENGTH', `negative array count ${n}`);
      return 0;
    }
    if (n > 0 && n * minElementSize > this.end - this.offset) {
      this.fail('INVALID_LENGTH', `array of ${n} element(s) cannot fit in ${this.end - this.offset} byte(s)`);
      return 0;
    }
    return n;
  }

  /** Returns an array decoded as nullable when the field is not: null becomes an error and []. */
  required<T>(value: T[] | null, field: string): T[] {
    if (value !== null) return value;
    this.nullNotAllowed(field);
    return [];
  }

  nullNotAllowed(field: string): void {
    this.fail('NULL_NOT_ALLOWED', `null for non-nullable ${field}`);
  }

  // ---- tagged fields (flexible versions) ----

  /** Number of tagged fields that follow; each takes at least 2 bytes (tag + size). */
  taggedFieldCount(): number {
    const n = this.uvarint();
    if (n * 2 > this.end - this.offset) {
      this.fail('INVALID_LENGTH', `${n} tagged field(s) cannot fit in ${this.end - this.offset} byte(s)`);
      return 0;
    }
    return n;
  }

  /** Skips a whole tagged-field section (a struct with no tagged fields we know). */
  skipTaggedFields(): void {
    const count = this.taggedFieldCount();
    for (let i = 0; i < count && this.error === null; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }

  /** Checks that a known tagged field consumed exactly its declared size. */
  endTaggedField(end: number, tag: number): void {
    if (this.offset !== end && this.error === null) {
      this.fail('TAGGED_FIELD_SIZE', `tagged field ${tag} ends at ${this.offset}, declared end ${end}`);
    }
  }
}

/** The all-zero UUID ("no topic id"), in the Reader's base64url form. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** A view shared by every empty bytes value, so defaults do not allocate. */
export const EMPTY_BYTES: Buffer = EMPTY;
