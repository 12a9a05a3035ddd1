import { describe, expect, it } from 'vitest';
import { FrameReader } from '../../src/client/frame-reader.js';

function frame(payload: string): Buffer {
  const body = Buffer.from(payload);
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

describe('FrameReader', () => {
  it('returns several frames from one chunk', () => {
    const reader = new FrameReader(1024);
    const frames = reader.push(Buffer.concat([frame('one'), frame('two'), frame('')]));
    expect(frames.map(String)).toEqual(['one', 'two', '']);
  });

  it('reassembles frames split at every byte, including inside the size prefix', () => {
    const stream = Buffer.concat([frame('hello'), frame('world!')]);
    const reader = new FrameReader(1024);
    const frames: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) frames.push(...reader.push(stream.subarray(i, i + 1)));
    expect(frames.map(String)).toEqual(['hello', 'world!']);
  });

  it('keeps a partial frame until the rest arrives', () => {
    const reader = new FrameReader(1024);
    const whole = frame('abcdef');
    expect(reader.push(whole.subarray(0, 7))).toEqual([]);
    expect(reader.push(whole.subarray(7)).map(String)).toEqual(['abcdef']);
  });

  it('rejects a size prefix beyond the limit or below zero', () => {
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(2048, 0);
    expect(() => new FrameReader(1024).push(huge)).toThrow(RangeError);
    const negative = Buffer.alloc(4);
    negative.writeInt32BE(-1, 0);
    expect(() => new FrameReader(1024).push(negative)).toThrow(RangeError);
  });
});

describe('FrameReader fed by the socket (readBuffer/wrote)', () => {
  /** Plays `stream` into the reader as a socket would: each read fills part of readBuffer(). */
  function readAll(reader: FrameReader, stream: Buffer, readSizes: () => number): { frames: Buffer[]; targets: Buffer[] } {
    const frames: Buffer[] = [];
    const targets: Buffer[] = [];
    let at = 0;
    while (at < stream.length) {
      const target = reader.readBuffer();
      targets.push(target);
      const bytes = Math.min(target.length, stream.length - at, readSizes());
      stream.copy(target, 0, at, at + bytes);
      at += bytes;
      frames.push(...reader.wrote(bytes));
    }
    return { frames, targets };
  }

  it('gets the same frames as push() for any read sizes, large frames included', () => {
    const payloads = ['a', '', 'x'.repeat(100_000), 'hello', 'y'.repeat(300_000), 'z'.repeat(70_000), 'end'];
    const stream = Buffer.concat(payloads.map(frame));
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 90_000 + 1;
    for (const readSizes of [() => 1, () => 3, random, () => 1 << 30]) {
      const { frames } = readAll(new FrameReader(1 << 20), stream, readSizes);
      expect(frames.map(String)).toEqual(payloads);
    }
  });

  it('reads the rest of a large frame straight into the frame it returns', () => {
    const big = 'q'.repeat(200_000);
    const { frames, targets } = readAll(new FrameReader(1 << 20), Buffer.concat([frame(big), frame('after')]), () => 65_536);
    expect(frames.map(String)).toEqual([big, 'after']);
    // After the first chunk, reads target views of the frame's own buffer.
    expect(targets.slice(1, 3).every((target) => target.buffer === frames[0].buffer)).toBe(true);
  });

  it('takes the memory of a frame that spans reads from the allocator it was given', () => {
    const asked: number[] = [];
    const allocate = (length: number): Buffer => (asked.push(length), Buffer.alloc(length));
    const big = 'r'.repeat(150_000);
    const { frames } = readAll(new FrameReader(1 << 20, allocate), Buffer.concat([frame('small'), frame(big)]), () => 65_536);
    expect(frames.map(String)).toEqual(['small', big]);
    expect(asked).toEqual([big.length]);
  });
});
