// The consumer's async iterator, written out instead of as an async generator: a generator
// costs ~100 ns per message in promise and resumption machinery, this ~45 ns when a message is
// already buffered (the common case: one already-resolved promise). When none is, the source's
// slow path waits (for a fetch, a rebalance, close()) and may throw, which ends the iteration.

export interface MessageSource<T> {
  /** A message that can be handed out at once, if there is one and nothing else needs attention. */
  ready(): T | undefined;
  /** The next message after whatever waiting it takes; done once the consumer is closed. */
  next(): Promise<IteratorResult<T, undefined>>;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

export function messageIterator<T>(source: MessageSource<T>): AsyncIterableIterator<T, undefined> {
  let finished = false;
  const finish = (): void => {
    finished = true;
  };
  const iterator: AsyncIterableIterator<T, undefined> = {
    next(): Promise<IteratorResult<T, undefined>> {
      if (finished) return Promise.resolve(DONE);
      const message = source.ready();
      if (message !== undefined) return Promise.resolve({ value: message, done: false });
      return source.next().then(
        (result) => {
          if (result.done === true) finish();
          return result;
        },
        (error: unknown) => {
          finish();
          throw error;
        },
      );
    },
    // `break` out of for-await: this iteration ends, the consumer stays open.
    return(): Promise<IteratorResult<T, undefined>> {
      finish();
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
