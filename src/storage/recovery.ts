// Bringing segments back on open. A segment written before the last clean shutdown (or below
// the recovery point) only needs its indexes checked; any other is validated batch by batch
// (framing, magic, count, CRC, offsets following on), cut at the first bad byte, and indexed anew.
import { BatchStatus, type HotPath } from '../hotpath/types.js';
import { validateBatches, describeBatchStatus } from '../records/validate.js';
import { LOG_OVERHEAD } from '../records/layout.js';
import { findBatch, locateBatch, readRange, type BatchLocation } from './batch-scan.js';
import { isUnwritten } from './preallocation.js';
import type { Segment } from './segment.js';

/** Bytes validated per read during recovery; a larger batch gets a read of its own size. */
const RECOVERY_WINDOW_BYTES = 8 * 1024 * 1024;

export interface SegmentRecovery {
  readonly path: string;
  /** Bytes kept: the intact prefix. */
  readonly validBytes: number;
  /** Bytes cut off the end that held something: a torn or damaged tail. */
  readonly truncatedBytes: number;
  /** Bytes cut off the end that were all zero: preallocated space never written (preallocation.ts). */
  readonly unwrittenBytes: number;
  /** First offset no longer in the log (the segment's next offset after recovery). */
  readonly nextOffset: number;
  /** Why the tail was cut ('' when nothing was, or only unwritten space). */
  readonly reason: string;
}

/** Validates the whole segment, rebuilds its indexes and truncates whatever follows the intact prefix. */
export async function recoverSegment(segment: Segment, hotpath: HotPath): Promise<SegmentRecovery> {
  segment.resetIndexes();
  const fileSize = segment.size;
  let position = 0;
  let windowBytes = RECOVERY_WINDOW_BYTES;
  let reason = '';
  while (position < fileSize) {
    const window = await readRange(segment.fileDescriptor, position, Math.min(windowBytes, fileSize - position));
    const check = validateBatches(window, { hotpath });
    const accepted = acceptInOrder(segment, window, check.validBytes, position);
    position += accepted.bytes;
    if (accepted.reason) {
      reason = accepted.reason;
      break;
    }
    if (check.ok) continue;
    const needed = batchSizeIfItFits(window, check.validBytes, fileSize - position);
    if (check.status === BatchStatus.TRUNCATED && needed > window.length - check.validBytes) {
      windowBytes = Math.max(RECOVERY_WINDOW_BYTES, needed);
      continue;
    }
    reason = `${describeBatchStatus(check.status)} at position ${position}`;
    break;
  }
  const cutBytes = fileSize - position;
  const unwrittenBytes = cutBytes > 0 && (await isUnwritten(segment.fileDescriptor, position, fileSize)) ? cutBytes : 0;
  if (cutBytes > 0) segment.truncateTo(position);
  if (unwrittenBytes > 0) reason = '';
  return { path: segment.paths.log, validBytes: position, truncatedBytes: cutBytes - unwrittenBytes, unwrittenBytes, nextOffset: segment.nextOffset, reason };
}

/**
 * Feeds the validated batches to the segment's index bookkeeping, checking that each starts
 * where the previous ended (the CRC does not cover baseOffset, so this is what catches a
 * damaged one). Returns the bytes accepted and, when an offset is out of line, why it stopped.
 */
function acceptInOrder(segment: Segment, window: Buffer, validBytes: number, filePosition: number): { bytes: number; reason: string } {
  let at = 0;
  while (at < validBytes) {
    const batch = locateBatch(window, at, filePosition + at);
    if (batch.baseOffset !== segment.nextOffset) {
      return { bytes: at, reason: `batch at position ${batch.position} has base offset ${batch.baseOffset}, expected ${segment.nextOffset}` };
    }
    segment.recordChunk({ ...batch, offsetOfMaxTimestamp: batch.lastOffset });
    at += batch.size;
  }
  return { bytes: at, reason: '' };
}

/** Size of the batch at `at` when its header is readable and it ends inside the file; else 0. */
function batchSizeIfItFits(window: Buffer, at: number, bytesLeftInFile: number): number {
  if (window.length - at < LOG_OVERHEAD) return 0;
  const size = LOG_OVERHEAD + window.readInt32BE(at + 8);
  return size > LOG_OVERHEAD && size <= bytesLeftInFile ? size : 0;
}

/**
 * Loads the indexes of a segment that was written out before a clean stop and reads the tail
 * after the last index entry to learn its next offset and newest timestamp. Returns false when
 * the segment must be recovered instead: an index missing or inconsistent, a tail that does not
 * end on a batch boundary, or an index so far behind that lookups would scan too much.
 */
export async function loadCleanSegment(segment: Segment, maxUnindexedBytes: number): Promise<boolean> {
  segment.resetIndexes();
  if (!segment.offsetIndex.loadAndCheck(Math.max(segment.size, 1))) return false;
  const index = segment.offsetIndex;
  const tailStart = index.entries > 0 ? index.positionAt(index.entries - 1) : 0;
  if (segment.size - tailStart > maxUnindexedBytes) return false;
  const tail = await scanTail(segment, tailStart);
  if (tail === null) return false;
  if (!segment.timeIndex.loadAndCheck(tail.nextOffset)) return false;
  segment.restoreState(tail.nextOffset, tail.maxTimestamp, tail.offsetOfMaxTimestamp, segment.size - tailStart);
  return true;
}

interface TailState {
  nextOffset: number;
  maxTimestamp: number;
  offsetOfMaxTimestamp: number;
}

async function scanTail(segment: Segment, start: number): Promise<TailState | null> {
  const state: TailState = { nextOffset: segment.baseOffset, maxTimestamp: -1, offsetOfMaxTimestamp: -1 };
  let end = start;
  const visit = (batch: BatchLocation): boolean => {
    if (batch.maxTimestamp > state.maxTimestamp) {
      state.maxTimestamp = batch.maxTimestamp;
      state.offsetOfMaxTimestamp = batch.lastOffset;
    }
    state.nextOffset = batch.lastOffset + 1;
    end = batch.position + batch.size;
    return false;
  };
  try {
    await findBatch(segment.fileDescriptor, segment.paths.log, start, segment.size, visit);
  } catch {
    return null;
  }
  if (end !== segment.size) return null;
  return state;
}
