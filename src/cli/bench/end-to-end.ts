// End-to-end latency at a fixed rate: a producer sends 10,000 records/s, each stamped with the
// time of its send() call (performance.now(), a double in the value's first 8 bytes), and a
// consumer in the same process takes the difference when its iterator hands the record out.
// Producer and consumer run in one process, so both clocks are the same clock.
//
// Pacing wakes every millisecond (a timer; spinning would steal the broker's core on a 2-core
// machine) and sends every record that came due since the last wake in one send(), so about
// 10 records leave together; each is stamped at that send, not at its ideal due time.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, Message } from '../../client/index.js';
import { END_TO_END_SETTINGS, type BenchProfile } from './cases.js';
import { cpuDuringWindow, type CpuClock } from './cpu.js';
import { MeasurementWindow, summarizeLatencies } from './stats.js';
import { payload, withTopic } from './topics.js';
import type { EndToEndResult } from './types.js';

/** How long to wait for the last records after the producer stopped. */
const DRAIN_MS = 2000;

export async function runEndToEnd(client: Client, profile: BenchProfile, brokerCpu?: CpuClock): Promise<EndToEndResult> {
  const { recordBytes, recordsPerSecond, acks, lingerMs, consumerMaxWaitMs } = END_TO_END_SETTINGS;
  return withTopic(client, 'end-to-end', 1, async (topic) => {
    const producer = client.producer({ acks, lingerMs, allowAutoTopicCreation: false });
    const consumer = client.consumer({ maxWaitMs: consumerMaxWaitMs });
    consumer.assign([{ topic, partition: 0, offset: 0 }]);
    const window = new MeasurementWindow(profile.endToEndWarmupMs, profile.endToEndDurationMs);
    const cpu = cpuDuringWindow(window, brokerCpu);
    const latencies: number[] = [];
    let received = 0;
    const consuming = (async () => {
      for await (const message of consumer) {
        const arrived = performance.now();
        const stamp = (message.value as Buffer).readDoubleLE(0);
        received++;
        if (window.counts(stamp)) latencies.push(arrived - stamp);
      }
    })();
    try {
      await producer.connect();
      const { sent, sentInWindow } = await sendAtFixedRate(producer, topic, payload(recordBytes), recordsPerSecond, window);
      const cpuUsed = cpu.result(sentInWindow * recordBytes);
      await waitUntil(() => received >= sent, DRAIN_MS);
      return {
        targetRecordsPerSecond: recordsPerSecond,
        sentRecordsPerSecond: sentInWindow / window.seconds,
        recordBytes,
        sent,
        received,
        latency: summarizeLatencies(latencies),
        cpu: cpuUsed,
      };
    } finally {
      await consumer.close();
      await consuming.catch(() => undefined);
      await producer.close();
    }
  });
}

interface Sender {
  send(options: { topic: string; messages: readonly Message[] }): Promise<unknown>;
}

async function sendAtFixedRate(producer: Sender, topic: string, template: Buffer, rate: number, window: MeasurementWindow): Promise<{ sent: number; sentInWindow: number }> {
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let failure: unknown = null;
  let sent = 0;
  let sentInWindow = 0;
  while (window.open && failure === null) {
    const now = performance.now();
    const due = Math.floor(((now - started) * rate) / 1000);
    if (due > sent) {
      const messages = stampedMessages(template, due - sent, now);
      if (window.counts(now)) sentInWindow += messages.length;
      sent = due;
      const sending = producer.send({ topic, messages }).catch((error: unknown) => (failure ??= error));
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
    await sleep(1);
  }
  await Promise.all(inFlight);
  if (failure !== null) throw failure;
  return { sent, sentInWindow };
}

function stampedMessages(template: Buffer, count: number, stamp: number): Message[] {
  return Array.from({ length: count }, () => {
    const value = Buffer.from(template); // each record needs its own stamp, so its own copy
    value.writeDoubleLE(stamp, 0);
    return { value, partition: 0 };
  });
}

async function waitUntil(condition: () => boolean, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (!condition() && performance.now() < deadline) await sleep(5);
}
