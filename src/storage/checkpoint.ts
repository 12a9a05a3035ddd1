// Small state files of a log (recovery point, log start offset, clean-shutdown marker), written
// atomically: a temp file, fsync, rename over the old one, fsync the directory. The log writes
// them through StateFiles, off the event loop (two fsyncs can take milliseconds, far more on a
// busy disk); the synchronous form is for start-up and admin paths.
import { closeSync, fchmodSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** `mode` (e.g. 0o600 for secrets) is set before the content is written, so it is never readable more widely. */
export function writeFileAtomic(path: string, content: string, mode?: number): void {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w', mode);
  try {
    // A temp file left by a crash keeps its old mode through open(): set it again.
    if (mode !== undefined) fchmodSync(fd, mode);
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  syncDirectory(dirname(path));
}

export async function writeFileAtomicAsync(path: string, content: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp`;
  const file = await open(temp, 'w');
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * One log's state-file writes, on the thread pool and one at a time (they share temp names),
 * each taking its content when its turn comes, so a later value is never overwritten by an
 * earlier one.
 */
export class StateFiles {
  private queue: Promise<void> = Promise.resolve();

  write(path: string, content: () => string | Uint8Array): Promise<void> {
    const written = this.queue.then(() => writeFileAtomicAsync(path, content()));
    this.queue = written.catch(() => undefined);
    return written;
  }
}

/** A number stored as decimal text (recovery point, log start offset), or `fallback` when the file is missing or unreadable. */
export function readOffsetFile(path: string, fallback: number): number {
  try {
    const value = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(value) && value >= 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

/** Removes a file; returns whether it was there. */
export function removeFile(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
