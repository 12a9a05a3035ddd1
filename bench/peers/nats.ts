// NATS JetStream as a peer (--peers): 100-byte messages published to a stream with file storage,
// against a nats-server of our own. Publishes go out asynchronously, each with a reply subject
// the server sends its PubAck to, and a batch is done when every PubAck came back: the
// asynchronous publishing `nats bench --js` does. (nats.js's jetstream.publish() awaits each
// PubAck as a request of its own, with a timer each, and managed ~29k/s here.)
import { connect, createInbox, StorageType, type Msg, type NatsConnection, type NatsError } from 'nats';
import type { BenchProfile } from '../../src/cli/bench/cases.js';
import { payload } from '../../src/cli/bench/topics.js';
import type { PeerResult } from '../../src/cli/bench/types.js';
import { withPeerServer } from './server.js';
import { runPeerWorkloads, type PeerSender } from './workloads.js';

// nats-server's default sync_interval; 2.10 and later can set it ("always" syncs every write).
const DURABILITY = "in the stream's file (OS page cache) before the PubAck; fsync'd every 2 minutes (default sync_interval)";
const SUBJECT = 'bench';

export function runNatsPeer(binary: string, profile: BenchProfile): Promise<PeerResult> {
  const args = (port: number, dir: string) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir];
  return withPeerServer(binary, 'nats', args, async (port) => {
    const connection = await connect({ servers: `127.0.0.1:${port}` });
    try {
      const manager = await connection.jetstreamManager();
      await manager.streams.add({ name: 'BENCH', subjects: [SUBJECT], storage: StorageType.File });
      const base = { system: 'NATS JetStream, file storage', version: connection.info?.version ?? 'unknown', durability: DURABILITY };
      return await runPeerWorkloads(base, asyncPublisher(connection, payload(100)), profile);
    } finally {
      await connection.close();
    }
  });
}

interface Batch {
  left: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Each batch gets a reply subject of its own under one inbox; PubAcks count down its messages. */
function asyncPublisher(connection: NatsConnection, value: Buffer): PeerSender {
  const inbox = createInbox();
  const batches = new Map<string, Batch>();
  let nextBatch = 0;
  const onPubAck = (error: NatsError | null, message: Msg): void => {
    const id = message.subject.slice(inbox.length + 1);
    const batch = batches.get(id);
    if (batch === undefined) return;
    const problem = error ?? pubAckError(message);
    if (problem !== null) {
      batches.delete(id);
      batch.reject(problem);
    } else if (--batch.left === 0) {
      batches.delete(id);
      batch.resolve();
    }
  };
  connection.subscribe(`${inbox}.*`, { callback: onPubAck });
  return {
    sendBatch(count) {
      return new Promise((resolve, reject) => {
        const id = String(nextBatch++);
        batches.set(id, { left: count, resolve, reject });
        const reply = `${inbox}.${id}`;
        for (let i = 0; i < count; i++) connection.publish(SUBJECT, value, { reply });
      });
    },
  };
}

/** A PubAck is {"stream":..,"seq":..}; a refusal carries "error". */
function pubAckError(message: Msg): Error | null {
  const text = new TextDecoder().decode(message.data);
  return text.includes('"error"') ? new Error(`JetStream refused a publish: ${text}`) : null;
}
