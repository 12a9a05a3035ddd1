// The consumer's hand-written async iterator: buffered messages at once, the slow path for the
// rest, and an end that sticks (done, a throw, or a break).
import { describe, expect, it } from 'vitest';
import { messageIterator, type MessageSource } from '../../src/client/message-iterator.js';

function source(ready: number[], slow: Array<IteratorResult<number, undefined> | Error>): MessageSource<number> & { slowCalls: number } {
  const s = {
    slowCalls: 0,
    ready: () => ready.shift(),
    next: async (): Promise<IteratorResult<number, undefined>> => {
      s.slowCalls++;
      const step = slow.shift() ?? { value: undefined, done: true };
      if (step instanceof Error) throw step;
      return step;
    },
  };
  return s;
}

describe('messageIterator', () => {
  it('hands out ready messages without the slow path, then waits through it until done', async () => {
    const src = source([1, 2], [{ value: 3, done: false }]);
    const seen: number[] = [];
    for await (const n of messageIterator(src)) seen.push(n);
    expect(seen).toEqual([1, 2, 3]);
    expect(src.slowCalls).toBe(2); // 3, then done
  });

  it('ends for good after a throw', async () => {
    const src = source([], [new Error('broker gone')]);
    const iterator = messageIterator(src);
    await expect(iterator.next()).rejects.toThrow('broker gone');
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(src.slowCalls).toBe(1);
  });

  it('ends this iteration at a break, without asking the source again', async () => {
    const src = source([1, 2, 3], []);
    const iterator = messageIterator(src);
    for await (const n of iterator) if (n === 1) break;
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(src.slowCalls).toBe(0);
  });
});
