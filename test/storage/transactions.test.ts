// Transactions in a partition log, under both backends: a transactional batch opens its
// producer's transaction and holds the last stable offset at its first offset; the COMMIT or
// ABORT marker closes it; aborted ranges are kept for read_committed readers, in Kafka's
// `.txnindex` layout, across a clean restart and a crash.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HotPath } from '../../src/hotpath/index.js';
import { decodeRecordBatches, readControlBatch } from '../../src/records/index.js';
import { decodeTxnIndex, encodeTxnIndex } from '../../src/storage/aborted-transactions.js';
import { partitionLogs } from '../helpers/partition-logs.js';
import { forEachBackend } from '../helpers/backends.js';

/** A batch of producer `producerId` (epoch 0 unless given), transactional unless told otherwise. */
function txnBatch(hp: HotPath, producerId: number, sequence: number, records = 1, options: { epoch?: number; transactional?: boolean } = {}): Buffer {
  const timestamp = Date.now();
  const list = Array.from({ length: records }, (_, i) => ({ key: null, value: Buffer.from(`p${producerId}-${sequence + i}`), headers: [], timestamp }));
  const attributes = options.transactional === false ? 0 : 0x10;
  return hp.encodeBatch(list, { baseOffset: 0, partitionLeaderEpoch: -1, attributes, baseTimestamp: timestamp, producerId, producerEpoch: options.epoch ?? 0, baseSequence: sequence });
}

const marker = (producerId: number, type: 'commit' | 'abort', producerEpoch = 0) => ({ producerId, producerEpoch, type, coordinatorEpoch: 3, timestamp: Date.now() });

