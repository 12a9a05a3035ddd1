// Idempotence and transactions across kill -9, under both backends: a broker process is
// SIGKILLed; on restart, a producer's resent batch is still recognised and stored once, an open
// transaction is aborted by the next producer of its id or by its timeout, and a read_committed
// reader sees every committed transaction whole and nothing of any other. (A crash between the
// markers of two partitions is test/group/txn-coordinator.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import { ApiKey, defaultProduceRequest } from '../../src/protocol/index.js';
import { defaultInitProducerIdRequest } from '../../src/protocol/generated/init-producer-id.js';
import { RawClient } from '../helpers/raw-client.js';
import { forEachBackend, jsHotPath } from '../helpers/backends.js';
import { tempDir } from '../helpers/batches.js';
import { killBroker, startBrokerProcess, type BrokerProcess } from '../helpers/broker-process.js';

const TOPIC = 'txn-crash';


describe.each(forEachBackend.map(([name]) => [name, name === 'native' ? '1' : '0'] as const))('transactions when the broker is killed (%s)', (_name, native) => {
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function freshDir(): Promise<string> {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    return dir;
  }

  async function running(dir: string): Promise<{ broker: BrokerProcess; client: Client }> {
    const broker = await startBrokerProcess(dir, native);
    cleanups.push(() => void broker.child.kill('SIGKILL'));
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`], retry: { initialRetryTime: 10, retries: 3 }, requestTimeoutMs: 5000 });
    cleanups.push(() => client.close().catch(() => undefined));
    return { broker, client };
  }

  /**
   * Every value a read_committed consumer reads from partition 0 below the last stable offset
   * (it stops at the last committed record, just before its marker, or after 3 s when every
   * record there was aborted).
   */
  async function committedValues(client: Client): Promise<string[]> {
    const [stable] = await client.admin().listOffsets(TOPIC, 'latest', 'read_committed');
    const consumer = client.consumer({ isolationLevel: 'read_committed', maxWaitMs: 50 });
    consumer.assign([{ topic: TOPIC, partition: 0, offset: 0 }]);
    const values: string[] = [];
    const giveUp = setTimeout(() => void consumer.close(), 3000);
    if (stable.offset > 0) {
      for await (const message of consumer) {
        values.push(String(message.value));
        if (message.offset >= stable.offset - 2) break;
      }
    }
    clearTimeout(giveUp);
    await consumer.close();
    return values;
  }

  it('answers a batch resent after the kill with its original offset, and stores it once', async () => {
    const dir = await freshDir();
    const first = await running(dir);
    await first.client.admin().createTopics([{ topic: TOPIC, numPartitions: 1 }]);
    const raw = await RawClient.connect(first.broker.port);
    const { producerId } = await raw.request(ApiKey.InitProducerId, 4, { ...defaultInitProducerIdRequest(), transactionalId: null, transactionTimeoutMs: 60_000 });
    const batch = (sequence: number) =>
      jsHotPath.encodeBatch([{ key: null, value: Buffer.from(`s${sequence}`), headers: [], timestamp: Date.now() }], { baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, baseTimestamp: Date.now(), producerId, producerEpoch: 0, baseSequence: sequence });
    const produce = async (client: RawClient, records: Buffer) =>
      (await client.request(ApiKey.Produce, 9, { ...defaultProduceRequest(), acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] })).responses[0].partitionResponses[0];
    for (let sequence = 0; sequence < 3; sequence++) await produce(raw, batch(sequence));
    const last = batch(3);
    expect((await produce(raw, Buffer.from(last))).baseOffset).toBe(3);
    raw.close();
    await killBroker(first.broker);

    const second = await running(dir);
    const again = await RawClient.connect(second.broker.port);
    expect(await produce(again, Buffer.from(last))).toMatchObject({ errorCode: 0, baseOffset: 3 });
    expect((await produce(again, batch(4))).baseOffset).toBe(4);
    again.close();
    const [latest] = await second.client.admin().listOffsets(TOPIC, 'latest');
    expect(latest.offset).toBe(5);
  });

  it('aborts the transaction a kill left open when the next producer of its id starts', async () => {
    const dir = await freshDir();
    const first = await running(dir);
    await first.client.admin().createTopics([{ topic: TOPIC, numPartitions: 1 }]);
    const producer = first.client.producer({ transactionalId: 'crash-tx' });
    await producer.transaction(async (tx) => void (await tx.send({ topic: TOPIC, messages: [{ value: 'c1' }, { value: 'c2' }] })));
    let sent!: () => void;
    const written = new Promise<void>((resolve) => (sent = resolve));
    const open = producer.transaction(async (tx) => {
      await tx.send({ topic: TOPIC, messages: [{ value: 'zombie-1' }, { value: 'zombie-2' }] });
      sent();
      await new Promise(() => undefined); // the kill ends it
    });
    open.catch(() => undefined);
    await written;
    await killBroker(first.broker);

    const second = await running(dir);
    const next = second.client.producer({ transactionalId: 'crash-tx' });
    await next.transaction(async (tx) => void (await tx.send({ topic: TOPIC, messages: [{ value: 'c3' }] })));
    expect(await committedValues(second.client)).toEqual(['c1', 'c2', 'c3']);
  });

  it('aborts the transaction a kill left open once its timeout passes after the restart', async () => {
    const dir = await freshDir();
    const first = await running(dir);
    await first.client.admin().createTopics([{ topic: TOPIC, numPartitions: 1 }]);
    const producer = first.client.producer({ transactionalId: 'slow-tx', transactionTimeoutMs: 1000 });
    let sent!: () => void;
    const written = new Promise<void>((resolve) => (sent = resolve));
    producer
      .transaction(async (tx) => {
        await tx.send({ topic: TOPIC, messages: [{ value: 'never' }] });
        sent();
        await new Promise(() => undefined);
      })
      .catch(() => undefined);
    await written;
    await killBroker(first.broker);

    const second = await running(dir);
    const stable = async () => (await second.client.admin().listOffsets(TOPIC, 'latest', 'read_committed'))[0].offset;
    expect(await stable()).toBe(0);
    await expect.poll(stable, { timeout: 10_000, interval: 200 }).toBe(2); // the record and the ABORT marker
    expect(await committedValues(second.client)).toEqual([]);
  });

  it('keeps every committed transaction whole and nothing of the one the kill interrupted', async () => {
    const dir = await freshDir();
    const first = await running(dir);
    await first.client.admin().createTopics([{ topic: TOPIC, numPartitions: 1 }]);
    const producer = first.client.producer({ transactionalId: 'stream-tx' });
    const committed: number[] = [];
    let running_ = true;
    const loop = (async () => {
      for (let txn = 0; running_; txn++) {
        try {
          await producer.transaction(async (tx) => {
            for (let part = 0; part < 2; part++) await tx.send({ topic: TOPIC, messages: Array.from({ length: 5 }, (_, i) => ({ value: `t${txn}-${part * 5 + i}` })) });
          });
          committed.push(txn);
        } catch {
          return;
        }
      }
    })();
    await expect.poll(() => committed.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(15);
    await killBroker(first.broker);
    running_ = false;
    await loop;

    const second = await running(dir);
    await second.client.producer({ transactionalId: 'stream-tx' }).transaction(async () => undefined);
    const byTxn = new Map<string, number>();
    for (const value of await committedValues(second.client)) byTxn.set(value.split('-')[0], (byTxn.get(value.split('-')[0]) ?? 0) + 1);
    expect([...byTxn.values()].every((count) => count === 10)).toBe(true);
    for (const txn of committed) expect(byTxn.get(`t${txn}`), `transaction ${txn}`).toBe(10);
  });
});
