// Transaction markers (control batches) under both backends: byte for byte Kafka's layout
// (EndTransactionMarker: key int16 version 0 + int16 type, COMMIT 1 / ABORT 0; value int16
// version 0 + int32 coordinator epoch; attributes transactional + control; base sequence -1),
// read back by our decoder and by kafkajs's, which reports it as a control batch.
import { describe, expect, it } from 'vitest';
import { decodeRecordBatches, encodeControlBatch, readControlBatch, validateBatches } from '../../src/records/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { kafkajsDecode } from './kafkajs.js';

const MARKER = { producerId: 4_000_000_001, producerEpoch: 3, type: 'commit' as const, coordinatorEpoch: 5, timestamp: 1_700_000_000_000 };

describe.each(forEachBackend)('control batches (%s)', (_name, hp) => {
  it("lays out a COMMIT marker as Kafka's", () => {
    const batch = encodeControlBatch(MARKER, hp);
    expect(batch.readInt16BE(21)).toBe(0x30);
    expect([batch.readInt32BE(23), batch.readBigInt64BE(27), batch.readBigInt64BE(35)]).toEqual([0, 1_700_000_000_000n, 1_700_000_000_000n]);
    expect([batch.readBigInt64BE(43), batch.readInt16BE(51), batch.readInt32BE(53), batch.readInt32BE(57)]).toEqual([4_000_000_001n, 3, -1, 1]);
    // length 16 | attributes | timestamp delta | offset delta | key 4 bytes: v0, COMMIT | value 6 bytes: v0, epoch 5 | no headers
    expect(batch.subarray(61).toString('hex')).toBe('20' + '00' + '00' + '00' + '08' + '00000001' + '0c' + '000000000005' + '00');
    expect(validateBatches(batch, { hotpath: hp })).toMatchObject({ ok: true, recordCount: 1 });
  });

  it('reads back the marker type and coordinator epoch, and an ABORT as type 0', () => {
    expect(readControlBatch(encodeControlBatch(MARKER, hp))).toEqual({ type: 'commit', coordinatorEpoch: 5 });
    const abort = encodeControlBatch({ ...MARKER, type: 'abort' }, hp);
    expect(abort.subarray(61 + 5, 61 + 9).toString('hex')).toBe('00000000');
    expect(readControlBatch(abort)).toEqual({ type: 'abort', coordinatorEpoch: 5 });
    expect(decodeRecordBatches(abort)[0]).toMatchObject({ isControl: true, isTransactional: true, producerId: 4_000_000_001 });
  });

  it("is a control batch to kafkajs's decoder, in its producer's transaction", async () => {
    const decoded = await kafkajsDecode(encodeControlBatch(MARKER, hp));
    expect(decoded).toMatchObject({ producerId: '4000000001', producerEpoch: 3, firstSequence: -1, inTransaction: true });
  });
});
