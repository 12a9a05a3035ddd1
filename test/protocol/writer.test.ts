// Writer and size functions: byte layouts of the primitives, int64 from numbers (incl. the
// Long.MAX/MIN clamp), string length prefixes at the one/two-byte boundary, and the size check.
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { Reader } from '../../src/protocol/reader.js';
import { sizeOfNullableString, sizeOfString, sizeOfUvarint, sizeOfVarint } from '../../src/protocol/sizes.js';
import { Writer, encodeToBuffer } from '../../src/protocol/writer.js';

function written(size: number, fill: (w: Writer) => void): string {
  const w = new Writer(Buffer.alloc(size));
  fill(w);
  w.finish(size);
  return w.buf.toString('hex');
}

describe('Writer primitives', () => {
  it('writes big-endian fixed-width integers', () => {
    expect(
      written(23, (w) => {
        w.int8(-1);
        w.int16(-32768);
        w.uint16(65535);
        w.int32(-2);
        w.uint32(4294967295);
        w.bool(true);
        w.bool(false);
        w.float64(0);
      }),
    ).toBe('ff' + '8000' + 'ffff' + 'fffffffe' + 'ffffffff' + '01' + '00' + '0000000000000000');
  });

  it('writes int64 from numbers exactly, and clamps the Long.MAX/MIN sentinels', () => {
    const values = [0, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 32, -(2 ** 32) - 1, 2 ** 63, -(2 ** 63), Infinity];
    const hex = written(values.length * 8, (w) => values.forEach((v) => w.int64FromNumber(v)));
    const r = new Reader(Buffer.from(hex, 'hex'));
    expect(values.map(() => r.int64())).toEqual([
      0n, -1n, 9007199254740991n, -9007199254740991n, 4294967296n, -4294967297n,
      9223372036854775807n, -9223372036854775808n, 9223372036854775807n,
    ]);
  });

  it('writes uvarints and zigzag varints as Kafka does', () => {
    expect(written(2, (w) => w.uvarint(300))).toBe('ac02');
    expect(written(5, (w) => w.uvarint(0xffffffff))).toBe('ffffffff0f');
    expect(written(1, (w) => w.varint(-1))).toBe('01');
    expect(written(5, (w) => w.varint(-2147483648))).toBe('ffffffff0f');
    expect([0, 127, 128, 16383, 16384, 2 ** 28 - 1, 2 ** 28].map(sizeOfUvarint)).toEqual([1, 1, 2, 2, 3, 4, 5]);
    expect([0, -1, 63, -64, 64].map(sizeOfVarint)).toEqual([1, 1, 1, 1, 2]);
  });

  it('writes uuids from base64url and rejects anything else', () => {
    const id = Buffer.from('00112233445566778899aabbccddeeff', 'hex').toString('base64url');
    expect(written(16, (w) => w.uuid(id))).toBe('00112233445566778899aabbccddeeff');
    expect(() => written(16, (w) => w.uuid('not-a-uuid'))).toThrow(ProtocolError);
  });
});

describe('Writer strings and bytes', () => {
  it('prefixes classic strings with int16 and compact ones with uvarint(length+1)', () => {
    expect(written(4, (w) => w.string('hi', false))).toBe('00026869');
    expect(written(3, (w) => w.string('hi', true))).toBe('036869');
    expect(written(2, (w) => w.nullableString(null, false))).toBe('ffff');
    expect(written(1, (w) => w.nullableString(null, true))).toBe('00');
    expect(written(6, (w) => w.bytes(Buffer.from([1, 2]), false))).toBe('000000020102');
    expect(written(4, (w) => w.nullableBytes(null, false))).toBe('ffffffff');
    expect(written(1, (w) => w.records(null, true))).toBe('00');
  });

  it('gets the compact prefix right on both sides of the one-byte boundary', () => {
    for (const text of ['a'.repeat(41), 'a'.repeat(42), 'a'.repeat(126), 'a'.repeat(127), '€'.repeat(41), '€'.repeat(43), '😀'.repeat(40)]) {
      const size = sizeOfString(text, true);
      const buf = Buffer.from(written(size, (w) => w.string(text, true)), 'hex');
      const r = new Reader(buf);
      expect(r.string(true)).toBe(text);
      expect(r.remaining).toBe(0);
      expect(buf.length).toBe(sizeOfUvarint(Buffer.byteLength(text) + 1) + Buffer.byteLength(text));
    }
  });

  it('refuses classic strings longer than int16 allows, at sizing time', () => {
    expect(() => sizeOfString('x'.repeat(0x8000), false)).toThrow(ProtocolError);
    expect(sizeOfString('x'.repeat(0x7fff), false)).toBe(0x8001);
    expect(sizeOfNullableString(null, false)).toBe(2);
  });
});

describe('one-allocation encoding', () => {
  it('fails loudly when the encoder writes a different size than computed', () => {
    const size = (): number => 4;
    const encode = (w: Writer): void => w.int16(1);
    expect(() => encodeToBuffer({}, 0, size, encode)).toThrow(/wrote 2 byte\(s\), size function computed 4/);
  });

  it('returns a buffer of exactly the computed size', () => {
    const buf = encodeToBuffer('abc', 0, (s) => 2 + s.length, (w, s) => w.string(s, false));
    expect(buf.toString('hex')).toBe('0003616263');
  });
});
