// A fresh topic per workload, removed afterwards: figures never depend on what an earlier case
// left behind, and a full run does not leave gigabytes of logs on the broker's disk.
import { randomBytes } from 'node:crypto';
import type { Client } from '../../client/index.js';

/** Appended to topic names so two runs against one broker never share a topic. */
const RUN_TAG = randomBytes(3).toString('hex');

export async function withTopic<T>(client: Client, name: string, partitions: number, use: (topic: string) => Promise<T>): Promise<T> {
  const topic = `bench-${name}-${RUN_TAG}`;
  const admin = client.admin();
  try {
    await admin.createTopics([{ topic, numPartitions: partitions }]);
    return await use(topic);
  } finally {
    // A failed delete must not hide the workload's own error or figures.
    await admin.deleteTopics([topic]).catch(() => undefined);
    await admin.close();
  }
}

/** One Buffer per size, reused by every record: the generator must not be what is measured. */
export function payload(bytes: number): Buffer {
  const buffer = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i++) buffer[i] = (i * 131) & 0xff;
  return buffer;
}
