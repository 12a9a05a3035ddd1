import { afterEach, describe, expect, it } from 'vitest';
import { GroupStore } from '../../src/group/group-store.js';
import { forEachBackend } from '../helpers/backends.js';
import { tempDir } from '../helpers/batches.js';

const quiet = { info: () => {}, warn: () => {} };
const at = (offset: number) => ({ offset, leaderEpoch: 0, metadata: null, commitTimestamp: 1000 + offset });

describe.each(forEachBackend)('GroupStore (%s)', (_name, hp) => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  function newDir(): string {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    return temp.dir;
  }

  it('keeps committed offsets and group metadata across a reopen', async () => {
    const dir = newDir();
    const store = await GroupStore.open(dir, { hotpath: hp, logger: quiet });
    await store.commitOffsets('g1', [
      { topic: 't', partition: 0, offset: at(5) },
      { topic: 't', partition: 1, offset: at(7) },
    ]);
    await store.commitOffsets('g1', [{ topic: 't', partition: 0, offset: at(9) }]);
    await store.saveGroup('g1', { generation: 3, protocol: 'range' });
    await store.close();
    const reopened = await GroupStore.open(dir, { hotpath: hp, logger: quiet });
    expect(reopened.committedOffset('g1', 't', 0)).toEqual(at(9));
    expect(reopened.committedOffset('g1', 't', 1)).toEqual(at(7));
    expect(reopened.groupRecord('g1')).toEqual({ generation: 3, protocol: 'range' });
    expect(reopened.groups()).toEqual(['g1']);
    await reopened.close();
  });

  it('keeps every acknowledged commit after a crash (no clean close)', async () => {
    const dir = newDir();
    const store = await GroupStore.open(dir, { hotpath: hp, logger: quiet });
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.commitOffsets('g', [{ topic: 't', partition: i % 5, offset: at(i) }])));
    // Simulate kill -9: drop the store without closing its log.
    const reopened = await GroupStore.open(dir, { hotpath: hp, logger: quiet });
    expect([0, 1, 2, 3, 4].map((p) => reopened.committedOffset('g', 't', p)?.offset)).toEqual([45, 46, 47, 48, 49]);
    await reopened.close();
  });

  it('deletes offsets, whole topics and whole groups durably', async () => {
    const dir = newDir();
    const store = await GroupStore.open(dir, { hotpath: hp, logger: quiet });
    await store.commitOffsets('a', [{ topic: 'x', partition: 0, offset: at(1) }, { topic: 'y', partition: 0, offset: at(2) }, { topic: 'y', partition: 1, offset: at(3) }]);
    await store.commitOffsets('b', [{ topic: 'x', partition: 0, offset: at(4) }]);
    await store.saveGroup('b', { generation: 1 });
    await store.deleteOffsets('a', 'y', [1]);
    await store.deleteTopic('x');
    await store.deleteGroup('b');
    await store.close();
    const reopened = await GroupStore.open(dir, { hotpath: hp, logger: quiet });
    expect(reopened.committedOffset('a', 'x', 0)).toBeUndefined();
    expect(reopened.committedOffset('a', 'y', 0)).toEqual(at(2));
    expect(reopened.committedOffset('a', 'y', 1)).toBeUndefined();
    expect(reopened.groups()).toEqual(['a']);
    await reopened.close();
  });

  it('compacts superseded records and keeps the live ones', async () => {
    const dir = newDir();
    const store = await GroupStore.open(dir, { hotpath: hp, logger: quiet, compactAfterDeadRecords: 100 });
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 60 }, (_, i) => store.commitOffsets('g', [{ topic: 't', partition: i % 3, offset: at(round * 100 + i) }])));
    }
    await store.close();
    const reopened = await GroupStore.open(dir, { hotpath: hp, logger: quiet });
    expect([0, 1, 2].map((p) => reopened.committedOffset('g', 't', p)?.offset)).toEqual([457, 458, 459]);
    expect(reopened.logRecords).toBeLessThan(200);
    await reopened.close();
  });
});
