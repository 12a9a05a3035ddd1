// The write queue alone: a durable write is synced along with its write only when no other
// segment has unsynced writes (its fdatasync would not cover them).
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HotPath } from '../../src/hotpath/index.js';
import { LogWriter } from '../../src/storage/log-writer.js';
import type { Segment } from '../../src/storage/segment.js';
import { forEachBackend } from '../helpers/backends.js';
import { tempDir } from '../helpers/batches.js';

describe.each(forEachBackend)('LogWriter (%s)', (_name, hp) => {
  let cleanup = (): void => {};
  afterEach(() => cleanup());

  function setup(): { writer: LogWriter; calls: string[]; synced: number[]; segments: Segment[] } {
    const temp = tempDir();
    const fds = ['a.log', 'b.log'].map((name) => openSync(join(temp.dir, name), 'w+'));
    cleanup = () => {
      fds.forEach((fd) => closeSync(fd));
      temp.cleanup();
    };
    const calls: string[] = [];
    const spy: HotPath = {
      ...hp,
      appendFile: (fd, position, buffers, sync) => {
        calls.push(`${fds.indexOf(fd) === 0 ? 'a' : 'b'}${sync ? '+sync' : ''}`);
        return hp.appendFile(fd, position, buffers, sync);
      },
    };
    const synced: number[] = [];
    const writer = new LogWriter(spy, 0, () => {}, (upTo) => synced.push(upTo));
    const segments = fds.map((fd) => ({ fileDescriptor: fd, writtenSize: 0, growFor: () => null }) as unknown as Segment);
    return { writer, calls, synced, segments };
  }

  it('syncs a durable write along with it and reports what is on disk', async () => {
    const { writer, calls, synced, segments } = setup();
    expect(await writer.write(segments[0], 0, Buffer.alloc(10), 1, true)).toBe(true);
    expect(await writer.write(segments[0], 10, Buffer.alloc(10), 2, false)).toBe(false);
    expect(await writer.write(segments[0], 20, Buffer.alloc(10), 3, true)).toBe(true);
    expect(calls).toEqual(['a+sync', 'a', 'a+sync']);
    expect(synced).toEqual([1, 3]);
    expect(writer.syncCount).toBe(2);
    expect(writer.takeDirtySegments()).toEqual([]);
  });

  it('leaves the sync to the caller while another segment has unsynced writes', async () => {
    const { writer, calls, synced, segments } = setup();
    await writer.write(segments[0], 0, Buffer.alloc(10), 1, false);
    expect(await writer.write(segments[1], 0, Buffer.alloc(10), 2, true)).toBe(false);
    expect(calls).toEqual(['a', 'b']);
    expect(synced).toEqual([]);
    const taken = writer.takeDirtySegments();
    expect(taken).toEqual(segments);
    // Taken by a group-commit round whose fdatasyncs have not finished: still not synced.
    expect(await writer.write(segments[1], 10, Buffer.alloc(10), 3, true)).toBe(false);
    writer.settleSync(taken, true);
    expect(await writer.write(segments[1], 20, Buffer.alloc(10), 4, true)).toBe(true);
    expect(synced).toEqual([4]);
  });

  it('counts the segments of a failed group-commit round as unsynced again', async () => {
    const { writer, segments } = setup();
    await writer.write(segments[0], 0, Buffer.alloc(10), 1, false);
    writer.settleSync(writer.takeDirtySegments(), false);
    expect(await writer.write(segments[1], 0, Buffer.alloc(10), 2, true)).toBe(false);
    expect(writer.takeDirtySegments()).toEqual(segments);
  });

  it('syncs a group of queued writes once when any of them is durable', async () => {
    const { writer, calls, segments } = setup();
    const first = writer.write(segments[0], 0, Buffer.alloc(10), 1, false);
    const queued = [writer.write(segments[0], 10, Buffer.alloc(10), 2, false), writer.write(segments[0], 20, Buffer.alloc(10), 3, true)];
    expect(await first).toBe(false);
    expect(await Promise.all(queued)).toEqual([true, true]);
    expect(calls).toEqual(['a', 'a+sync']);
  });
});
