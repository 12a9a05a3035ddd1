// Record batches and temp directories for storage tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { HotPath, RawRecord } from '../../src/hotpath/types.js';

export interface BatchSpec {
  readonly records?: number;
  readonly valueBytes?: number;
  readonly timestamp?: number;
  readonly tag?: string;
}

/** One uncompressed batch with `records` records of `valueBytes` each (offsets left for the log to assign). */
export function makeBatch(hp: HotPath, spec: BatchSpec = {}): Buffer {
  const count = spec.records ?? 1;
  const timestamp = spec.timestamp ?? Date.now();
  const records: RawRecord[] = [];
  for (let i = 0; i < count; i++) {
    const value = Buffer.alloc(spec.valueBytes ?? 16, `${spec.tag ?? 'v'}${i}-`);
    records.push({ key: Buffer.from(`k${i}`), value, headers: [], timestamp: timestamp + i });
  }
  return hp.encodeBatch(records, {
    baseOffset: 0,
    partitionLeaderEpoch: -1,
    attributes: 0,
    baseTimestamp: timestamp,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
  });
}

/** A fresh temp directory and a function that removes it. */
export function tempDir(prefix = 'sluice-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** For a describe block: a function making fresh temp directories, all removed after the block. */
export function suiteTempDirs(): () => string {
  const cleanups: Array<() => void> = [];
  afterAll(() => cleanups.forEach((cleanup) => cleanup()));
  return () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    return temp.dir;
  };
}

/** Base offsets of the batches back to back in buf. */
export function batchBaseOffsets(buf: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 0; at + 12 <= buf.length; at += 12 + buf.readInt32BE(at + 8)) {
    offsets.push(Number(buf.readBigInt64BE(at)));
  }
  return offsets;
}
