// State files written off the event loop: one at a time, each taking its content when its turn
// comes, so the last value asked for is the one on disk, and no temp file is left behind.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateFiles, readOffsetFile } from '../../src/storage/checkpoint.js';
import { tempDir } from '../helpers/batches.js';

describe('StateFiles', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('keeps the latest value when writes of one file overlap, and leaves no temp file', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const files = new StateFiles();
    const path = join(dir, 'log-start-offset');
    let current = 0;
    const writes = [1, 2, 3, 4, 5].map((value) => {
      current = value;
      return files.write(path, () => `${current}\n`);
    });
    await Promise.all(writes);
    expect(readOffsetFile(path, -1)).toBe(5);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('reports a failed write to its caller and goes on with the next one', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const files = new StateFiles();
    await expect(files.write(join(dir, 'missing-dir', 'x'), () => '1\n')).rejects.toMatchObject({ code: 'ENOENT' });
    await files.write(join(dir, 'ok'), () => 'fine\n');
    expect(readFileSync(join(dir, 'ok'), 'utf8')).toBe('fine\n');
  });
});
