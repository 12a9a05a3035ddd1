// A consumer group whose last member left, as librdkafka lists it (its 0081 ListConsumerGroups
// found it): still protocol type "consumer", state Empty. A group listed with type "" is a simple
// group to librdkafka. Through confluent-kafka's list_groups (Debian's python3-confluent-kafka);
// skips, saying so, when no python3 has it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { pythonWith, runPython } from '../helpers/python-client.js';

const python = pythonWith('confluent_kafka');
if (python === null) console.warn('group-empty-librdkafka: skipped, no python3 with confluent_kafka (apt-get install python3-confluent-kafka)');

const JOIN_LEAVE_LIST = `
import sys, json
from confluent_kafka import Consumer
from confluent_kafka.admin import AdminClient
bootstrap, topic, group = sys.argv[1:4]
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'session.timeout.ms': 6000})
assigned = []
c.subscribe([topic], on_assign=lambda consumer, partitions: assigned.extend(partitions))
for _ in range(60):
    c.poll(0.2)
    if assigned:
        break
c.close()
listed = AdminClient({'bootstrap.servers': bootstrap}).list_groups(group, timeout=10)
print(json.dumps({'assigned': len(assigned), 'groups': [{'id': g.id, 'protocol_type': g.protocol_type, 'state': g.state} for g in listed]}))
`;

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent', groupInitialRebalanceDelayMs: 0 });
  await broker.registry.create('emptied', 2);
});
afterAll(async () => {
  await broker.close();
});

describe.skipIf(python === null)('an emptied consumer group through librdkafka (confluent-kafka)', () => {
  it('is listed as a consumer group in state Empty', async () => {
    const seen = JSON.parse(await runPython(python as string, JOIN_LEAVE_LIST, [broker.bootstrap, 'emptied', 'left-behind'])) as { assigned: number; groups: unknown[] };
    expect(seen.assigned).toBe(2);
    expect(seen.groups).toEqual([{ id: 'left-behind', protocol_type: 'consumer', state: 'Empty' }]);
  }, 40_000);
});
