// Opening a partition directory: find the segments, decide which need recovery (those after the
// recovery point when there was no clean shutdown), recover or load them, and report what was cut.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HotPath } from '../hotpath/types.js';
import { removeFile, readOffsetFile } from './checkpoint.js';
import type { LogConfig } from './config.js';
import { CLEAN_SHUTDOWN_FILE, DELETED_SUFFIX, LOG_START_OFFSET_FILE, RECOVERY_POINT_FILE, parseSegmentLogName } from './file-names.js';
import { loadCleanSegment, recoverSegment, type SegmentRecovery } from './recovery.js';
import { Segment } from './segment.js';

export interface StorageLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const consoleLogger: StorageLogger = {
  info: () => {},
  warn: (message, fields) => console.warn(`sluice storage: ${message}`, fields ?? ''),
};

export interface LoadedLog {
  readonly segments: Segment[];
  readonly logStartOffset: number;
  readonly recoveryPoint: number;
  readonly cleanShutdown: boolean;
  readonly recovered: SegmentRecovery[];
  /** Segments after a damaged one, removed because their offsets no longer follow on. */
  readonly droppedSegments: string[];
}

export async function loadLog(dir: string, config: LogConfig, hotpath: HotPath, logger: StorageLogger): Promise<LoadedLog> {
  mkdirSync(dir, { recursive: true });
  const cleanShutdown = removeFile(join(dir, CLEAN_SHUTDOWN_FILE));
  const recoveryPoint = readOffsetFile(join(dir, RECOVERY_POINT_FILE), 0);
  const savedStart = readOffsetFile(join(dir, LOG_START_OFFSET_FILE), 0);
  const bases = listSegmentBases(dir);
  const segments: Segment[] = [];
  const recovered: SegmentRecovery[] = [];
  const droppedSegments: string[] = [];
  // Kafka's bound on what a correct index leaves unindexed: the chunk of its last entry,
  // up to indexIntervalBytes more, and the chunk that then got no entry.
  const maxUnindexedBytes = 2 * config.maxMessageBytes + config.indexIntervalBytes;

  for (let i = 0; i < bases.length; i++) {
    const segment = Segment.open(dir, bases[i], config, hotpath);
    const nextBase = i + 1 < bases.length ? bases[i + 1] : Infinity;
    const mustRecover = !cleanShutdown && nextBase > recoveryPoint;
    const loaded = !mustRecover && (await loadCleanSegment(segment, maxUnindexedBytes));
    segments.push(segment);
    if (loaded) continue;
    const report = await recoverSegment(segment, hotpath);
    recovered.push(report);
    if (report.truncatedBytes > 0) {
      logger.warn('truncated a damaged segment tail', { ...report });
    } else if (report.unwrittenBytes > 0) {
      logger.info('cut preallocated space that was never written', { ...report });
    }
    if (i + 1 < bases.length && segment.nextOffset !== nextBase) {
      droppedSegments.push(...dropSegmentsFrom(dir, bases.slice(i + 1), config, hotpath));
      logger.warn('removed segments after a damaged one', { segments: droppedSegments });
      break;
    }
  }
  if (segments.length === 0) segments.push(Segment.create(dir, savedStart, config, hotpath));
  const logStartOffset = Math.max(savedStart, segments[0].baseOffset);
  return { segments, logStartOffset, recoveryPoint, cleanShutdown, recovered, droppedSegments };
}

/** Base offsets of the segments in dir, ascending; leftovers of deletions are removed. */
function listSegmentBases(dir: string): number[] {
  const bases: number[] = [];
  for (const name of readdirSync(dir)) {
    if (name.endsWith(DELETED_SUFFIX) || name.endsWith('.tmp')) {
      removeFile(join(dir, name));
      continue;
    }
    const base = parseSegmentLogName(name);
    if (base >= 0) bases.push(base);
  }
  return bases.sort((a, b) => a - b);
}

function dropSegmentsFrom(dir: string, bases: number[], config: LogConfig, hotpath: HotPath): string[] {
  return bases.map((base) => {
    const segment = Segment.open(dir, base, config, hotpath);
    segment.delete();
    return segment.paths.log;
  });
}
