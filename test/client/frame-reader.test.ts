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
