// Producer workloads: throughput with acknowledgement latency, and one record at a time.
//
// "N producers" means N Producer instances, each with its own connection, each driven by
// sendLoopsPerProducer() send loops (4 for one producer, 1 each for 50). Every send() carries
// bytesPerSend of records for one partition, and a loop moves to the next partition after each send
// (what Kafka's sticky partitioner does for keyless records). The message arrays are built
// once and reused, so the generator costs nothing per record.
import type { Client, Message, Producer } from '../../client/index.js';
import { PRODUCER_SETTINGS, sendLoopsPerProducer, type BenchProfile } from './cases.js';
import { cpuDuringWindow, type CpuClock } from './cpu.js';
import { MB, MeasurementWindow, summarizeLatencies } from './stats.js';
import { payload, withTopic } from './topics.js';
import type { OneAtATimeResult, ProducerCase, ProducerResult } from './types.js';

export async function runProducerCase(client: Client, c: ProducerCase, profile: BenchProfile, brokerCpu?: CpuClock): Promise<ProducerResult> {
  return withTopic(client, c.id, c.partitions, async (topic) => {
    const recordsPerSend = Math.max(1, Math.floor(PRODUCER_SETTINGS.bytesPerSend / c.recordBytes));
    const messagesByPartition = partitionedMessages(payload(c.recordBytes), c.partitions, recordsPerSend);
    const producers = Array.from({ length: c.producers }, () => throughputProducer(client, c.acks, c.idempotent));
    try {
      await Promise.all(producers.map((producer) => producer.connect()));
      const window = new MeasurementWindow(profile.warmupMs, profile.durationMs);
      const cpu = cpuDuringWindow(window, brokerCpu);
      const latencies: number[] = [];
      let records = 0;
      const sendLoop = async (producer: Producer, firstPartition: number): Promise<void> => {
        for (let partition = firstPartition % c.partitions; window.open; partition = (partition + 1) % c.partitions) {
          const started = performance.now();
          await producer.send({ topic, messages: messagesByPartition[partition] });
          const acknowledged = performance.now();
          if (!window.counts(acknowledged)) continue;
          records += recordsPerSend;
          latencies.push(acknowledged - started);
        }
      };
      const loops = sendLoopsPerProducer(c.producers);
      await Promise.all(producers.flatMap((producer, i) => Array.from({ length: loops }, (_, j) => sendLoop(producer, i * loops + j))));
      const cpuUsed = cpu.result(records * c.recordBytes);
      await assertInLog(client, topic, records);
      const seconds = window.seconds;
      return {
        case: c,
        records,
        seconds,
        recordsPerSecond: records / seconds,
        megabytesPerSecond: (records * c.recordBytes) / seconds / MB,
        recordsPerSend,
        ackLatency: summarizeLatencies(latencies),
        cpu: cpuUsed,
      };
    } finally {
      await Promise.allSettled(producers.map((producer) => producer.close()));
    }
  });
}

/** One producer, one 100-byte record per send(), acks=all, each send awaited before the next. */
export async function runOneAtATime(client: Client, profile: BenchProfile, idempotent = false): Promise<OneAtATimeResult> {
  const recordBytes = 100;
  return withTopic(client, idempotent ? 'one-at-a-time-idempotent' : 'one-at-a-time', 1, async (topic) => {
    // lingerMs 0: the record leaves at the end of the tick instead of waiting for company.
    const producer = client.producer({ acks: -1, lingerMs: 0, idempotent, allowAutoTopicCreation: false });
    const messages: Message[] = [{ value: payload(recordBytes), partition: 0 }];
    try {
      await producer.connect();
      const window = new MeasurementWindow(profile.warmupMs, profile.durationMs);
      const latencies: number[] = [];
      while (window.open) {
        const started = performance.now();
        await producer.send({ topic, messages });
        const acknowledged = performance.now();
        if (window.counts(acknowledged)) latencies.push(acknowledged - started);
      }
      return { recordBytes, acks: -1, records: latencies.length, recordsPerSecond: latencies.length / window.seconds, ackLatency: summarizeLatencies(latencies) };
    } finally {
      await producer.close();
    }
  });
}

/** Writes records to one partition until `bytes` are in the log or `maxMs` passed; returns the count. */
export async function fillPartition(client: Client, topic: string, recordBytes: number, bytes: number, maxMs: number): Promise<number> {
  const producer = throughputProducer(client, 1, false);
  const recordsPerSend = Math.max(1, Math.floor(PRODUCER_SETTINGS.bytesPerSend / recordBytes));
  const [messages] = partitionedMessages(payload(recordBytes), 1, recordsPerSend);
  const wanted = Math.ceil(bytes / recordBytes);
  const deadline = performance.now() + maxMs;
  let written = 0;
  const sendLoop = async (): Promise<void> => {
    while (written < wanted && performance.now() < deadline) {
      written += recordsPerSend; // counted before the await so the loops stop near `wanted`
      await producer.send({ topic, messages });
    }
  };
  try {
    await Promise.all(Array.from({ length: sendLoopsPerProducer(1) }, sendLoop));
  } finally {
    await producer.close();
  }
  return written;
}

/** Acknowledged must mean written: the log must hold at least the records counted. */
async function assertInLog(client: Client, topic: string, acknowledged: number): Promise<void> {
  const admin = client.admin();
  try {
    const inLog = (await admin.listOffsets(topic, 'latest')).reduce((sum, p) => sum + p.offset, 0);
    if (inLog < acknowledged) throw new Error(`${acknowledged} records were acknowledged but the log holds ${inLog}`);
  } finally {
    await admin.close();
  }
}

function throughputProducer(client: Client, acks: 1 | -1, idempotent: boolean): Producer {
  const { lingerMs, batchSize, compression } = PRODUCER_SETTINGS;
  return client.producer({ acks, lingerMs, batchSize, compression, idempotent, allowAutoTopicCreation: false });
}

/** For each partition, one reusable array of messages that all point at the same payload. */
function partitionedMessages(value: Buffer, partitions: number, recordsPerSend: number): Message[][] {
  return Array.from({ length: partitions }, (_, partition) => Array.from({ length: recordsPerSend }, () => ({ value, partition })));
}
