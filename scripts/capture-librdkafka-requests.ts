// Regenerates test/fixtures/protocol/librdkafka-requests.json: request frames sent by librdkafka
// (through kcat, Debian package) to a fake broker on 127.0.0.1 that answers with our codec
// (test/protocol/fake-broker.ts). librdkafka is the client that mixes flexible and classic
// versions: ApiVersions v3 and InitProducerId v4 use compact encodings and request header v2.
//
// Needs kcat: apt-get update && apt-get install -y kcat
// Run: node --import tsx scripts/capture-librdkafka-requests.ts
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiVersionsRequest, InitProducerIdRequest, MetadataRequest } from '../src/protocol/generated/index.js';
import { readRequestFrame } from '../src/protocol/frame.js';
import { ZERO_UUID } from '../src/protocol/reader.js';
import { GOLDEN_PRODUCER_ID, GOLDEN_TOPIC, runKcat, type CapturedFrame } from '../test/protocol/fake-broker.js';
import { FIXTURE_DIR, toJsonSafe } from '../test/protocol/golden.js';

const librdkafkaVersion = /librdkafka\s+([\d.]+)/.exec(execFileSync('kcat', ['-V'], { encoding: 'utf8' }))?.[1] ?? 'unknown';

/** What each captured request must decode to, in the order librdkafka sends them. */
interface Expectation {
  name: string;
  apiKey: number;
  apiVersion: number;
  /** Compared with toMatchObject: Produce leaves out its records, which the test checks with src/records. */
  expected: unknown;
}

const metadata = (topics: MetadataRequest['topics'], allowAutoTopicCreation: boolean): MetadataRequest => ({
  topics, allowAutoTopicCreation, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false,
});

const LIST_EXPECTATIONS: Expectation[] = [
  {
    name: 'ApiVersions v3', apiKey: 18, apiVersion: 3,
    expected: { clientSoftwareName: 'librdkafka', clientSoftwareVersion: librdkafkaVersion } satisfies ApiVersionsRequest,
  },
  // The bootstrap connection asks for no topics (empty, not null), then -L asks for all (null).
  { name: 'Metadata v4 no topics', apiKey: 3, apiVersion: 4, expected: metadata([], false) },
  { name: 'Metadata v4 all topics', apiKey: 3, apiVersion: 4, expected: metadata(null, true) },
];

const PRODUCE_EXPECTATIONS: Expectation[] = [
  { name: 'Metadata v4 one topic', apiKey: 3, apiVersion: 4, expected: metadata([{ topicId: ZERO_UUID, name: GOLDEN_TOPIC }], true) },
  {
    name: 'InitProducerId v4', apiKey: 22, apiVersion: 4,
    expected: { transactionalId: null, transactionTimeoutMs: -1, producerId: -1, producerEpoch: -1 } satisfies InitProducerIdRequest,
  },
  {
    name: 'Produce v7 idempotent', apiKey: 0, apiVersion: 7,
    expected: { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: GOLDEN_TOPIC, partitionData: [{ index: 0 }] }] },
  },
];

/** Pairs captured frames with expectations by API key and version, skipping repeats (e.g. ApiVersions on each connection). */
function match(frames: CapturedFrame[], expectations: Expectation[]): object[] {
  const out: object[] = [];
  const remaining = [...expectations];
  for (const captured of frames) {
    const next = remaining[0];
    if (next === undefined || next.apiKey !== captured.apiKey || next.apiVersion !== captured.apiVersion) continue;
    remaining.shift();
    const { header } = readRequestFrame(captured.frame);
    out.push({
      name: next.name,
      apiKey: next.apiKey,
      apiVersion: next.apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
      expected: toJsonSafe(next.expected),
      frameHex: Buffer.concat([sizePrefix(captured.frame.length), captured.frame]).toString('hex'),
    });
  }
  if (remaining.length > 0) {
    const seen = frames.map((f) => `${f.apiKey}v${f.apiVersion}`).join(', ');
    throw new Error(`librdkafka did not send ${remaining.map((e) => e.name).join(', ')} (saw ${seen})`);
  }
  return out;
}

function sizePrefix(size: number): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(size);
  return prefix;
}

const list = await runKcat((broker) => ['-b', broker, '-L', '-J', '-m', '5'], '');
const produce = await runKcat(
  (broker) => ['-b', broker, '-P', '-t', GOLDEN_TOPIC, '-p', '0', '-X', 'enable.idempotence=true', '-m', '5'],
  'hello\nworld\n',
);
if (list.exitCode !== 0 || produce.exitCode !== 0) throw new Error(`kcat failed:\n${list.stderr}\n${produce.stderr}`);

const fixture = {
  comment: `Request frames sent by librdkafka ${librdkafkaVersion} (kcat -L, and kcat -P with enable.idempotence=true) to a fake broker answering with our codec. Produce records carry producer id ${GOLDEN_PRODUCER_ID} and the values hello, world.`,
  generator: 'scripts/capture-librdkafka-requests.ts',
  librdkafkaVersion,
  requests: [...match(list.frames, LIST_EXPECTATIONS), ...match(produce.frames, PRODUCE_EXPECTATIONS)],
};
const path = join(FIXTURE_DIR, 'librdkafka-requests.json');
writeFileSync(path, `${JSON.stringify(fixture, null, 1)}\n`);
console.log(`wrote ${fixture.requests.length} frames to ${path}`);
