// A broker process killed with SIGKILL while a producer with acks=all keeps sending: on restart
// over the same data directory, every acknowledged record is there, byte for byte, and appends
// carry on from the recovered end. Segment files are preallocated, so the kill leaves each
// active one with an unwritten tail that recovery must tell apart from data.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import { forEachBackend } from '../helpers/backends.js';
import { tempDir } from '../helpers/batches.js';
import { killBroker, startBrokerProcess, type BrokerProcess } from '../helpers/broker-process.js';

const TOPIC = 'crash';


function value(i: number): string {
  return `record-${i}-`.padEnd(200, String.fromCharCode(97 + (i % 26)));
}

describe.each(forEachBackend.map(([name]) => [name, name === 'native' ? '1' : '0'] as const))('a broker killed mid-produce (%s)', (_name, native) => {
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function clientOf(broker: BrokerProcess): Client {
    const client = createClient({ brokers: [`127.0.0.1:${broker.port}`], retry: { initialRetryTime: 10, retries: 2 }, requestTimeoutMs: 5000 });
    cleanups.push(() => client.close().catch(() => undefined));
    return client;
  }

  it('keeps every acknowledged record and appends after them on restart', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const first = await startBrokerProcess(dir, native);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    const producer = clientOf(first).producer({ acks: -1, lingerMs: 0 });

    // Sends of 20 records, several in flight, until 60 sends were acknowledged; then the kill.
    const acknowledged = new Map<number, string>();
    let next = 0;
    let sending = true;
    const sendLoop = async (): Promise<void> => {
      while (sending) {
        const start = next;
        next += 20;
        const messages = Array.from({ length: 20 }, (_, k) => ({ value: value(start + k) }));
        try {
          const [result] = await producer.send({ topic: TOPIC, messages });
          messages.forEach((message, k) => acknowledged.set(result.baseOffset + k, message.value));
        } catch {
          return; // the broker is gone
        }
      }
    };
    const loops = [sendLoop(), sendLoop(), sendLoop()];
    await expect.poll(() => acknowledged.size, { timeout: 20_000 }).toBeGreaterThanOrEqual(1200);
    await killBroker(first);
    sending = false;
    await Promise.all(loops);
    const logFile = join(dir, `${TOPIC}-0`, '00000000000000000000.log');
    expect(statSync(logFile).size % (8 * 1024 * 1024)).toBe(0); // the kill left the preallocated length

    const second = await startBrokerProcess(dir, native);
    cleanups.push(() => void second.child.kill('SIGKILL'));
    const client = clientOf(second);
    const [latest] = await client.admin().listOffsets(TOPIC, 'latest');
    const lastAcknowledged = Math.max(...acknowledged.keys());
    expect(latest.offset).toBeGreaterThan(lastAcknowledged);

    const consumer = client.consumer({ maxWaitMs: 50 });
    consumer.assign([{ topic: TOPIC, partition: 0, offset: 0 }]);
    const read = new Map<number, string>();
    for await (const message of consumer) {
      read.set(message.offset, message.value?.toString() ?? '');
      if (message.offset >= latest.offset - 1) break;
    }
    await consumer.close();
    for (const [offset, sent] of acknowledged) expect(read.get(offset), `offset ${offset}`).toBe(sent);
    expect(read.size).toBe(latest.offset);

    const [after] = await client.producer({ acks: -1 }).send({ topic: TOPIC, messages: [{ value: 'after the crash' }] });
    expect(after.baseOffset).toBe(latest.offset);
    expect(readdirSync(join(dir, `${TOPIC}-0`)).filter((name) => name.endsWith('.log'))).toEqual(['00000000000000000000.log']);
  });
});
