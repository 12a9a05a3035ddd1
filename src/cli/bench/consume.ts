// Consumer throughput over a log written beforehand: the data was just appended, so the broker
// serves it from the page cache, and the figure is what the broker's Fetch path plus our
// consumer's decoding can do, not the disk. One partition, read from offset 0 to its end.
import type { Client } from '../../client/index.js';
import { CONSUMER_SETTINGS, type BenchProfile } from './cases.js';
import { fillPartition } from './produce.js';
import { cpuBetween, readCpu, type CpuClock } from './cpu.js';
import { MB } from './stats.js';
import { withTopic } from './topics.js';
import type { ConsumerResult } from './types.js';

/** performance.now() is worth asking only every so many records. */
const DEADLINE_CHECK_EVERY = 1024;

export async function runConsumerCase(client: Client, profile: BenchProfile, cpuClock?: CpuClock): Promise<ConsumerResult> {
  const { recordBytes } = CONSUMER_SETTINGS;
  return withTopic(client, 'consume', 1, async (topic) => {
    await fillPartition(client, topic, recordBytes, profile.consumeLogBytes, profile.consumeFillMs);
    const recordsInLog = await endOffset(client, topic);
    if (recordsInLog > 0) await warmUp(client, topic, recordsInLog, profile.warmupMs);
    return readToEnd(client, topic, recordsInLog, profile.consumeReadMs, cpuClock);
  });
}

async function endOffset(client: Client, topic: string): Promise<number> {
  const admin = client.admin();
  try {
    const [latest] = await admin.listOffsets(topic, 'latest');
    return latest.offset;
  } finally {
    await admin.close();
  }
}

/**
 * Reads from the start for warmupMs and stops, as the producer cases discard their first
 * warmupMs: the measured read then runs compiled code, as in a consumer that has been up a while
 * (in one process, a first pass over 1 GiB ran 11-40% slower than the second).
 */
async function warmUp(client: Client, topic: string, recordsInLog: number, warmupMs: number): Promise<void> {
  await readFromStart(client, topic, recordsInLog, performance.now() + warmupMs);
}

async function readToEnd(client: Client, topic: string, recordsInLog: number, maxMs: number, cpuClock: CpuClock | undefined): Promise<ConsumerResult> {
  const { recordBytes } = CONSUMER_SETTINGS;
  const cpuBefore = readCpu(cpuClock);
  const started = performance.now();
  const { recordsRead, valueBytes, reachedEnd } = await readFromStart(client, topic, recordsInLog, started + maxMs);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuBetween(cpuBefore, readCpu(cpuClock), seconds, valueBytes);
  if (valueBytes !== recordsRead * recordBytes) throw new Error(`the consumer read ${valueBytes} value bytes in ${recordsRead} records of ${recordBytes}`);
  return { recordBytes, recordsInLog, recordsRead, reachedEnd, seconds, recordsPerSecond: recordsRead / seconds, megabytesPerSecond: valueBytes / seconds / MB, cpu };
}

/** A fresh consumer reads partition 0 from offset 0 until the log's end or the deadline (a performance.now() time). */
async function readFromStart(client: Client, topic: string, recordsInLog: number, deadline: number): Promise<{ recordsRead: number; valueBytes: number; reachedEnd: boolean }> {
  const { maxBytes, maxBytesPerPartition, maxWaitMs } = CONSUMER_SETTINGS;
  const consumer = client.consumer({ maxBytes, maxBytesPerPartition, maxWaitMs });
  consumer.assign([{ topic, partition: 0, offset: 0 }]);
  let recordsRead = 0;
  let valueBytes = 0;
  let reachedEnd = recordsInLog === 0;
  try {
    if (!reachedEnd) {
      for await (const message of consumer) {
        recordsRead++;
        valueBytes += message.value?.length ?? 0; // touch the record, as an application would
        if (message.offset >= recordsInLog - 1) {
          reachedEnd = true;
          break;
        }
        if (recordsRead % DEADLINE_CHECK_EVERY === 0 && performance.now() >= deadline) break;
      }
    }
  } finally {
    await consumer.close();
  }
  return { recordsRead, valueBytes, reachedEnd };
}
