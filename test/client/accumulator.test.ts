import { afterEach, describe, expect, it, vi } from 'vitest';
import { Accumulator, estimateRecordBytes } from '../../src/client/accumulator.js';

const plain = { acks: -1, compression: 'none' } as const;
const value = (bytes: number) => ({ value: Buffer.alloc(bytes) });

function accumulator(batchSize: number, lingerMs: number) {
  const ready = { count: 0 };
  const acc = new Accumulator({ batchSize, lingerMs, onReady: () => ready.count++ });
  return { acc, ready };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Accumulator', () => {
  it('holds a batch below batch.size until linger.ms passes', () => {
    vi.useFakeTimers();
    const { acc, ready } = accumulator(16_384, 50);
    acc.append('t', 0, value(10), plain);
    acc.append('t', 0, value(10), plain);
    expect(acc.drain()).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(ready.count).toBe(1);
    const [batch] = acc.drain();
    expect(batch.records).toHaveLength(2);
  });

  it('with linger.ms 0 sends at the end of the current tick, keeping the tick together', async () => {
    const { acc } = accumulator(16_384, 0);
    acc.append('t', 0, value(1), plain);
    acc.append('t', 0, value(1), plain);
    expect(acc.drain()).toEqual([]);
    await Promise.resolve();
    const batches = acc.drain();
    expect(batches).toHaveLength(1);
    expect(batches[0].records).toHaveLength(2);
  });

  it('closes a batch when the next record would pass batch.size', () => {
    const size = estimateRecordBytes(value(100));
    const { acc } = accumulator(61 + size + 10, 60_000);
    const first = acc.append('t', 0, value(100), plain);
    const second = acc.append('t', 0, value(100), plain);
    expect(second.batch).not.toBe(first.batch);
    expect(second.index).toBe(0);
    expect(first.batch.sendable).toBe(true);
    expect(second.batch.sendable).toBe(false);
  });

  it('sends a record larger than batch.size in a batch of its own, at once', () => {
    const { acc } = accumulator(100, 60_000);
    const { batch } = acc.append('t', 0, value(500), plain);
    expect(batch.sendable).toBe(true);
    expect(acc.drain()).toEqual([batch]);
  });

  it('keeps batches of different partitions, acks or compression apart', () => {
    const { acc } = accumulator(16_384, 60_000);
    const a = acc.append('t', 0, value(1), plain).batch;
    const b = acc.append('t', 1, value(1), plain).batch;
    const c = acc.append('t', 0, value(1), { acks: 1, compression: 'none' }).batch;
    const d = acc.append('t', 0, value(1), { acks: 1, compression: 'gzip' }).batch;
    expect(new Set([a, b, c, d]).size).toBe(4);
    expect(acc.batchCount).toBe(4);
  });

  it('lets one batch per partition be in flight, in order', () => {
    const { acc } = accumulator(100, 60_000);
    const first = acc.append('t', 0, value(500), plain).batch;
    const second = acc.append('t', 0, value(500), plain).batch;
    const other = acc.append('t', 1, value(500), plain).batch;
    expect(acc.drain()).toEqual([first, other]);
    expect(acc.drain()).toEqual([]);
    acc.requeue(first);
    expect(acc.drain()).toEqual([first]);
    acc.complete(first);
    expect(acc.drain()).toEqual([second]);
  });

  it('flush closes open batches and waits for their answers', async () => {
    const { acc } = accumulator(16_384, 60_000);
    const { batch } = acc.append('t', 0, value(1), plain);
    let flushed = false;
    const flushing = acc.flush().then(() => (flushed = true));
    const [drained] = acc.drain();
    expect(drained).toBe(batch);
    await Promise.resolve();
    expect(flushed).toBe(false);
    acc.complete(batch);
    batch.succeed({ baseOffset: 0, logAppendTime: -1 });
    await flushing;
    expect(flushed).toBe(true);
    expect(acc.batchCount).toBe(0);
  });

  it('estimates at least the encoded size of a record', async () => {
    const { encodeRecordBatch } = await import('../../src/records/index.js');
    const record = { key: 'k', value: 'some value', headers: { a: 'b', c: null } };
    const encoded = encodeRecordBatch([record]);
    expect(61 + estimateRecordBytes(record)).toBeGreaterThanOrEqual(encoded.length);
  });
});
