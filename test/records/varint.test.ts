// The decoder's zigzag varint reader against known encodings and the TS writer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, encodeVarlong, sizeOfVarlong, VarintError } from '../../src/records/varint.js';

const reader = (...bytes: number[]) => new ByteReader(Buffer.from(bytes), 0);

describe('zigzag varints', () => {
  it('reads the encodings Kafka documents', () => {
    // zigzag: 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3, 63 -> 126, -64 -> 127, 64 -> 128 (two bytes)
    expect(reader(0x00).readVarint()).toBe(0);
    expect(reader(0x01).readVarint()).toBe(-1);
    expect(reader(0x02).readVarint()).toBe(1);
    expect(reader(0x03).readVarint()).toBe(-2);
    expect(reader(0x7e).readVarint()).toBe(63);
    expect(reader(0x7f).readVarint()).toBe(-64);
    expect(reader(0x80, 0x01).readVarint()).toBe(64);
    expect(reader(0xfe, 0xff, 0xff, 0xff, 0x0f).readVarint()).toBe(2 ** 31 - 1);
    expect(reader(0xff, 0xff, 0xff, 0xff, 0x0f).readVarint()).toBe(-(2 ** 31));
  });

  it('round-trips int32 values through the writer and the reader', () => {
    fc.assert(
      fc.property(fc.integer(), (n) => {
        const bytes = encodeVarlong(n);
        const r = new ByteReader(bytes, 0);
        expect(r.readVarint()).toBe(n);
        expect(r.pos).toBe(bytes.length);
        expect(sizeOfVarlong(n)).toBe(bytes.length);
      }),
    );
  });

  it('round-trips safe-integer varlongs of up to 8 bytes', () => {
    fc.assert(
      // 2 ** 52 itself zigzags to 2 ** 53, past what a double holds exactly; the reader refuses it.
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }), (n) => {
        const bytes = encodeVarlong(n);
        expect(new ByteReader(bytes, 0).readVarlong()).toBe(n);
        expect(bytes.length).toBe(sizeOfVarlong(n));
      }),
    );
  });

  it('refuses over-long encodings, reads past the end and varlongs beyond the safe range', () => {
    expect(() => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x01).readVarint()).toThrow(VarintError);
    expect(() => reader(0x80).readVarint()).toThrow(/varint needs 1 byte/);
    expect(() => reader(...Array<number>(10).fill(0xff), 0x01).readVarlong()).toThrow(/longer than 10 bytes/);
    expect(() => reader(...Array<number>(9).fill(0xff), 0x01).readVarlong()).toThrow(/beyond the safe integer range/);
  });

  it('reads nullable bytes as views and refuses lengths below -1', () => {
    const r = new ByteReader(Buffer.concat([encodeVarlong(3), Buffer.from('abc'), encodeVarlong(-1), encodeVarlong(-2)]), 0);
    expect(r.readNullableBytes('key')?.toString()).toBe('abc');
    expect(r.readNullableBytes('value')).toBeNull();
    expect(() => r.readNullableBytes('value')).toThrow(/negative value length -2/);
  });

  it('stops at the end it was given, not the end of the buffer', () => {
    const r = new ByteReader(Buffer.from([0x02, 0x04, 0x06]), 1, 2);
    expect(r.readVarint()).toBe(2);
    expect(() => r.readVarint()).toThrow(/ends at 2/);
  });
});
