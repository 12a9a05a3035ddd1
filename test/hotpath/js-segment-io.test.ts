// The short-write bookkeeping of the TypeScript appendFile: libuv rarely returns a short
// positional writev, so the arithmetic that resumes after one is tested directly.
import { describe, expect, it } from 'vitest';
import { dropWritten } from '../../src/hotpath/js/segment-io.js';

const text = (buffers: Uint8Array[]): string => Buffer.concat(buffers).toString();

describe('dropWritten', () => {
  const buffers = [Buffer.from('abc'), Buffer.from('de'), Buffer.from('fghi')];

  it('keeps everything when nothing was written', () => {
    expect(text(dropWritten(buffers, 0))).toBe('abcdefghi');
  });

  it('drops whole buffers and cuts into a partial one at every byte', () => {
    const all = 'abcdefghi';
    for (let written = 0; written <= all.length; written++) {
      expect(text(dropWritten(buffers, written))).toBe(all.slice(written));
    }
  });

  it('returns no buffers once all bytes are written, and leaves the input untouched', () => {
    expect(dropWritten(buffers, 9)).toEqual([]);
    expect(text(buffers)).toBe('abcdefghi');
  });
});
