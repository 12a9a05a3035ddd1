// Fills a buffer whose exact size was computed beforehand by a generated size function: one
// Buffer.allocUnsafe per message, no growing. The writer does not bounds-check each write (the
// size function already proved the fit); `finish` asserts that what was written matches the
// computed size, which catches any size/encode disagreement in the codec.
//
// One exception to "one buffer": a writer made with `spliceFrom` leaves records fields of at
// least that many bytes out of its buffer and lists them as pieces of their own between the
// pieces of the buffer (`pieces()`), so fetched log bytes go to the socket without a copy. The
// buffer is then sized without them (the generated `splicedX` functions say how much that is).
//
// Fixed-width values are truncated to their width like a C cast: callers pass in-range values.
import { ProtocolError } from './protocol-error.js';

const TWO_POW_32 = 4294967296;
/** Strings shorter than this many UTF-16 units have at most 3x as many UTF-8 bytes, so their compact length prefix is one byte. */
const ONE_BYTE_PREFIX_CHARS = 42;
const MAX_CLASSIC_STRING_BYTES = 0x7fff;
/** Kafka's int64 limits, which number-typed int64 fields are clamped to. */
const INT64_MAX_AS_NUMBER = 9223372036854775807;
const INT64_MIN_AS_NUMBER = -9223372036854775808;

export class Writer {
  /** Finished pieces, when records were spliced: buffer parts and records in wire order. */
  private spliced: Buffer[] | null = null;
  private splicedBytes = 0;
  /** Where the buffer part after the last spliced records starts. */
  private pieceStart = 0;

  constructor(
    readonly buf: Buffer,
    /** Position of the next write. */
    public offset = 0,
    /** Records fields this long or longer are spliced rather than copied; never by default. */
    private readonly spliceFrom = Infinity,
  ) {}

  /** Asserts that exactly `expectedEnd` bytes were written, spliced records included. */
  finish(expectedEnd: number): void {
    const written = this.offset + this.splicedBytes;
    if (written !== expectedEnd) {
      throw new ProtocolError('SIZE_MISMATCH', `wrote ${written} byte(s), size function computed ${expectedEnd}`);
    }
  }

  /** What was written, in wire order: the buffer, or its parts with the spliced records between them. */
  pieces(): Buffer[] {
    if (this.spliced === null) return [this.buf.subarray(0, this.offset)];
    const tail = this.buf.subarray(this.pieceStart, this.offset);
    return tail.length === 0 ? this.spliced : [...this.spliced, tail];
  }

  // ---- fixed-width integers (big-endian) ----

  bool(value: boolean): void {
    this.buf[this.offset++] = value ? 1 : 0;
  }

  int8(value: number): void {
    this.buf[this.offset++] = value & 0xff;
  }

  int16(value: number): void {
    const b = this.buf;
    const o = this.offset;
    b[o] = value >>> 8;
    b[o + 1] = value;
    this.offset = o + 2;
  }

  uint16(value: number): void {
    this.int16(value);
  }

  int32(value: number): void {
    const b = this.buf;
    const o = this.offset;
    b[o] = value >>> 24;
    b[o + 1] = value >>> 16;
    b[o + 2] = value >>> 8;
    b[o + 3] = value;
    this.offset = o + 4;
  }

  uint32(value: number): void {
    this.int32(value);
  }

  /** int64 from a bigint, exactly. */
  int64(value: bigint): void {
    this.buf.writeBigInt64BE(value, this.offset);
    this.offset += 8;
  }

  /** int64 from a number: exact for safe integers; ±2^63 and beyond become Long.MAX/MIN_VALUE. */
  int64FromNumber(value: number): void {
    let high: number;
    let low: number;
    if (value >= INT64_MAX_AS_NUMBER) {
      high = 0x7fffffff;
      low = 0xffffffff;
    } else if (value <= INT64_MIN_AS_NUMBER) {
      high = -0x80000000;
      low = 0;
    } else {
      high = Math.floor(value / TWO_POW_32);
      low = value - high * TWO_POW_32;
    }
    this.int32(high);
    this.int32(low);
  }

  float64(value: number): void {
    this.buf.writeDoubleBE(value, this.offset);
    this.offset += 8;
  }