describe.each(forEachBackend)('transactions in a partition log (%s)', (_name, hp) => {
  const openLog = partitionLogs(hp);


  it('holds the last stable offset at the first offset of the oldest open transaction', async () => {
    const { log } = await openLog();
    await log.append(txnBatch(hp, 1, 0, 2, { transactional: false }));
    expect(log.lastStableOffset).toBe(2);
    await log.append(txnBatch(hp, 2, 0, 3));
    await log.append(txnBatch(hp, 3, 0));
    await log.append(txnBatch(hp, 2, 3));
    expect(log.lastStableOffset).toBe(2);
    await log.appendMarker(marker(2, 'commit'));
    expect(log.lastStableOffset).toBe(5);
    await log.appendMarker(marker(3, 'commit'));
    expect(log.lastStableOffset).toBe(log.logEndOffset);
    expect(log.abortedTransactions(0, 100)).toEqual([]);
  });

  it('writes markers as Kafka control batches and keeps aborted ranges for read_committed', async () => {
    const { log } = await openLog();
    await log.append(txnBatch(hp, 7, 0, 2));
    const abort = await log.appendMarker(marker(7, 'abort'));
    await log.append(txnBatch(hp, 7, 2));
    await log.appendMarker(marker(7, 'commit'));
    const [, control] = decodeRecordBatches(await log.read(0, 1 << 20)).filter((b) => b.baseOffset === abort.baseOffset || b.baseOffset === 0);
    expect(control).toMatchObject({ isControl: true, isTransactional: true, producerId: 7, producerEpoch: 0, baseOffset: 2 });
    expect(readControlBatch(await log.read(2, 1))).toEqual({ type: 'abort', coordinatorEpoch: 3 });
    expect(log.abortedTransactions(0, 10)).toEqual([{ producerId: 7, firstOffset: 0, lastOffset: 2, lastStableOffset: 3 }]);
    expect(log.abortedTransactions(3, 10)).toEqual([]);
    expect(log.abortedTransactions(0, 1)).toHaveLength(1);
  });

  it('refuses a batch outside an open transaction, and a marker of an older epoch', async () => {
    const { log } = await openLog();
    await log.append(txnBatch(hp, 4, 0, 1, { epoch: 2 }));
    await expect(log.append(txnBatch(hp, 4, 1, 1, { epoch: 2, transactional: false }))).rejects.toMatchObject({ code: 'INVALID_TXN_STATE' });
    await expect(log.appendMarker(marker(4, 'commit', 1))).rejects.toMatchObject({ code: 'INVALID_PRODUCER_EPOCH' });
    // A marker of a newer epoch (the coordinator fenced the producer) closes it.
    await log.appendMarker(marker(4, 'abort', 3));
    expect(log.lastStableOffset).toBe(log.logEndOffset);
    await expect(log.append(txnBatch(hp, 4, 1, 1, { epoch: 2 }))).rejects.toMatchObject({ code: 'INVALID_PRODUCER_EPOCH' });
  });

  it('keeps open transactions and aborted ranges across a clean restart, in Kafka\'s .txnindex layout', async () => {
    const { log, dir } = await openLog();
    await log.append(txnBatch(hp, 1, 0, 2));
    await log.appendMarker(marker(1, 'abort'));
    await log.append(txnBatch(hp, 2, 0));
    await log.close();
    const index = readFileSync(join(dir, '00000000000000000000.txnindex'));
    expect(index.length).toBe(34);
    expect(decodeTxnIndex(index)).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 2, lastStableOffset: 3 }]);
    const { log: again } = await openLog({}, dir);
    expect(again.lastStableOffset).toBe(3);
    expect(again.abortedTransactions(0, 10)).toHaveLength(1);
    await again.appendMarker(marker(2, 'commit'));
    expect(again.lastStableOffset).toBe(again.logEndOffset);
  });

  it('rebuilds open transactions and aborted ranges after a crash from the markers after the last snapshot', async () => {
    const { log, dir } = await openLog({ segmentBytes: 400 });
    for (let i = 0; i < 6; i++) {
      await log.append(txnBatch(hp, 1, i * 2, 2));
      await log.appendMarker(marker(1, i % 2 === 0 ? 'abort' : 'commit'));
    }
    await log.append(txnBatch(hp, 2, 0));
    await log.flush();
    expect(log.segmentCount).toBeGreaterThan(1);
    const aborted = log.abortedTransactions(0, 1000);
    const lso = log.lastStableOffset;
    log.abandon();
    const { log: again } = await openLog({ segmentBytes: 400 }, dir);
    expect(again.abortedTransactions(0, 1000).map((t) => [t.firstOffset, t.lastOffset])).toEqual(aborted.map((t) => [t.firstOffset, t.lastOffset]));
    expect(aborted).toHaveLength(3);
    expect(again.lastStableOffset).toBe(lso);
  });

  it('drops aborted ranges and .txnindex files of segments retention removed', async () => {
    const { log, dir } = await openLog({ segmentBytes: 300 });
    for (let i = 0; i < 5; i++) {
      await log.append(txnBatch(hp, 1, i, 1));
      await log.appendMarker(marker(1, 'abort'));
    }
    await expect.poll(() => readdirSync(dir).filter((name) => name.endsWith('.txnindex')).length).toBeGreaterThan(0);
    log.deleteRecordsBefore(log.logEndOffset);
    expect(log.abortedTransactions(0, 1000)).toEqual([]);
    await expect.poll(() => readdirSync(dir).filter((name) => name.endsWith('.txnindex')).length).toBe(0);
  });
});

describe('the .txnindex layout', () => {
  it('round-trips 34-byte entries and stops at a torn one', () => {
    const entries = [{ producerId: 9, firstOffset: 10, lastOffset: 20, lastStableOffset: 21 }, { producerId: 2 ** 40, firstOffset: 30, lastOffset: 31, lastStableOffset: 32 }];
    const bytes = encodeTxnIndex(entries);
    expect(bytes.length).toBe(68);
    expect([bytes.readInt16BE(0), bytes.readBigInt64BE(2), bytes.readBigInt64BE(10), bytes.readBigInt64BE(18), bytes.readBigInt64BE(26)]).toEqual([0, 9n, 10n, 20n, 21n]);
    expect(decodeTxnIndex(bytes)).toEqual(entries);
    expect(decodeTxnIndex(bytes.subarray(0, 50))).toEqual(entries.slice(0, 1));
  });
});
