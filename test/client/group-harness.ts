// Group tests' shared pieces: a broker with a short initial rebalance delay, topics filled with
// numbered messages, and consumers that read in the background and record what they got.
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createClient, type Client } from '../../src/client/client.js';
import type { Consumer, ConsumerOptions } from '../../src/client/consumer.js';
import type { TopicPartition } from '../../src/client/partition-states.js';

export interface GroupTestBed {
  readonly broker: RunningBroker;
  readonly client: Client;
  close(): Promise<void>;
}

export async function openTestBed(): Promise<GroupTestBed> {
  const broker = await startBroker({ port: 0, logLevel: 'silent', groupInitialRebalanceDelayMs: 50 });
  const client = createClient({ brokers: [broker.bootstrap], clientId: 'group-test', retry: { initialRetryTime: 20, retries: 5 } });
  return {
    broker,
    client,
    close: async () => {
      await client.close();
      await broker.close();
    },
  };
}

/** Creates a topic and writes `perPartition` messages to each partition, valued `p<partition>-<n>`. */
export async function fillTopic(client: Client, topic: string, partitions: number, perPartition: number, from = 0): Promise<void> {
  const admin = client.admin();
  if (from === 0) await admin.createTopics([{ topic, numPartitions: partitions }]);
  const producer = client.producer();
  const messages = Array.from({ length: partitions * perPartition }, (_, i) => ({ partition: i % partitions, value: `p${i % partitions}-${from + Math.floor(i / partitions)}` }));
  await producer.send({ topic, messages });
  await producer.close();
  await admin.close();
}

/** Options that make a test group react in a fraction of a second (the broker's minimum session timeout is 6 s). */
export const FAST_GROUP: ConsumerOptions = { sessionTimeoutMs: 6000, heartbeatIntervalMs: 100, maxWaitMs: 100, autoOffsetReset: 'earliest' };

/** A consumer reading in the background, with everything it was handed and told. */
export class Reader {
  readonly consumer: Consumer;
  /** `topic/partition:offset` of every message, in order. */
  readonly received: string[] = [];
  /** Every onPartitionsAssigned call. */
  readonly assignments: TopicPartition[][] = [];
  readonly revocations: TopicPartition[][] = [];
  private readonly done: Promise<void>;

  constructor(client: Client, groupId: string, topics: string[], options: ConsumerOptions = {}) {
    this.consumer = client.consumer({
      ...FAST_GROUP,
      ...options,
      groupId,
      onPartitionsAssigned: async (partitions) => {
        this.assignments.push(partitions);
        await options.onPartitionsAssigned?.(partitions);
      },
      onPartitionsRevoked: async (partitions) => {
        this.revocations.push(partitions);
        await options.onPartitionsRevoked?.(partitions);
      },
    });
    this.consumer.subscribe(topics);
    this.done = this.read();
  }

  /** Partitions of the last assignment, as 'topic/partition' sorted. */
  get owned(): string[] {
    return this.consumer.assignment().map((tp) => `${tp.topic}/${tp.partition}`).sort();
  }

  async close(): Promise<void> {
    await this.consumer.close();
    await this.done;
  }

  private async read(): Promise<void> {
    for await (const message of this.consumer) this.received.push(`${message.topic}/${message.partition}:${message.offset}`);
  }
}

/** How often each message was delivered over all readers. */
export function deliveries(readers: readonly Reader[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const reader of readers) for (const key of reader.received) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