  /** A UUID in the Reader's form (22 characters of unpadded base64url) as its 16 raw bytes. */
  uuid(value: string): void {
    const written = value.length === 22 ? this.buf.write(value, this.offset, 16, 'base64url') : 0;
    if (written !== 16) throw new ProtocolError('INVALID_VALUE', `not a base64url UUID: ${JSON.stringify(value)}`);
    this.offset += 16;
  }

  // ---- varints ----

  uvarint(value: number): void {
    const b = this.buf;
    let o = this.offset;
    let v = value >>> 0;
    while (v >= 0x80) {
      b[o++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[o++] = v;
    this.offset = o;
  }

  varint(value: number): void {
    this.uvarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  // ---- strings, bytes, records ----

  string(value: string, compact: boolean): void {
    if (compact) this.compactString(value);
    else this.classicString(value);
  }

  nullableString(value: string | null, compact: boolean): void {
    if (value !== null) this.string(value, compact);
    else if (compact) this.buf[this.offset++] = 0;
    else this.int16(-1);
  }

  private classicString(value: string): void {
    // Write the text first, then its length in the two bytes reserved in front: one UTF-8 pass.
    const start = this.offset;
    const length = this.buf.write(value, start + 2, 'utf8');
    if (length > MAX_CLASSIC_STRING_BYTES) {
      throw new ProtocolError('INVALID_VALUE', `string of ${length} bytes does not fit an int16 length`);
    }
    this.int16(length);
    this.offset = start + 2 + length;
  }

  private compactString(value: string): void {
    const start = this.offset;
    if (value.length < ONE_BYTE_PREFIX_CHARS) {
      const length = this.buf.write(value, start + 1, 'utf8');
      this.buf[start] = length + 1;
      this.offset = start + 1 + length;
      return;
    }
    const length = Buffer.byteLength(value, 'utf8');
    this.uvarint(length + 1);
    this.offset += this.buf.write(value, this.offset, length, 'utf8');
  }

  bytes(value: Buffer, compact: boolean): void {
    this.bytesLength(value.length, compact);
    value.copy(this.buf, this.offset);
    this.offset += value.length;
  }

  /** The length in front of bytes: int32, or unsigned varint of length + 1 when compact. */
  private bytesLength(length: number, compact: boolean): void {
    if (compact) this.uvarint(length + 1);
    else this.int32(length);
  }

  nullableBytes(value: Buffer | null, compact: boolean): void {
    if (value !== null) this.bytes(value, compact);
    else if (compact) this.buf[this.offset++] = 0;
    else this.int32(-1);
  }

  /**
   * A records field: nullable bytes holding concatenated record batches, copied as they are, or,
   * from `spliceFrom` bytes on, only its length written and the bytes kept as a piece of their own.
   */
  records(value: Buffer | null, compact: boolean): void {
    if (value === null || value.length < this.spliceFrom) return this.nullableBytes(value, compact);
    this.bytesLength(value.length, compact);
    const spliced = (this.spliced ??= []);
    if (this.offset > this.pieceStart) spliced.push(this.buf.subarray(this.pieceStart, this.offset));
    spliced.push(value);
    this.pieceStart = this.offset;
    this.splicedBytes += value.length;
  }

  // ---- arrays and tagged fields ----

  /** Array count prefix; pass -1 for a null array. */
  arrayCount(count: number, compact: boolean): void {
    if (compact) this.uvarint(count + 1);
    else this.int32(count);
  }

  /** Tag and payload size that precede a tagged field's payload. */
  taggedFieldHeader(tag: number, payloadSize: number): void {
    this.uvarint(tag);
    this.uvarint(payloadSize);
  }
}

/**
 * Encodes a message the one-allocation way: size it, allocate exactly that, fill, assert.
 * `size` and `encode` are the generated pair for the message type.
 */
export function encodeToBuffer<T>(
  message: T,
  version: number,
  size: (message: T, version: number) => number,
  encode: (writer: Writer, message: T, version: number) => void,
): Buffer {
  const total = size(message, version);
  const writer = new Writer(Buffer.allocUnsafe(total));
  encode(writer, message, version);
  writer.finish(total);
  return writer.buf;
}
