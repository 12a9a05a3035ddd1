// Walking batch headers without loading records: in a .log file, where reads go in windows,
// and in a window already read. Only header fields are looked at (no records, no CRC;
// recovery validates, reads only locate).
import { read } from 'node:fs';
import { BATCH_HEADER_BYTES, BatchField, LOG_OVERHEAD, baseOffsetAt, batchSizeAt, maxTimestampAt } from '../records/layout.js';
import { MIN_BATCH_LENGTH } from '../hotpath/types.js';
import { StorageError } from './errors.js';
import { freshMemory, type ReadMemory } from './read-memory.js';

/** Header bytes a scan has of every batch it visits: the whole header (no batch is shorter). */
const HEADER_PREFIX_BYTES = BATCH_HEADER_BYTES;
const SCAN_WINDOW_BYTES = 64 * 1024;

export interface BatchLocation {
  readonly position: number;
  readonly size: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
}

/** Reads exactly `length` bytes at `position` (fewer only at the end of the file) into memory taken from `memory`. */
export function readRange(fd: number, position: number, length: number, memory: ReadMemory = freshMemory): Promise<Buffer> {
  const target = memory.take(length);
  return new Promise((resolve, reject) => {
    const readMore = (filled: number): void => {
      read(fd, target, filled, length - filled, position + filled, (error, bytesRead) => {
        if (error) {
          memory.giveBack(target);
          return reject(error);
        }
        const total = filled + bytesRead;
        if (bytesRead === 0 || total === length) return resolve(total === length ? target : target.subarray(0, total));
        readMore(total);
      });
    };
    if (length === 0) resolve(target);
    else readMore(0);
  });
}

/** The batch header at `pos` of an in-memory buffer. */
export function locateBatch(buf: Buffer, pos: number, filePosition: number): BatchLocation {
  const baseOffset = baseOffsetAt(buf, pos);
  return {
    position: filePosition,
    size: batchSizeAt(buf, pos),
    baseOffset,
    lastOffset: baseOffset + buf.readInt32BE(pos + BatchField.LAST_OFFSET_DELTA),
    maxTimestamp: maxTimestampAt(buf, pos),
  };
}

/**
 * Returns the first batch in [start, end) of the file for which `matches` is true, or null.
 * `matches` also gets the window read and the batch's place in it, where its whole header is.
 * A header that cannot be a batch means the file is damaged where recovery did not look.
 */
export async function findBatch(
  fd: number,
  path: string,
  start: number,
  end: number,
  matches: (batch: BatchLocation, window: Buffer, at: number) => boolean,
): Promise<BatchLocation | null> {
  let position = start;
  while (position + HEADER_PREFIX_BYTES <= end) {
    const window = await readRange(fd, position, Math.min(SCAN_WINDOW_BYTES, end - position));
    let at = 0;
    while (at + HEADER_PREFIX_BYTES <= window.length) {
      const batch = locateBatch(window, at, position + at);
      if (batch.size < LOG_OVERHEAD + MIN_BATCH_LENGTH) {
        throw new StorageError('INVALID_LOG_FILE', `batch of ${batch.size} bytes at position ${batch.position}`, path, batch.baseOffset);
      }
      if (batch.position + batch.size > end) return null;
      if (matches(batch, window, at)) return batch;
      at += batch.size;
    }
    position += at;
  }
  return null;
}

/** Length of the whole batches at the start of buf (a trailing partial batch is left out). */
export function wholeBatchesLength(buf: Buffer): number {
  let at = 0;
  while (at + LOG_OVERHEAD <= buf.length) {
    const size = batchSizeAt(buf, at);
    if (at + size > buf.length) break;
    at += size;
  }
  return at;
}

/** The whole batches at the start of buf that begin below `offset`: their length, and the offset after the last of them (-1 when none). */
export function batchesBelow(buf: Buffer, offset: number): { length: number; nextOffset: number } {
  let at = 0;
  let nextOffset = -1;
  while (at + BATCH_HEADER_BYTES <= buf.length && baseOffsetAt(buf, at) < offset) {
    const size = batchSizeAt(buf, at);
    if (at + size > buf.length) break;
    nextOffset = baseOffsetAt(buf, at) + buf.readInt32BE(at + BatchField.LAST_OFFSET_DELTA) + 1;
    at += size;
  }
  return { length: at, nextOffset };
}

/**
 * In a window read from file position `start`: a view of whole batches from the one holding
 * `offset`, up to maxBytes; null when the window reaches `end` without it; undefined when the
 * batch lies beyond the window or does not fit it (the caller then scans and reads exactly).
 */
export function findInWindow(window: Buffer, start: number, offset: number, maxBytes: number, minOneBatch: boolean, end: number): Buffer | null | undefined {
  let at = 0;
  while (at + BATCH_HEADER_BYTES <= window.length) {
    const batch = locateBatch(window, at, start + at);
    if (batch.size < BATCH_HEADER_BYTES) return undefined;
    if (batch.lastOffset >= offset) {
      const available = window.length - at;
      if (batch.size > available && (minOneBatch || batch.size <= maxBytes)) return undefined;
      const view = window.subarray(at, at + Math.min(available, maxBytes));
      const whole = wholeBatchesLength(view);
      if (whole === 0 && minOneBatch) return undefined;
      return view.subarray(0, whole);
    }
    at += batch.size;
  }
  return start + window.length >= end ? null : undefined;
}
