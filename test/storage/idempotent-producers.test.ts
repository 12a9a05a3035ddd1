// Idempotent producers in one partition log, under both backends: retries of any of the last five
// batches are answered with their original offsets and not written again; gaps and stale epochs
// are refused; the state survives a clean restart (snapshot), a crash (snapshot plus the batches
// after it), retention, DeleteRecords and producer-id expiration as Kafka's does.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HotPath } from '../../src/hotpath/index.js';
import type { PartitionLog } from '../../src/storage/index.js';
import { decodeProducerSnapshot, encodeProducerSnapshot } from '../../src/storage/producer-snapshot.js';
import { partitionLogs } from '../helpers/partition-logs.js';
import { forEachBackend, jsHotPath } from '../helpers/backends.js';
const INT32_MAX = 0x7fffffff;

interface ProducerSpec {
  readonly producerId?: number;
  readonly epoch?: number;
  readonly sequence: number;
  readonly records?: number;
  readonly timestamp?: number;
}

/** One batch of an idempotent producer (producer 7, epoch 0 unless given). */
function producerBatch(hp: HotPath, spec: ProducerSpec): Buffer {
  const count = spec.records ?? 1;
  const timestamp = spec.timestamp ?? Date.now();
  const records = Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`s${spec.sequence + i}`), headers: [], timestamp }));
  return hp.encodeBatch(records, { baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, baseTimestamp: timestamp, producerId: spec.producerId ?? 7, producerEpoch: spec.epoch ?? 0, baseSequence: spec.sequence });
}

describe.each(forEachBackend)('idempotent producers in a partition log (%s)', (_name, hp) => {
  const openLog = partitionLogs(hp);


  const append = (log: PartitionLog, spec: ProducerSpec) => log.append(producerBatch(hp, spec));

  it('answers a retry of any of the last five batches with its original offsets, writing nothing', async () => {
    const { log } = await openLog();
    const first = await append(log, { sequence: 0, records: 3 });
    for (let i = 1; i <= 5; i++) await append(log, { sequence: 1 + i * 2, records: 2 });
    const end = log.logEndOffset;
    expect(end).toBe(13);
    // Batches 2..6 are kept; the first has left the window of five.
    const retried = await append(log, { sequence: 3, records: 2 });
    expect(retried).toMatchObject({ baseOffset: 3, lastOffset: 4, recordCount: 2 });
    expect((await append(log, { sequence: 11, records: 2 })).baseOffset).toBe(11);
    expect(log.logEndOffset).toBe(end);
    expect(first.baseOffset).toBe(0);
    await expect(append(log, { sequence: 0, records: 3 })).rejects.toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE' });
    expect((await append(log, { sequence: 13 })).baseOffset).toBe(13);
  });

  it('refuses a gap, a stale epoch, and a new epoch that does not start at 0', async () => {
    const { log } = await openLog();
    await append(log, { sequence: 0, epoch: 2 });
    await expect(append(log, { sequence: 2, epoch: 2 })).rejects.toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE' });
    await expect(append(log, { sequence: 1, epoch: 1 })).rejects.toMatchObject({ code: 'INVALID_PRODUCER_EPOCH' });
    await expect(append(log, { sequence: 5, epoch: 3 })).rejects.toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE' });
    expect(log.logEndOffset).toBe(1);
    expect((await append(log, { sequence: 0, epoch: 3 })).baseOffset).toBe(1);
    // The new epoch forgot the old one's batches: a retry of those is now a stale epoch.
    await expect(append(log, { sequence: 0, epoch: 2 })).rejects.toMatchObject({ code: 'INVALID_PRODUCER_EPOCH' });
  });

  it('lets a producer it knows nothing of start anywhere, keeps producers apart, and wraps sequences after INT32_MAX', async () => {
    const { log } = await openLog();
    await append(log, { producerId: 1, sequence: 40 });
    await append(log, { producerId: 2, sequence: INT32_MAX - 1, records: 2 });
    expect((await append(log, { producerId: 2, sequence: 0 })).baseOffset).toBe(3);
    expect((await append(log, { producerId: 1, sequence: 41 })).baseOffset).toBe(4);
    expect((await append(log, { producerId: 2, sequence: INT32_MAX - 1, records: 2 })).baseOffset).toBe(1);
  });

  it('leaves batches without a producer id alone, and refuses a producer batch that is not alone', async () => {
    const { log } = await openLog();
    const plain = hp.encodeBatch([{ key: null, value: Buffer.from('x'), headers: [], timestamp: 1 }], { baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, baseTimestamp: 1, producerId: -1, producerEpoch: -1, baseSequence: -1 });
    await log.append(Buffer.from(plain));
    await log.append(Buffer.from(plain));
    expect(log.logEndOffset).toBe(2);
    await expect(log.append(Buffer.concat([producerBatch(hp, { sequence: 0 }), producerBatch(hp, { sequence: 1 })]))).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    expect(log.producerStates.size).toBe(0);
  });

  it('keeps the state across a clean restart, through the snapshot at the log end', async () => {
    const { log, dir } = await openLog();
    for (let i = 0; i < 3; i++) await append(log, { sequence: i * 2, records: 2 });
    await log.close();
    expect(readdirSync(dir)).toContain('00000000000000000006.snapshot');
    const { log: again } = await openLog({}, dir);
    expect((await append(again, { sequence: 4, records: 2 })).baseOffset).toBe(4);
    await expect(append(again, { sequence: 7 })).rejects.toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE' });
    expect((await append(again, { sequence: 6 })).baseOffset).toBe(6);
  });

  it('rebuilds the last five batches after a crash from the roll snapshot and the batches after it', async () => {
    const { log, dir } = await openLog({ segmentBytes: 300 });
    const base = Date.now();
    for (let i = 0; i < 12; i++) await append(log, { sequence: i, records: 1, timestamp: base + i });
    await log.flush();
    expect(log.segmentCount).toBeGreaterThan(2);
    const snapshots = () => readdirSync(dir).filter((name) => name.endsWith('.snapshot')).length;
    await expect.poll(snapshots).toBe(log.segmentCount - 1);
    log.abandon();
    const { log: again } = await openLog({ segmentBytes: 300 }, dir);
    for (const sequence of [7, 8, 9, 10, 11]) expect((await append(again, { sequence, timestamp: base + sequence })).baseOffset).toBe(sequence);
    expect(again.logEndOffset).toBe(12);
    expect((await append(again, { sequence: 12 })).baseOffset).toBe(12);
  });

  it('reads the state back from the log when no snapshot survived', async () => {
    const { log, dir } = await openLog();
    for (let i = 0; i < 4; i++) await append(log, { sequence: i });
    await log.flush();
    log.abandon();
    for (const name of readdirSync(dir).filter((entry) => entry.endsWith('.snapshot'))) writeFileSync(join(dir, name), 'damaged');
    const { log: again } = await openLog({}, dir);
    expect((await append(again, { sequence: 3 })).baseOffset).toBe(3);
    expect(readdirSync(dir).filter((entry) => entry.endsWith('.snapshot'))).toEqual([]);
  });

  it('forgets producers whose data DeleteRecords removed, and producers idle past producer.id.expiration.ms', async () => {
    const { log } = await openLog({ producerIdExpirationMs: 60_000 });
    const now = Date.now();
    await append(log, { producerId: 1, sequence: 0, timestamp: now });
    await append(log, { producerId: 2, sequence: 0, timestamp: now });
    log.deleteRecordsBefore(1);
    expect([...log.producerStates.all()].map((entry) => entry.producerId)).toEqual([2]);
    // Unknown again: any sequence may start it.
    expect((await append(log, { producerId: 1, sequence: 9, timestamp: now })).baseOffset).toBe(2);
    log.applyRetention(now + 30_000);
    expect(log.producerStates.size).toBe(2);
    log.applyRetention(now + 61_000);
    expect(log.producerStates.size).toBe(0);
  });
});

