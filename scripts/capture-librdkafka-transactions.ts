// Regenerates test/fixtures/protocol/librdkafka-transaction-requests.json: the transaction
// requests librdkafka sends (through confluent-kafka, Debian's python3-confluent-kafka), recorded
// by a proxy in front of an in-process sluice: FindCoordinator for a transactional id,
// InitProducerId with it, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn. The
// values they must decode to are written here by hand from the Python script's inputs.
//
// Needs python3-confluent-kafka. Run: node --import tsx scripts/capture-librdkafka-transactions.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker } from '../src/broker/broker.js';
import { readRequestFrame } from '../src/protocol/frame.js';
import { ApiKey } from '../src/protocol/index.js';
import { startLossyProxy } from '../test/helpers/lossy-proxy.js';
import { pythonWith, runPython } from '../test/helpers/python-client.js';
import { FIXTURE_DIR, toJsonSafe } from '../test/protocol/golden.js';

const TRANSACTIONAL_ID = 'golden-tx';
const TOPIC = 'golden-txn';
const GROUP = 'golden-group';

const SCRIPT = `
import sys
from confluent_kafka import Producer, Consumer, TopicPartition, version, libversion
p = Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': '${TRANSACTIONAL_ID}', 'transaction.timeout.ms': 45000, 'linger.ms': 0})
p.init_transactions(10)
c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': '${GROUP}'})
p.begin_transaction()
p.produce('${TOPIC}', value=b'golden', partition=0)
p.flush(10)
p.send_offsets_to_transaction([TopicPartition('${TOPIC}', 0, 17)], c.consumer_group_metadata(), 10)
p.commit_transaction(10)
print(libversion()[0])
`;

const python = pythonWith('confluent_kafka');
if (python === null) throw new Error('needs python3-confluent-kafka (apt-get install python3-confluent-kafka)');

let brokerPort = 0;
const proxy = await startLossyProxy(() => ({ host: '127.0.0.1', port: brokerPort }), () => false);
const broker = await startBroker({ logLevel: 'silent', advertisedPort: proxy.port });
brokerPort = broker.port;
await broker.registry.create(TOPIC, 1);
const librdkafkaVersion = (await runPython(python, SCRIPT, [`127.0.0.1:${proxy.port}`], 60_000)).trim();
await broker.close();
await proxy.close();

/** The first captured frame of each API, with the value it must decode to (producer id 0, epoch 0: a fresh broker's first). */
const WANTED: Array<{ apiKey: number; name: string; expected: (version: number) => unknown }> = [
  { apiKey: ApiKey.InitProducerId, name: 'InitProducerId', expected: (v) => ({ transactionalId: TRANSACTIONAL_ID, transactionTimeoutMs: 45000, ...(v >= 3 ? { producerId: -1, producerEpoch: -1 } : {}) }) },
  { apiKey: ApiKey.AddPartitionsToTxn, name: 'AddPartitionsToTxn', expected: () => ({ v3AndBelowTransactionalId: TRANSACTIONAL_ID, v3AndBelowProducerId: 0, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }] }) },
  { apiKey: ApiKey.AddOffsetsToTxn, name: 'AddOffsetsToTxn', expected: () => ({ transactionalId: TRANSACTIONAL_ID, producerId: 0, producerEpoch: 0, groupId: GROUP }) },
  {
    apiKey: ApiKey.TxnOffsetCommit,
    name: 'TxnOffsetCommit',
    expected: () => ({ transactionalId: TRANSACTIONAL_ID, groupId: GROUP, producerId: 0, producerEpoch: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 17 }] }] }),
  },
  { apiKey: ApiKey.EndTxn, name: 'EndTxn', expected: () => ({ transactionalId: TRANSACTIONAL_ID, producerId: 0, producerEpoch: 0, committed: true }) },
];

const requests = WANTED.map((wanted) => {
  const frame = proxy.frames.find((f) => f.readInt16BE(0) === wanted.apiKey);
  if (frame === undefined) throw new Error(`librdkafka sent no ${wanted.name}`);
  const { header } = readRequestFrame(frame);
  const size = Buffer.alloc(4);
  size.writeInt32BE(frame.length);
  return {
    name: `${wanted.name} v${header.requestApiVersion}`,
    apiKey: wanted.apiKey,
    apiVersion: header.requestApiVersion,
    correlationId: header.correlationId,
    clientId: header.clientId,
    expected: toJsonSafe(wanted.expected(header.requestApiVersion)),
    frameHex: Buffer.concat([size, frame]).toString('hex'),
  };
});
const path = join(FIXTURE_DIR, 'librdkafka-transaction-requests.json');
const fixture = { comment: 'Transaction request frames librdkafka sent; expected = what our decoder must yield (toMatchObject).', generator: 'scripts/capture-librdkafka-transactions.ts', librdkafkaVersion, requests };
writeFileSync(path, `${JSON.stringify(fixture, null, 1)}\n`);
console.log(`wrote ${requests.length} frames to ${path}: ${requests.map((r) => r.name).join(', ')}`);
process.exit(0);
