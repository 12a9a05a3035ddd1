// Producer state when a log opens: the newest intact snapshot that the log still reaches, then
// every producer batch and transaction marker after it, read back from the segments' headers (a
// marker's one record is read too; no data record is decoded). Aborted transactions come from
// the segments' `.txnindex` files, and the markers replayed add those the files missed. A log
// with no snapshot (written before snapshots existed, or all of them damaged) is read from its
// second-to-last segment on, as Kafka does: producers idle for longer are forgotten, which only
// means their next batch may start at any sequence.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HotPath } from '../hotpath/types.js';
import { Attributes, BatchField, readControlBatch } from '../records/index.js';
import { AbortedTransactions } from './aborted-transactions.js';
import { findBatch, readRange, type BatchLocation } from './batch-scan.js';
import { removeFile } from './checkpoint.js';
import type { StorageLogger } from './log-loader.js';
import { SNAPSHOT_SUFFIX, decodeProducerSnapshot } from './producer-snapshot.js';
import { ProducerStates, producerBatchAt, type ProducerBatch } from './producer-state.js';
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

export interface LoadedProducers {
  readonly states: ProducerStates;
  readonly aborted: AbortedTransactions;
}

export async function loadProducerStates(dir: string, segments: readonly Segment[], logStartOffset: number, logEndOffset: number, hotpath: HotPath, logger: StorageLogger): Promise<LoadedProducers> {
  const states = new ProducerStates();
  const aborted = new AbortedTransactions();
  aborted.load(dir, segments.map((segment) => segment.baseOffset), logEndOffset);
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
  await replay(segments, Math.max(from, logStartOffset), states, aborted);
  states.removeBelow(logStartOffset);
  aborted.removeBelow(logStartOffset);
  return { states, aborted };
}

type Replayed = { readonly batch: ProducerBatch; readonly firstOffset: number } | { readonly marker: BatchLocation; readonly segment: Segment; readonly producerId: number; readonly epoch: number };

/** Applies every producer batch and marker from `offset` to the end of the log, in order; the offset index says where in its segment to start. */
async function replay(segments: readonly Segment[], offset: number, states: ProducerStates, aborted: AbortedTransactions): Promise<void> {
  const first = segmentIndexFor(segments, offset);
  for (let i = first; i < segments.length; i++) {
    const segment = segments[i];
    const start = i === first ? ((await segment.findBatchFor(offset))?.position ?? segment.writtenSize) : 0;
    const events: Replayed[] = [];
    await findBatch(segment.fileDescriptor, segment.paths.log, start, segment.writtenSize, (batch, window, at) => {
      if (batch.lastOffset < offset) return false;
      if ((window.readInt16BE(at + BatchField.ATTRIBUTES) & Attributes.CONTROL) !== 0) {
        events.push({ marker: batch, segment, producerId: Number(window.readBigInt64BE(at + BatchField.PRODUCER_ID)), epoch: window.readInt16BE(at + BatchField.PRODUCER_EPOCH) });
        return false;
      }
      const producer = producerBatchAt(window, at, batch.maxTimestamp);
      if (producer !== null) events.push({ batch: producer, firstOffset: batch.baseOffset });
      return false;
    });
    for (const event of events) {
      if ('batch' in event) states.record(event.batch, event.firstOffset);
      else await replayMarker(event, states, aborted);
    }
  }
}

async function replayMarker(event: Extract<Replayed, { marker: BatchLocation }>, states: ProducerStates, aborted: AbortedTransactions): Promise<void> {
  const bytes = await readRange(event.segment.fileDescriptor, event.marker.position, event.marker.size);
  const marker = readControlBatch(bytes);
  if (marker === null) return;
  const { baseOffset, maxTimestamp } = event.marker;
  const completed = states.endTransaction(event.producerId, event.epoch, marker.coordinatorEpoch, baseOffset, marker.type === 'abort', maxTimestamp);
  if (completed?.aborted === true) {
    aborted.add({ producerId: completed.producerId, firstOffset: completed.firstOffset, lastOffset: completed.lastOffset, lastStableOffset: states.firstUnstableOffset() ?? baseOffset + 1 });
  }
}
