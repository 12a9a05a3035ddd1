import { describe, expect, it } from 'vitest';
import { forEachBackend } from '../helpers/backends.js';

// Bit-at-a-time CRC-32C (reflected polynomial 0x82F63B78): slow, obviously right, and shares
// nothing with either backend, so it can serve as the oracle for arbitrary inputs.
function referenceCrc32c(data: Uint8Array, init = 0): number {
  let crc = ~init >>> 0;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

describe.each(forEachBackend)('crc32c (%s)', (_name, hp) => {
  it('gives the CRC-32C check value for "123456789"', () => {
    expect(hp.crc32c(Buffer.from('123456789'), 0)).toBe(0xe3069283);
  });

  it('matches the iSCSI test vectors of RFC 3720 B.4', () => {
    const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(hp.crc32c(Buffer.alloc(32, 0x00), 0)).toBe(0x8a9136aa);
    expect(hp.crc32c(Buffer.alloc(32, 0xff), 0)).toBe(0x62a8ab43);
    expect(hp.crc32c(ascending, 0)).toBe(0x46dd794e);
    expect(hp.crc32c(Buffer.from(ascending).reverse(), 0)).toBe(0x113fdb5c);
  });

  it('returns init unchanged for empty input', () => {
    expect(hp.crc32c(new Uint8Array(0), 0)).toBe(0);
    expect(hp.crc32c(new Uint8Array(0), 0xdeadbeef)).toBe(0xdeadbeef);
  });

  it('returns an unsigned 32-bit integer', () => {
    const crc = hp.crc32c(Buffer.from('a'), 0);
    expect(crc).toBe(0xc1d04330);
    expect(crc).toBeGreaterThan(0x7fffffff);
  });

  it('chains: crc(b, crc(a)) equals crc(a ++ b) at every split point', () => {
    const data = pseudoRandomBytes(100, 1);
    const whole = hp.crc32c(data, 0);
    for (let split = 0; split <= data.length; split++) {
      expect(hp.crc32c(data.subarray(split), hp.crc32c(data.subarray(0, split), 0))).toBe(whole);
    }
  });

  it('reads only the view of a subarray at odd offsets and lengths', () => {
    const backing = pseudoRandomBytes(300, 2);
    for (const [start, end] of [[1, 2], [3, 20], [7, 64], [13, 299], [255, 300]]) {
      const view = new Uint8Array(backing.buffer, backing.byteOffset + start, end - start);
      expect(hp.crc32c(view, 0)).toBe(referenceCrc32c(Buffer.from(view)));
    }
  });

  it('agrees with the bitwise reference at every 64-byte alignment around the vector thresholds', () => {
    const backing = pseudoRandomBytes(4200, 4);
    for (const length of [511, 512, 513, 767, 768, 769, 1024, 1025, 4099]) {
      for (let offset = 0; offset < 64; offset++) {
        const data = backing.subarray(offset, offset + length);
        expect(hp.crc32c(data, offset * 0x01010101)).toBe(referenceCrc32c(data, offset * 0x01010101));
      }
    }
  });

  it('agrees with the bitwise reference on 1 MiB and on every length up to 64', () => {
    const big = pseudoRandomBytes(1 << 20, 3);
    expect(hp.crc32c(big, 0)).toBe(referenceCrc32c(big));
    for (let length = 0; length <= 64; length++) {
      const data = big.subarray(length, length * 2);
      expect(hp.crc32c(data, 0x1234567)).toBe(referenceCrc32c(data, 0x1234567));
    }
  });
});
