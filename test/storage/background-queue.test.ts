// Background durability work runs one piece at a time across every log in the process, so an
// interval flush's long fdatasync never takes more than one thread-pool thread from appends.
import { afterEach, describe, expect, it } from 'vitest';
import type { HotPath } from '../../src/hotpath/index.js';
import { BackgroundQueue } from '../../src/storage/background-queue.js';
import { PartitionLog } from '../../src/storage/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { makeBatch, tempDir } from '../helpers/batches.js';

const quiet = { info: () => {}, warn: () => {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('BackgroundQueue', () => {
  it('runs pieces one at a time in the order queued; a failure rejects only its own piece', async () => {
    const queue = new BackgroundQueue();
    const events: string[] = [];
    let running = 0;
    const piece = (name: string, fail = false) => async () => {
      running++;
      events.push(`${name} starts with ${running} running`);
      await sleep(5);
      running--;
      if (fail) throw new Error(`${name} failed`);
    };
    const outcomes = [queue.run(piece('a')), queue.run(piece('b', true)), queue.run(piece('c'))];
    expect(queue.length).toBe(3);
    const settled = await Promise.allSettled(outcomes);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(events).toEqual(['a starts with 1 running', 'b starts with 1 running', 'c starts with 1 running']);
    expect(queue.length).toBe(0);
  });
});

describe.each(forEachBackend)('background flushes of many logs (%s)', (_name, hp) => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  /** The backend, with fdatasyncs that take 20 ms and a count of how many ran at once. */
  function slowSyncs(): { hotpath: HotPath; maxAtOnce: () => number; syncs: () => number } {
    let running = 0;
    let most = 0;
    let count = 0;
    const hotpath: HotPath = {
      ...hp,
      appendFile: async (fd, position, buffers, sync) => {
        if (!sync) return hp.appendFile(fd, position, buffers, sync);
        running++;
        most = Math.max(most, running);
        try {
          await sleep(20);
          return await hp.appendFile(fd, position, buffers, sync);
        } finally {
          running--;
          count++;
        }
      },
    };
    return { hotpath, maxAtOnce: () => most, syncs: () => count };
  }

  it('fdatasync one log at a time, and every log still gets flushed', async () => {
    const slow = slowSyncs();
    const logs: PartitionLog[] = [];
    for (let i = 0; i < 4; i++) {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      const log = await PartitionLog.open(dir, { config: { flushPolicy: 'interval', flushMs: 5 }, hotpath: slow.hotpath, logger: quiet });
      cleanups.unshift(() => log.abandon());
      logs.push(log);
    }
    await Promise.all(logs.map((log) => log.append(makeBatch(hp))));
    await expect.poll(() => logs.every((log) => log.syncCount >= 1), { timeout: 5000 }).toBe(true);
    expect(slow.syncs()).toBeGreaterThanOrEqual(4);
    expect(slow.maxAtOnce()).toBe(1);
  });
});
