// Transactions as librdkafka drives them (confluent-kafka from Python, Debian's
// python3-confluent-kafka): init_transactions, a committed and an aborted transaction with
// send_offsets_to_transaction, and a read_committed consumer (librdkafka's default isolation)
// that reads only the committed messages. Skips, saying so, when no python3 has confluent_kafka.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { pythonWith, runPython } from '../helpers/python-client.js';

const python = pythonWith('confluent_kafka');
if (python === null) console.warn('transactions-librdkafka: skipped, no python3 with confluent_kafka (apt-get install python3-confluent-kafka)');

const SCRIPT = `
import sys, json
from confluent_kafka import Producer, Consumer, TopicPartition
bootstrap, topic = sys.argv[1], sys.argv[2]
p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'py-txn', 'transaction.timeout.ms': 30000})
p.init_transactions(10)
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'py-txn-group', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
meta = c.list_topics(topic, timeout=10)
for value, commit in [(b'kept-1', True), (b'dropped', False), (b'kept-2', True)]:
    p.begin_transaction()
    p.produce(topic, value=value, partition=0)
    p.produce(topic, value=value + b'-p1', partition=1)
    p.send_offsets_to_transaction([TopicPartition(topic, 0, 42 if commit else 7)], c.consumer_group_metadata(), 10)
    if commit:
        p.commit_transaction(10)
    else:
        p.abort_transaction(10)
committed = c.committed([TopicPartition(topic, 0)], timeout=10)[0].offset
c.close()
r = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'py-reader', 'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed'})
r.subscribe([topic])
seen = []
for _ in range(100):
    m = r.poll(0.2)
    if m is not None and m.error() is None:
        seen.append(m.value().decode())
    if len(seen) >= 4:
        break
r.close()
print(json.dumps({'seen': sorted(seen), 'committed': committed}))
`;

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent', groupInitialRebalanceDelayMs: 0 });
  await broker.registry.create('py-txn', 2);
});
afterAll(async () => {
  await broker.close();
});

describe.skipIf(python === null)('transactions through librdkafka (confluent-kafka)', () => {
  it('commits, aborts and commits offsets; a read_committed consumer sees only committed messages', async () => {
    const result = JSON.parse(await runPython(python as string, SCRIPT, [broker.bootstrap, 'py-txn'], 60_000)) as { seen: string[]; committed: number };
    expect(result).toEqual({ seen: ['kept-1', 'kept-1-p1', 'kept-2', 'kept-2-p1'], committed: 42 });
  }, 70_000);
});
