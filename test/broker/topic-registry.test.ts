import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TopicRegistry } from '../../src/broker/topic-registry.js';
import { topicNameProblem } from '../../src/broker/topic-name.js';
import { describeTopicConfigs, logConfigFor } from '../../src/broker/topic-config.js';
import { jsHotPath } from '../helpers/backends.js';
import { makeBatch, tempDir } from '../helpers/batches.js';

const quiet = { info: () => {}, warn: () => {} };

describe('topic names', () => {
  it.each(['orders', 'a.b_c-D9', 'x'.repeat(249)])('accepts %s', (name) => {
    expect(topicNameProblem(name)).toBeNull();
  });

  it.each(['', '.', '..', '../x', 'a/b', 'x'.repeat(250), 'ünicode', 'sp ace', 'nul\0'])('refuses %j', (name) => {
    expect(topicNameProblem(name)).toMatch(/topic name/);
  });
});

describe('TopicRegistry', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  async function open(dataDir?: string): Promise<{ registry: TopicRegistry; dataDir: string }> {
    let dir = dataDir;
    if (dir === undefined) {
      const temp = tempDir();
      cleanups.push(temp.cleanup);
      dir = temp.dir;
    }
    return { registry: await TopicRegistry.open({ dataDir: dir, hotpath: jsHotPath, logger: quiet }), dataDir: dir };
  }

  it('creates partition directories and keeps topics, ids and configs across a restart', async () => {
    const { registry, dataDir } = await open();
    const topic = await registry.create('events', 3, { 'retention.ms': '1000' });
    expect(topic?.id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(readdirSync(dataDir).sort()).toEqual(['events-0', 'events-1', 'events-2', 'topics.json']);
    await topic?.logs[1].append(makeBatch(jsHotPath, { records: 4 }));
    await registry.close();
    const { registry: again } = await open(dataDir);
    const reopened = again.get('events');
    expect(reopened).toMatchObject({ id: topic?.id, partitions: 3, configs: { 'retention.ms': '1000' } });
    expect(again.getById(topic?.id ?? '')?.name).toBe('events');
    expect(reopened?.logs[1].logEndOffset).toBe(4);
    await again.close();
  });

  it('refuses bad names before touching the filesystem', async () => {
    const { registry, dataDir } = await open();
    await expect(registry.create('../escape', 1)).rejects.toMatchObject({ kind: 'INVALID_TOPIC' });
    await expect(registry.create('x'.repeat(300), 1)).rejects.toMatchObject({ kind: 'INVALID_TOPIC' });
    expect(readdirSync(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, '..', 'escape-0'))).toBe(false);
  });

  it('refuses duplicates, bad partition counts and bad configs', async () => {
    const { registry } = await open();
    await registry.create('t', 1);
    await expect(registry.create('t', 1)).rejects.toMatchObject({ kind: 'TOPIC_EXISTS' });
    await expect(registry.create('u', 0)).rejects.toMatchObject({ kind: 'INVALID_PARTITIONS' });
    await expect(registry.create('u', 1, { 'no.such.config': '1' })).rejects.toMatchObject({ kind: 'INVALID_CONFIG' });
    await expect(registry.create('u', 1, { 'retention.ms': 'soon' })).rejects.toMatchObject({ kind: 'INVALID_CONFIG' });
    expect(await registry.create('v', 2, {}, true)).toBeNull();
    expect(registry.get('v')).toBeUndefined();
    await registry.close();
  });

  it('applies changed configs to the open partition logs', async () => {
    const { registry } = await open();
    const topic = await registry.create('live', 1);
    const log = topic?.logs[0];
    registry.setConfigs('live', { 'segment.bytes': '300', 'flush.messages': '1' });
    expect(log?.config).toMatchObject({ segmentBytes: 300, flushPolicy: 'fsync' });
    for (let i = 0; i < 6; i++) await log?.append(makeBatch(jsHotPath, { records: 2, valueBytes: 60 }));
    expect(log?.segmentCount).toBeGreaterThan(1);
    expect(log?.syncCount).toBeGreaterThan(0);
    await registry.close();
  });

  it('grows partitions and deletes topics with their directories', async () => {
    const { registry, dataDir } = await open();
    await registry.create('grow', 1);
    await registry.addPartitions('grow', 4);
    expect(registry.get('grow')?.logs.length).toBe(4);
    await expect(registry.addPartitions('grow', 2)).rejects.toMatchObject({ kind: 'INVALID_PARTITIONS' });
    await registry.delete('grow');
    expect(registry.get('grow')).toBeUndefined();
    expect(readdirSync(dataDir)).toEqual(['topics.json']);
    await expect(registry.delete('grow')).rejects.toMatchObject({ kind: 'UNKNOWN_TOPIC' });
    await registry.close();
  });
});

describe('topic configs', () => {
  it('maps Kafka names onto storage settings', () => {
    expect(logConfigFor({ segmentBytes: 100 }, { 'retention.bytes': '500', 'flush.messages': '1' })).toEqual({ segmentBytes: 100, retentionBytes: 500, flushPolicy: 'fsync' });
  });

  it('shows a broker-wide setting as the default value', () => {
    const described = describeTopicConfigs({}, { retentionMs: 3_600_000 });
    expect(described.find((c) => c.name === 'retention.ms')).toEqual({ name: 'retention.ms', value: '3600000', isDefault: true, fromBroker: true, brokerValue: '3600000' });
  });

  it('describes every config with its default flag', () => {
    const described = describeTopicConfigs({ 'retention.ms': '5' });
    expect(described.find((c) => c.name === 'retention.ms')).toEqual({ name: 'retention.ms', value: '5', isDefault: false, fromBroker: false, brokerValue: null });
    expect(described.find((c) => c.name === 'cleanup.policy')).toEqual({ name: 'cleanup.policy', value: 'delete', isDefault: true, fromBroker: false, brokerValue: null });
  });
});
