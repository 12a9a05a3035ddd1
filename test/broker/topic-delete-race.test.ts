// DeleteTopics racing a create of the same name (librdkafka's 0033_regex_subscribe found it: a
// Metadata auto-create landed between the awaits of a delete, whose later steps then moved the
// new topic's directories away with its acknowledged records). A deleted topic's files are out
// of the way, under a name no topic can take, before the name is free again.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TopicRegistry, type Topic } from '../../src/broker/topic-registry.js';
import type { HotPath } from '../../src/hotpath/index.js';
import { decodeRecordBatches } from '../../src/records/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { makeBatch, tempDir } from '../helpers/batches.js';

const quiet = { info: () => {}, warn: () => {} };

/** A small deterministic generator, so a failing stress run can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Every record value of a partition, in offset order, with its offset. */
async function readValues(topic: Topic, partition: number): Promise<Array<{ offset: number; value: string }>> {
  const log = topic.logs[partition];
  const bytes = await log.read(log.logStartOffset, 64 << 20);
  return decodeRecordBatches(bytes).flatMap((batch) => batch.records.map((record) => ({ offset: record.offset, value: String(record.value) })));
}

describe.each(forEachBackend)('deleting a topic while it is created again (%s)', (_name, hp: HotPath) => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  function freshDir(): string {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    return temp.dir;
  }

  const open = (dataDir: string): Promise<TopicRegistry> => TopicRegistry.open({ dataDir, hotpath: hp, logger: quiet });

  it('keeps every record written to the topic created while the delete ran, across a restart', async () => {
    const dataDir = freshDir();
    const registry = await open(dataDir);
    const old = (await registry.create('race', 4)) as Topic;
    for (const log of old.logs) await log.append(makeBatch(hp, { records: 3, tag: 'old' }));
    // The interleaving of the bug: the auto-create starts right after the delete's first step.
    const deleting = registry.delete('race');
    const created = registry.getOrCreate('race', 4);
    const fresh = await created;
    expect(fresh.id).not.toBe(old.id);
    for (const log of fresh.logs) await log.append(makeBatch(hp, { records: 2, tag: 'new' }), { sync: true });
    await deleting;
    await registry.close();
    expect(readdirSync(dataDir).sort()).toEqual(['race-0', 'race-1', 'race-2', 'race-3', 'topics.json']);

    const again = await open(dataDir);
    const reopened = again.get('race') as Topic;
    expect(reopened.id).toBe(fresh.id);
    for (let partition = 0; partition < 4; partition++) {
      const values = await readValues(reopened, partition);
      expect(values.map((record) => `${record.offset}:${record.value.slice(0, 5)}`)).toEqual(['0:new0-', '1:new1-']);
    }
    await again.close();
  });

  it('finishes appends under way on the deleted topic before its files are moved, and never into the new one', async () => {
    const dataDir = freshDir();
    const registry = await open(dataDir);
    const old = (await registry.create('busy', 2)) as Topic;
    const inFlight = old.logs.map((log) => log.append(makeBatch(hp, { records: 50, valueBytes: 1000, tag: 'old' }), { sync: true }).catch(() => null));
    const deleting = registry.delete('busy');
    const fresh = await registry.getOrCreate('busy', 2);
    await Promise.all([deleting, ...inFlight]);
    for (const log of fresh.logs) expect(log.logEndOffset).toBe(0);
    await registry.close();
    const again = await open(dataDir);
    for (const log of (again.get('busy') as Topic).logs) expect(log.logEndOffset).toBe(0);
    await again.close();
  });

  it('closes cleanly after deletes and creates of one name, with one still under way', async () => {
    const registry = await open(freshDir());
    for (let round = 0; round < 5; round++) {
      await registry.getOrCreate('churn', 3);
      void registry.delete('churn');
    }
    const last = registry.getOrCreate('churn', 3);
    await expect(registry.close()).resolves.toBeUndefined();
    await expect(last).resolves.toMatchObject({ name: 'churn' });
  });

  it('removes what a crash left: directories moved aside and partition directories of no topic', async () => {
    const dataDir = freshDir();
    const registry = await open(dataDir);
    await registry.create('kept', 1);
    await registry.close();
    for (const stray of ['gone-0', 'kept-1', 'kept-0.AAAA-delete']) {
      mkdirSync(join(dataDir, stray));
      writeFileSync(join(dataDir, stray, '00000000000000000000.log'), 'old bytes');
    }
    const again = await open(dataDir);
    await again.close();
    expect(readdirSync(dataDir).sort()).toEqual(['kept-0', 'topics.json']);
  });

  it('keeps every acknowledged record under random creates, deletes and appends', async () => {
    const dataDir = freshDir();
    const registry = await open(dataDir);
    const next = random(0x5eed + hp.backend.length);
    const names = ['a', 'b'];
    /** Acknowledged records by topic id and partition: offset -> value tag. */
    const acknowledged = new Map<string, Map<number, string>>();
    let serial = 0;
    const step = async (): Promise<void> => {
      const name = names[Math.floor(next() * names.length)];
      const choice = next();
      if (choice < 0.15) {
        await registry.delete(name).catch(() => undefined);
      } else if (choice < 0.35) {
        await registry.getOrCreate(name, 3);
      } else {
        const topic = registry.get(name);
        if (topic === undefined) return;
        const partition = Math.floor(next() * topic.logs.length);
        const tag = `r${serial++}-`;
        const result = await topic.logs[partition].append(makeBatch(hp, { records: 1, tag }), { sync: true }).catch(() => null);
        if (result === null) return;
        const key = `${topic.id}/${partition}`;
        if (!acknowledged.has(key)) acknowledged.set(key, new Map());
        acknowledged.get(key)?.set(result.baseOffset, tag);
      }
    };
    for (let wave = 0; wave < 40; wave++) await Promise.all(Array.from({ length: 8 }, step));
    await registry.close();

    const again = await open(dataDir);
    for (const topic of again.list()) {
      for (let partition = 0; partition < topic.logs.length; partition++) {
        const stored = new Map((await readValues(topic, partition)).map((record) => [record.offset, record.value.slice(0, record.value.indexOf('-') + 1)]));
        for (const [offset, tag] of acknowledged.get(`${topic.id}/${partition}`) ?? []) expect(stored.get(offset)).toBe(tag);
      }
    }
    expect(readdirSync(dataDir).filter((entry) => entry.endsWith('-delete'))).toEqual([]);
    await again.close();
  });
});
