// Kafka's file naming: every segment file is named by its base offset as 20 zero-padded digits.
import { join } from 'node:path';

export const LOG_SUFFIX = '.log';
export const OFFSET_INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const DELETED_SUFFIX = '.deleted';

/** Present while the log is closed cleanly; removed on open. */
export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';
/** Offset below which every segment was flushed and indexed (text, one number). */
export const RECOVERY_POINT_FILE = 'recovery-point';
/** The log start offset, when DeleteRecords or retention moved it inside a segment. */
export const LOG_START_OFFSET_FILE = 'log-start-offset';

const SEGMENT_NAME = /^(\d{20})\.log$/;

export function segmentFileStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

export function segmentPaths(dir: string, baseOffset: number): { log: string; offsetIndex: string; timeIndex: string } {
  const stem = join(dir, segmentFileStem(baseOffset));
  return { log: stem + LOG_SUFFIX, offsetIndex: stem + OFFSET_INDEX_SUFFIX, timeIndex: stem + TIME_INDEX_SUFFIX };
}

/** The base offset a `.log` file name stands for, or -1 when the name is not a segment's. */
export function parseSegmentLogName(name: string): number {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : -1;
}
