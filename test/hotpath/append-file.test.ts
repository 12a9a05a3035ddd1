import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../helpers/backends.js';

let directory: string;
let fileCounter = 0;

beforeAll(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-append-'));
});

afterAll(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

/** Opens a fresh file for reading and writing, runs body with its fd, closes it. */
async function withFile<T>(body: (fd: number, file: string) => Promise<T>): Promise<T> {
  const file = path.join(directory, `segment-${fileCounter++}.log`);
  const fd = fs.openSync(file, 'w+');
  try {
    return await body(fd, file);
  } finally {
    fs.closeSync(fd);
  }
}

// A descriptor number no test process has open: writes to it fail with EBADF.
const UNUSED_FD = 1_000_000;

describe.each(forEachBackend)('appendFile (%s)', (_name, hp) => {
  it('writes the buffers back to back at the position', async () => {
    await withFile(async (fd, file) => {
      await hp.appendFile(fd, 0, [Buffer.from('hello '), Buffer.from('world')], false);
      expect(fs.readFileSync(file, 'utf8')).toBe('hello world');
      await hp.appendFile(fd, 11, [Buffer.from('!')], true);
      expect(fs.readFileSync(file, 'utf8')).toBe('hello world!');
    });
  });

  it('writes at the given position, not at the end, and leaves a hole before it', async () => {
    await withFile(async (fd, file) => {
      await hp.appendFile(fd, 0, [Buffer.from('abcdef')], false);
      await hp.appendFile(fd, 2, [Buffer.from('XY')], false);
      await hp.appendFile(fd, 10, [Buffer.from('Z')], false);
      expect(fs.readFileSync(file)).toEqual(Buffer.concat([Buffer.from('abXYef'), Buffer.alloc(4), Buffer.from('Z')]));
    });
  });

  it('writes more buffers than one writev call takes (> IOV_MAX)', async () => {
    await withFile(async (fd, file) => {
      const buffers = Array.from({ length: 3000 }, (_, i) => Buffer.from(`${i},`));
      await hp.appendFile(fd, 0, buffers, true);
      expect(fs.readFileSync(file)).toEqual(Buffer.concat(buffers));
    });
  });

  it('writes Uint8Array views, empty buffers and a large buffer', async () => {
    await withFile(async (fd, file) => {
      const backing = Buffer.from('0123456789');
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 3, 4);
      const large = Buffer.alloc(4 << 20, 0x5a);
      await hp.appendFile(fd, 0, [new Uint8Array(0), view, new Uint8Array(0), large, Buffer.from('end')], false);
      // Buffer.equals, not toEqual: a deep comparison of megabytes is needlessly slow.
      expect(fs.readFileSync(file).equals(Buffer.concat([Buffer.from('3456'), large, Buffer.from('end')]))).toBe(true);
    });
  });

  it('with no buffers writes nothing, with or without sync', async () => {
    await withFile(async (fd, file) => {
      await hp.appendFile(fd, 0, [], false);
      await hp.appendFile(fd, 0, [], true);
      expect(fs.statSync(file).size).toBe(0);
    });
  });

  it('serves concurrent appends at disjoint positions', async () => {
    await withFile(async (fd, file) => {
      const chunks = Array.from({ length: 16 }, (_, i) => Buffer.alloc(1000, 65 + i));
      await Promise.all(chunks.map((chunk, i) => hp.appendFile(fd, i * 1000, [chunk], i % 2 === 0)));
      expect(fs.readFileSync(file)).toEqual(Buffer.concat(chunks));
    });
  });

  it('rejects with the errno code and syscall on a bad descriptor', async () => {
    await expect(hp.appendFile(UNUSED_FD, 0, [Buffer.from('x')], false)).rejects.toMatchObject({ code: 'EBADF', syscall: expect.stringMatching(/write/) });
    await expect(hp.appendFile(UNUSED_FD, 0, [], true)).rejects.toMatchObject({ code: 'EBADF', syscall: 'fdatasync' });
  });

  it('rejects with EBADF when the file is open read-only', async () => {
    const file = path.join(directory, `read-only-${fileCounter++}`);
    fs.writeFileSync(file, 'data');
    const fd = fs.openSync(file, 'r');
    try {
      const error: unknown = await hp.appendFile(fd, 0, [Buffer.from('x')], false).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ code: 'EBADF' });
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('data');
  });
});
