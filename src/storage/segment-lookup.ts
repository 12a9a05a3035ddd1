// Reads that span a log's segment list: which segment holds an offset, the first batch at or
// after a timestamp, the newest timestamp. Segments are in base-offset order.
import type { Segment } from './segment.js';
import type { ReadMemory } from './read-memory.js';

/** Index of the last segment whose base offset <= offset (0 when all start above it). */
export function segmentIndexFor(segments: readonly Segment[], offset: number): number {
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (segments[middle].baseOffset <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Whole batches from the one holding `offset` (below `end`), from the first segment that has any. */
export async function readFromSegments(segments: readonly Segment[], offset: number, end: number, maxBytes: number, minOneBatch: boolean, memory: ReadMemory): Promise<Buffer> {
  for (let i = segmentIndexFor(segments, offset); i < segments.length && offset < end; i++) {
    const bytes = await segments[i].read(offset, maxBytes, minOneBatch, memory);
    if (bytes !== null) return bytes;
  }
  return Buffer.alloc(0);
}

/** The bytes of the first batch with a max timestamp at or after `timestamp` and offsets from `startOffset` on. */
export async function batchAtTimestamp(segments: readonly Segment[], timestamp: number, startOffset: number): Promise<Buffer | null> {
  for (const segment of segments) {
    const batch = await segment.findBatchByTimestamp(timestamp);
    if (batch !== null && batch.lastOffset >= startOffset) return segment.readBatch(batch);
  }
  return null;
}

/** Largest timestamp among the segments and the last offset of the batch carrying it; -1s when empty. */
export function newestTimestamp(segments: readonly Segment[]): { timestamp: number; offset: number } {
  let best = { timestamp: -1, offset: -1 };
  for (const segment of segments) {
    if (segment.maxTimestampSoFar > best.timestamp) best = { timestamp: segment.maxTimestampSoFar, offset: segment.offsetOfMaxTimestampSoFar };
  }
  return best;
}

/** How many segments, from the oldest, hold only offsets below `offset` (never the last one). */
export function segmentsWhollyBelow(segments: readonly Segment[], offset: number): number {
  let count = 0;
  while (count < segments.length - 1 && segments[count].nextOffset <= offset) count++;
  return count;
}
