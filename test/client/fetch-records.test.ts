import { describe, expect, it } from 'vitest';
import { messagesFromFetch } from '../../src/client/fetch-records.js';
import { hotpath } from '../../src/hotpath/index.js';
import { Attributes, BatchField, CRC_START, encodeRecordBatch, writeInt64 } from '../../src/records/index.js';

const where = { topic: 't', partition: 0, fetchOffset: 0 };

function batchAt(baseOffset: number, values: string[], options: { producerId?: number; transactional?: boolean } = {}): Buffer {
  const batch = encodeRecordBatch(values.map((value) => ({ value, timestamp: 1000 })), {
    baseOffset,
    producerId: options.producerId,
    producerEpoch: options.producerId === undefined ? undefined : 0,
    baseSequence: options.producerId === undefined ? undefined : 0,
    transactional: options.transactional,
  });
  return batch;
}

/** A control batch (commit or abort marker) at `offset`, as a transaction coordinator writes it. */
function controlBatch(offset: number, producerId: number, type: 'abort' | 'commit'): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(type === 'abort' ? 0 : 1, 2);
  const value = Buffer.alloc(6);
  const batch = encodeRecordBatch([{ key, value, timestamp: 1000 }], { baseOffset: offset, producerId, producerEpoch: 0, transactional: true });
  batch.writeInt16BE(batch.readInt16BE(BatchField.ATTRIBUTES) | Attributes.CONTROL, BatchField.ATTRIBUTES);
  batch.writeUInt32BE(hotpath.crc32c(batch.subarray(CRC_START), 0), BatchField.CRC);
  return batch;
}

const messagesOf = (result: ReturnType<typeof messagesFromFetch>) => Array.from({ length: result.messages.length }, (_, i) => result.messages.messageAt(i));
const values = (result: ReturnType<typeof messagesFromFetch>) => messagesOf(result).map((m) => `${m.offset}:${m.value?.toString()}`);

describe('messagesFromFetch', () => {
  it('turns batches into messages and moves past them', () => {
    const records = Buffer.concat([batchAt(0, ['a', 'b']), batchAt(2, ['c'])]);
    const result = messagesFromFetch(where, records, null, false);
    expect(values(result)).toEqual(['0:a', '1:b', '2:c']);
    expect(result.nextOffset).toBe(3);
    expect(messagesOf(result)[0]).toMatchObject({ topic: 't', partition: 0, key: null, timestamp: 1000 });
  });

  it('skips records below the fetch offset within the first batch', () => {
    const result = messagesFromFetch({ ...where, fetchOffset: 2 }, batchAt(0, ['a', 'b', 'c', 'd']), null, false);
    expect(values(result)).toEqual(['2:c', '3:d']);
    expect(result.nextOffset).toBe(4);
  });

  it('skips control batches but moves past their offsets', () => {
    const records = Buffer.concat([batchAt(0, ['a'], { producerId: 7, transactional: true }), controlBatch(1, 7, 'commit'), batchAt(2, ['b'])]);
    const result = messagesFromFetch(where, records, null, false);
    expect(values(result)).toEqual(['0:a', '2:b']);
    expect(result.nextOffset).toBe(3);
  });

  it('drops a cut-off trailing batch so it is fetched again', () => {
    const whole = batchAt(0, ['a']);
    const next = batchAt(1, ['b', 'c']);
    const result = messagesFromFetch(where, Buffer.concat([whole, next.subarray(0, next.length - 5)]), null, false);
    expect(values(result)).toEqual(['0:a']);
    expect(result.nextOffset).toBe(1);
    expect(result.incomplete).toBe(false);
  });

  it('reports bytes without any whole batch as incomplete', () => {
    const next = batchAt(5, ['b', 'c']);
    const result = messagesFromFetch({ ...where, fetchOffset: 5 }, next.subarray(0, 30), null, false);
    expect(result).toMatchObject({ nextOffset: 5, incomplete: true });
    expect(result.messages.length).toBe(0);
  });

  it('hides aborted transactions under read_committed only', () => {
    const records = Buffer.concat([
      batchAt(0, ['aborted'], { producerId: 7, transactional: true }),
      batchAt(1, ['plain']),
      controlBatch(2, 7, 'abort'),
      batchAt(3, ['later'], { producerId: 7, transactional: true }),
    ]);
    const aborted = [{ producerId: 7, firstOffset: 0 }];
    expect(values(messagesFromFetch(where, records, aborted, true))).toEqual(['1:plain', '3:later']);
    expect(values(messagesFromFetch(where, records, aborted, false))).toEqual(['0:aborted', '1:plain', '3:later']);
  });

  it('reads gzip batches', () => {
    const batch = encodeRecordBatch([{ value: 'zipped', timestamp: 5 }], { compression: 'gzip', baseOffset: 9 });
    writeInt64(batch, BatchField.BASE_OFFSET, 9);
    expect(values(messagesFromFetch({ ...where, fetchOffset: 9 }, batch, null, false))).toEqual(['9:zipped']);
  });

  it('hands out keys, values, timestamps and headers as decoded, across plain and compressed batches', () => {
    const plain = encodeRecordBatch(
      [
        { key: 'k0', value: 'v0', headers: { trace: 'x', empty: null }, timestamp: 1000 },
        { key: null, value: null, timestamp: 1001 },
      ],
      { baseOffset: 0 },
    );
    const zipped = encodeRecordBatch([{ key: 'k2', value: 'v2', headers: [{ key: 'h', value: 'y' }], timestamp: 1002 }], { compression: 'gzip', baseOffset: 2 });
    const result = messagesFromFetch(where, Buffer.concat([plain, zipped]), null, false);
    const messages = messagesOf(result).map((m) => ({
      offset: m.offset,
      timestamp: m.timestamp,
      key: m.key?.toString() ?? null,
      value: m.value?.toString() ?? null,
      headers: m.headers.map((h) => `${h.key}=${h.value?.toString() ?? 'null'}`),
    }));
    expect(messages).toEqual([
      { offset: 0, timestamp: 1000, key: 'k0', value: 'v0', headers: ['trace=x', 'empty=null'] },
      { offset: 1, timestamp: 1001, key: null, value: null, headers: [] },
      { offset: 2, timestamp: 1002, key: 'k2', value: 'v2', headers: ['h=y'] },
    ]);
    expect(result.messages.offsetAt(2)).toBe(2);
  });
});
