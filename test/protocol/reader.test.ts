// Reader: primitive decoding, the sticky error (first one kept, zero values after), and the
// guards that stop hostile lengths and counts before anything is allocated.
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { readInt32Array, readStringArray } from '../../src/protocol/primitive-arrays.js';
import { Reader, ZERO_UUID } from '../../src/protocol/reader.js';

const hex = (h: string): Reader => new Reader(Buffer.from(h.replace(/\s/g, ''), 'hex'));

describe('Reader primitives', () => {
  it('reads big-endian fixed-width integers with their signs', () => {
    const r = hex('ff 8000 ffff 80000000 ffffffff 01 00');
    expect([r.int8(), r.int16(), r.uint16(), r.int32(), r.uint32(), r.bool(), r.bool()]).toEqual([
      -1, -32768, 65535, -2147483648, 4294967295, true, false,
    ]);
    expect(r.complete()).toBe(true);
    expect(r.remaining).toBe(0);
  });

  it('reads int64 as bigint exactly and as number within the safe range', () => {
    const r = hex('ffffffffffffffff 001fffffffffffff fffffffe00000000 7fffffffffffffff');
    expect(r.int64()).toBe(-1n);
    expect(r.int64AsNumber()).toBe(Number.MAX_SAFE_INTEGER);
    expect(r.int64AsNumber()).toBe(-(2 ** 33));
    // Long.MAX_VALUE, a sentinel some clients send, survives as the nearest double.
    expect(r.int64AsNumber()).toBe(2 ** 63);
  });

  it('reads float64, uuid as base64url, unsigned and zigzag varints', () => {
    const r = hex('3ff8000000000000 00000000000000000000000000000000 0102030405060708090a0b0c0d0e0f10 ac02 03 ffffffff0f');
    expect(r.float64()).toBe(1.5);
    expect(r.uuid()).toBe(ZERO_UUID);
    expect(r.uuid()).toBe(Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex').toString('base64url'));
    expect(r.uvarint()).toBe(300);
    expect(r.varint()).toBe(-2);
    expect(r.uvarint()).toBe(0xffffffff);
    expect(r.complete()).toBe(true);
  });

  it('reads classic and compact strings, nullable or not', () => {
    const r = hex('0002 6869 ffff 03 6869 00 01');
    expect(r.string(false)).toBe('hi');
    expect(r.nullableString(false)).toBeNull();
    expect(r.string(true)).toBe('hi');
    expect(r.nullableString(true)).toBeNull();
    expect(r.string(true)).toBe('');
    expect(r.complete()).toBe(true);
  });

  it('returns bytes as zero-copy views of the input', () => {
    const buf = Buffer.from('00000003aabbcc04010203', 'hex');
    const r = new Reader(buf);
    const classic = r.bytes(false);
    const compact = r.bytes(true);
    expect(classic).toEqual(Buffer.from('aabbcc', 'hex'));
    expect(compact).toEqual(Buffer.from('010203', 'hex'));
    buf[4] = 0x11; // the view sees writes to the frame: no copy was made
    expect(classic[0]).toBe(0x11);
  });

  it('honours a start offset and an end bound', () => {
    const r = new Reader(Buffer.from('ff00000001ff', 'hex'), 1, 5);
    expect(r.int32()).toBe(1);
    expect(r.int8()).toBe(0);
    expect(r.error?.kind).toBe('TRUNCATED');
  });
});

describe('Reader sticky error', () => {
  it('returns zero values past the end and keeps the first error with its position', () => {
    const r = hex('0001 02');
    expect(r.int16()).toBe(1);
    expect(r.int32()).toBe(0);
    expect(r.error).toBeInstanceOf(ProtocolError);
    expect(r.error?.kind).toBe('TRUNCATED');
    expect(r.error?.offset).toBe(2);
    const first = r.error;
    expect(r.string(false)).toBe('');
    expect(r.int64()).toBe(0n);
    expect(r.uuid()).toBe(ZERO_UUID);
    expect(r.nullableBytes(true)).toBeNull();
    expect(r.error).toBe(first);
    expect(r.complete()).toBe(false);
    expect(() => r.throwIfFailed()).toThrow(first ?? undefined);
  });

  it('rejects a null where the field is not nullable', () => {
    const r = hex('ffff');
    expect(r.string(false)).toBe('');
    expect(r.error?.kind).toBe('NULL_NOT_ALLOWED');
    expect(r.required(null, 'Topics')).toEqual([]);
  });

  it('rejects negative lengths other than -1', () => {
    const r = hex('fffe 6869');
    r.nullableString(false);
    expect(r.error?.kind).toBe('INVALID_LENGTH');
  });

  it('rejects varints longer than 32 bits', () => {
    const r = hex('ffffffff7f');
    expect(r.uvarint()).toBe(0);
    expect(r.error?.kind).toBe('INVALID_LENGTH');
    const six = hex('808080808001');
    six.uvarint();
    expect(six.error?.kind).toBe('INVALID_LENGTH');
  });
});

describe('Reader guards against absurd lengths', () => {
  it('refuses a string or bytes length beyond the frame without allocating it', () => {
    const r = hex('7fff 41');
    expect(r.string(false)).toBe('');
    expect(r.error?.kind).toBe('TRUNCATED');
    const b = hex('7fffffff 00');
    expect(b.bytes(false)).toHaveLength(0);
    expect(b.error?.kind).toBe('TRUNCATED');
  });

  it('refuses an array count of 0x7fffffff before looping or allocating', () => {
    const r = hex('7fffffff 00000001');
    const started = performance.now();
    expect(readInt32Array(r, false)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(50);
    expect(r.error?.kind).toBe('INVALID_LENGTH');
  });

  it('scales the count guard by the smallest element size', () => {
    // Three int32s need 12 bytes; 8 are left.
    expect(readInt32Array(hex('00000003 0000000100000002'), false)).toEqual([]);
    // Three compact strings need at least 3 bytes and have them.
    expect(readStringArray(hex('04 01 01 01'), true)).toEqual(['', '', '']);
  });

  it('refuses a compact count of 2^32-1 and a tagged-field count beyond the frame', () => {
    const r = hex('ffffffff0f');
    expect(r.arrayCount(true, 1)).toBe(0);
    expect(r.error?.kind).toBe('INVALID_LENGTH');
    const t = hex('05 00 00');
    t.skipTaggedFields();
    expect(t.error?.kind).toBe('INVALID_LENGTH');
  });

  it('skips unknown tagged fields by their size, and checks known ones end where declared', () => {
    const r = hex('02 05 02 aabb 07 00 01');
    r.skipTaggedFields();
    expect(r.int8()).toBe(1);
    expect(r.complete()).toBe(true);
    const t = hex('0102');
    t.endTaggedField(1, 3);
    expect(t.error?.kind).toBe('TAGGED_FIELD_SIZE');
  });
});