describe('producer snapshots in Kafka\'s layout', () => {
  it('writes version 1, a CRC32C of the entries, and 46-byte entries holding the last batch', () => {
    const entry = { producerId: 1234, epoch: 3, batches: [{ firstSequence: 5, lastSequence: 9, firstOffset: 100, lastOffset: 104, maxTimestamp: 1_700_000_000_000 }], lastTimestamp: 1_700_000_000_000, coordinatorEpoch: -1, currentTxnFirstOffset: -1 };
    const bytes = encodeProducerSnapshot([entry], jsHotPath);
    expect(bytes.length).toBe(2 + 4 + 4 + 46);
    expect(bytes.readInt16BE(0)).toBe(1);
    expect(bytes.readUInt32BE(2)).toBe(jsHotPath.crc32c(bytes.subarray(6), 0));
    expect(bytes.readInt32BE(6)).toBe(1);
    expect([bytes.readBigInt64BE(10), bytes.readInt16BE(18), bytes.readInt32BE(20), bytes.readBigInt64BE(24), bytes.readInt32BE(32)]).toEqual([1234n, 3, 9, 104n, 4]);
    expect([bytes.readBigInt64BE(36), bytes.readInt32BE(44), bytes.readBigInt64BE(48)]).toEqual([1_700_000_000_000n, -1, -1n]);
    expect(decodeProducerSnapshot(bytes, jsHotPath)).toEqual([entry]);
    const flipped = Buffer.from(bytes);
    flipped[30] ^= 1;
    expect(decodeProducerSnapshot(flipped, jsHotPath)).toBeNull();
    expect(decodeProducerSnapshot(bytes.subarray(0, bytes.length - 1), jsHotPath)).toBeNull();
  });
});
