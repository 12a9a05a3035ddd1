// Which old segments retention removes. Only whole segments go, oldest first, and never the
// active one. Time: a segment goes when its newest record (or, with no timestamps, its creation)
// is older than retentionMs. Size: segments go while the log stays at or above retentionBytes
// without them, as Kafka's retention.bytes does.
import type { LogConfig } from './config.js';
import type { Segment } from './segment.js';

/** How many segments, counted from the oldest, retention deletes now. */
export function segmentsBeyondRetention(segments: readonly Segment[], config: LogConfig, now: number): number {
  const inactive = segments.length - 1;
  return Math.max(expiredByTime(segments, inactive, config.retentionMs, now), beyondSize(segments, inactive, config.retentionBytes));
}

function expiredByTime(segments: readonly Segment[], inactive: number, retentionMs: number, now: number): number {
  if (retentionMs < 0) return 0;
  let count = 0;
  while (count < inactive && newestTimestamp(segments[count]) < now - retentionMs) count++;
  return count;
}

function beyondSize(segments: readonly Segment[], inactive: number, retentionBytes: number): number {
  if (retentionBytes < 0) return 0;
  let excess = segments.reduce((sum, segment) => sum + segment.size, 0) - retentionBytes;
  let count = 0;
  while (count < inactive && excess - segments[count].size >= 0) {
    excess -= segments[count].size;
    count++;
  }
  return count;
}

function newestTimestamp(segment: Segment): number {
  return segment.maxTimestampSoFar >= 0 ? segment.maxTimestampSoFar : segment.rollingBaseTimestamp;
}
