// Committed offsets and group metadata across a broker restart (close, then startBroker on the
// same data directory): a new kafkajs consumer in the group reads only what was produced after
// the last commit, and the group's generation carries on.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { tempDir } from '../helpers/batches.js';

const { Kafka, logLevel } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
type Consumer = ReturnType<InstanceType<typeof Kafka>['consumer']>;

const TOPIC = 'events';
const GROUP = 'resumer';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(dataDir: string, port = 0): Promise<{ broker: RunningBroker; kafka: InstanceType<typeof Kafka> }> {
  const broker = await startBroker({ port, dataDir, logLevel: 'silent', groupInitialRebalanceDelayMs: 100 });
  cleanups.push(() => broker.close());
  return { broker, kafka: new Kafka({ clientId: 'restart-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }) };
}

async function produce(kafka: InstanceType<typeof Kafka>, values: readonly string[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: TOPIC, messages: values.map((value, i) => ({ partition: i % 3, value })) });
  await producer.disconnect();
}

async function consume(kafka: InstanceType<typeof Kafka>, into: string[]): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: GROUP, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void into.push(String(message.value)) });
  return consumer;
}

const totalCommitted = (broker: RunningBroker) => broker.groups.fetchOffsets(GROUP, null).flatMap((t) => t.partitions).reduce((sum, p) => sum + p.offset, 0);

describe('broker restart', () => {
  it('resumes the group from its committed offsets', async () => {
    const temp = tempDir('sluice-group-restart-');
    cleanups.push(temp.cleanup);
    const first = await start(temp.dir);
    await first.broker.registry.create(TOPIC, 3);
    const before = Array.from({ length: 30 }, (_, i) => `before-${i}`);
    await produce(first.kafka, before);
    const seenBefore: string[] = [];
    const consumer = await consume(first.kafka, seenBefore);
    await expect.poll(() => totalCommitted(first.broker), { timeout: 15_000 }).toBe(30);
    await consumer.disconnect();
    expect(seenBefore.sort()).toEqual([...before].sort());
    expect(first.broker.groups.group(GROUP)).toMatchObject({ state: 'Empty', generationId: 2 });
    await first.broker.close();

    const second = await start(temp.dir);
    expect(second.broker.groups.describeGroup(GROUP).state).toBe('Empty');
    expect(totalCommitted(second.broker)).toBe(30);
    const after = Array.from({ length: 15 }, (_, i) => `after-${i}`);
    await produce(second.kafka, after);
    const seenAfter: string[] = [];
    const resumed = await consume(second.kafka, seenAfter);
    cleanups.push(() => resumed.disconnect());
    // Each partition is read in order, so an old message would arrive before the new ones.
    await expect.poll(() => seenAfter.length, { timeout: 15_000 }).toBe(15);
    expect(seenAfter.sort()).toEqual([...after].sort());
    await expect.poll(() => totalCommitted(second.broker), { timeout: 10_000 }).toBe(45);
    expect(second.broker.groups.group(GROUP)?.generationId).toBe(3);
  });

  it('keeps a consumer that stays connected through the restart in its generation, without a rebalance', async () => {
    const temp = tempDir('sluice-group-restart-');
    cleanups.push(temp.cleanup);
    const first = await start(temp.dir);
    await first.broker.registry.create(TOPIC, 3);
    const seen: string[] = [];
    const consumer = await consume(first.kafka, seen);
    cleanups.push(() => consumer.disconnect());
    await expect.poll(() => first.broker.groups.group(GROUP)?.state, { timeout: 10_000 }).toBe('Stable');
    const memberId = [...(first.broker.groups.group(GROUP)?.members.keys() ?? [])][0];
    await first.broker.close();

    // Same port, so the running consumer finds the broker again.
    const second = await start(temp.dir, first.broker.port);
    expect(second.broker.groups.group(GROUP)).toMatchObject({ state: 'Stable', generationId: 1 });
    await produce(second.kafka, ['x', 'y', 'z']);
    await expect.poll(() => seen.sort(), { timeout: 20_000 }).toEqual(['x', 'y', 'z']);
    expect(second.broker.groups.group(GROUP)).toMatchObject({ state: 'Stable', generationId: 1 });
    expect([...(second.broker.groups.group(GROUP)?.members.keys() ?? [])]).toEqual([memberId]);
  });
});
