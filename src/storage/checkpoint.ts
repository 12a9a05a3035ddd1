// Small state files of a log (recovery point, log start offset, clean-shutdown marker), written
// atomically: a temp file, fsync, rename over the old one, fsync the directory.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomic(path: string, content: string): void {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  syncDirectory(dirname(path));
}

/** A number stored by writeOffsetFile, or `fallback` when the file is missing or unreadable. */
export function readOffsetFile(path: string, fallback: number): number {
  try {
    const value = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(value) && value >= 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

export function writeOffsetFile(path: string, offset: number): void {
  writeFileAtomic(path, `${offset}\n`);
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
