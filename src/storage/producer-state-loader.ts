// Producer state when a log opens: the newest intact snapshot that the log still reaches, then
// every producer batch after it, read back from the segments' headers (no record is decoded).
// A log with no snapshot (written before snapshots existed, or all of them damaged) is read from
// its second-to-last segment on, as Kafka does: producers idle for longer are forgotten, which
// only means their next batch may start at any sequence.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HotPath } from '../hotpath/types.js';
import { findBatch } from './batch-scan.js';
import { removeFile } from './checkpoint.js';
import type { StorageLogger } from './log-loader.js';
import { SNAPSHOT_SUFFIX, decodeProducerSnapshot } from './producer-snapshot.js';
import { ProducerStates, producerBatchAt } from './producer-state.js';
import type { Segment } from './segment.js';
import { segmentIndexFor } from './segment-lookup.js';

const SNAPSHOT_NAME = /^(\d{20})\.snapshot$/;

/** Offsets of the snapshot files in `dir`, ascending. */
export function listSnapshotOffsets(dir: string): number[] {
  const offsets: number[] = [];
  for (const name of readdirSync(dir)) {
    const match = SNAPSHOT_NAME.exec(name);
    if (match !== null) offsets.push(Number(match[1]));
  }
  return offsets.sort((a, b) => a - b);
}

export function snapshotPath(dir: string, offset: number): string {
  return join(dir, `${String(offset).padStart(20, '0')}${SNAPSHOT_SUFFIX}`);
}

export async function loadProducerStates(dir: string, segments: readonly Segment[], logStartOffset: number, logEndOffset: number, hotpath: HotPath, logger: StorageLogger): Promise<ProducerStates> {
  const states = new ProducerStates();
  let from = segments[Math.max(0, segments.length - 2)].baseOffset;
  for (const offset of listSnapshotOffsets(dir).reverse()) {
    const path = snapshotPath(dir, offset);
    // Beyond the log end: recovery cut what it covered. Damaged: an older one may do.
    const entries = offset <= logEndOffset ? decodeProducerSnapshot(readFileSync(path), hotpath) : null;
    if (entries === null) {
      if (offset <= logEndOffset) logger.warn('removed a damaged producer snapshot', { path });
      removeFile(path);
      continue;
    }
    entries.forEach((entry) => states.restore(entry));
    from = offset;
    break;
  }
  await replayProducerBatches(segments, Math.max(from, logStartOffset), states);
  states.removeBelow(logStartOffset);
  return states;
}

/** Records every producer batch from `offset` to the end of the log; the offset index says where in its segment to start. */
async function replayProducerBatches(segments: readonly Segment[], offset: number, states: ProducerStates): Promise<void> {
  const first = segmentIndexFor(segments, offset);
  for (let i = first; i < segments.length; i++) {
    const segment = segments[i];
    const start = i === first ? ((await segment.findBatchFor(offset))?.position ?? segment.writtenSize) : 0;
    await findBatch(segment.fileDescriptor, segment.paths.log, start, segment.writtenSize, (batch, window, at) => {
      if (batch.lastOffset < offset) return false;
      const producer = producerBatchAt(window, at, batch.maxTimestamp);
      if (producer !== null) states.record(producer, batch.baseOffset);
      return false;
    });
  }
}
