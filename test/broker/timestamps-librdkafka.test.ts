// message.timestamp.type=LogAppendTime as librdkafka sees it (its 0052_msg_timestamps): a message
// produced with an old timestamp is consumed with the broker's append time and the
// LOG_APPEND_TIME type. Through confluent-kafka (Debian's python3-confluent-kafka); skips, saying
// so, when no python3 has it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { pythonWith, runPython } from '../helpers/python-client.js';

const python = pythonWith('confluent_kafka');
if (python === null) console.warn('timestamps-librdkafka: skipped, no python3 with confluent_kafka (apt-get install python3-confluent-kafka)');

const ROUND_TRIP = `
import sys, json
from confluent_kafka import Producer, Consumer, TIMESTAMP_CREATE_TIME, TIMESTAMP_LOG_APPEND_TIME
bootstrap, topic, sent_ts = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = Producer({'bootstrap.servers': bootstrap, 'acks': 'all'})
p.produce(topic, value=b'stamped', timestamp=sent_ts)
assert p.flush(10) == 0
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'ts-' + topic, 'auto.offset.reset': 'earliest'})
c.subscribe([topic])
for _ in range(100):
    m = c.poll(0.5)
    if m is not None and m.error() is None:
        kind, ts = m.timestamp()
        print(json.dumps({'type': {TIMESTAMP_CREATE_TIME: 'create', TIMESTAMP_LOG_APPEND_TIME: 'log-append'}.get(kind, str(kind)), 'timestamp': ts}))
        break
c.close()
`;

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent', groupInitialRebalanceDelayMs: 0 });
});
afterAll(async () => {
  await broker.close();
});

describe.skipIf(python === null)('message timestamps through librdkafka (confluent-kafka)', () => {
  const roundTrip = async (topic: string, sentTimestamp: number): Promise<{ type: string; timestamp: number }> =>
    JSON.parse(await runPython(python as string, ROUND_TRIP, [broker.bootstrap, topic, String(sentTimestamp)])) as { type: string; timestamp: number };

  it('replaces the producer timestamp with the append time on a LogAppendTime topic', async () => {
    await broker.registry.create('log-append-time', 1, { 'message.timestamp.type': 'LogAppendTime' });
    const before = Date.now();
    const seen = await roundTrip('log-append-time', 1_234_567_890_000);
    expect(seen.type).toBe('log-append');
    expect(seen.timestamp).toBeGreaterThanOrEqual(before);
    expect(seen.timestamp).toBeLessThanOrEqual(Date.now());
  }, 40_000);

  it('keeps the producer timestamp on a CreateTime topic', async () => {
    await broker.registry.create('create-time', 1);
    expect(await roundTrip('create-time', 1_234_567_890_000)).toEqual({ type: 'create', timestamp: 1_234_567_890_000 });
  }, 40_000);
});
