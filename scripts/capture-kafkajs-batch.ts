// Regenerates the golden fixtures test/fixtures/kafkajs-batch-*.json: fixed inputs encoded by
// kafkajs's own RecordBatch encoder. The tests then demand byte-identical output from our
// encoder for the same inputs. Run: node --import tsx scripts/capture-kafkajs-batch.ts
//
// Inputs are fixed (no clock, no randomness) so a rerun writes the same bytes. The gzip
// fixture depends on the zlib build, so its test only decodes it; gzip byte-equality is
// checked live against kafkajs in the same process instead.
import { writeFileSync } from 'node:fs';
import {
  FIXTURE_NAMES,
  KAFKAJS_VERSION,
  fixturePath,
  kafkajsEncode,
  type BatchFixture,
  type FixtureName,
  type FixtureOptions,
  type FixtureRecord,
} from '../test/records/kafkajs.js';

const BASE_TIMESTAMP = 1_700_000_000_000;

const KAFKAJS_DEFAULTS: FixtureOptions = {
  baseOffset: 0,
  partitionLeaderEpoch: 0,
  producerId: -1,
  producerEpoch: 0,
  baseSequence: 0,
  transactional: false,
  compression: 'none',
};

/** Every byte value once: a binary value whose length needs a two-byte varint. */
const ALL_BYTES_HEX = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('hex');

/** Edge cases, one per record: null key, unicode, binary, tombstone, empties, repeated and unicode header keys, timestamps before the base and beyond 32 bits. */
function plainRecords(): FixtureRecord[] {
  return [
    { key: { utf8: 'user-42' }, value: { utf8: '{"action":"login"}' }, headers: [{ key: 'trace-id', value: { utf8: 'abc123' } }], timestamp: BASE_TIMESTAMP },
    { key: null, value: { utf8: 'no key here' }, headers: [], timestamp: BASE_TIMESTAMP + 1 },
    {
      key: { utf8: 'ключ-🔑' },
      value: { hex: ALL_BYTES_HEX },
      headers: [
        { key: 'ünïcødé-键', value: { utf8: 'värde' } },
        { key: 'emoji-🚀', value: { hex: '00ff' } },
      ],
      timestamp: BASE_TIMESTAMP + 250,
    },
    { key: { utf8: 'tombstone-key' }, value: null, headers: [], timestamp: BASE_TIMESTAMP + 3_000_000_000 },
    {
      key: { utf8: '' },
      value: { utf8: '' },
      headers: [
        { key: 'dup', value: { utf8: 'first' } },
        { key: 'dup', value: { utf8: 'second' } },
        { key: '', value: { utf8: '' } },
      ],
      timestamp: BASE_TIMESTAMP + 5,
    },
    { key: { utf8: 'late' }, value: { utf8: 'timestamp before the base' }, headers: [], timestamp: BASE_TIMESTAMP - 1000 },
  ];
}

/** 200 records: offset deltas and lengths cross the one-byte varint boundary. */
function idempotentRecords(): FixtureRecord[] {
  return Array.from({ length: 200 }, (_, i) => ({
    key: { utf8: `key-${i}` },
    value: { utf8: `value-${i}-`.padEnd(64, String.fromCharCode(97 + (i % 26))) },
    headers: i % 10 === 0 ? [{ key: 'seq', value: { utf8: String(i) } }] : [],
    timestamp: BASE_TIMESTAMP + i * 7,
  }));
}

function gzipRecords(): FixtureRecord[] {
  return Array.from({ length: 20 }, (_, i) => ({
    key: i % 3 === 0 ? null : { utf8: `k${i}` },
    value: { utf8: `compressible payload ${i} `.repeat(8) },
    headers: i === 0 ? [{ key: 'content-type', value: { utf8: 'text/plain' } }] : [],
    timestamp: BASE_TIMESTAMP + i,
  }));
}

const CASES: Record<FixtureName, { comment: string; options: FixtureOptions; records: () => FixtureRecord[] }> = {
  plain: {
    comment: 'kafkajs defaults, 6 edge-case records (null key, unicode, binary, tombstone, empties, repeated headers, negative and >32-bit timestamp deltas)',
    options: KAFKAJS_DEFAULTS,
    records: plainRecords,
  },
  idempotent: {
    comment: 'transactional idempotent producer fields, baseOffset 1000, leader epoch 7, 200 records',
    options: { ...KAFKAJS_DEFAULTS, baseOffset: 1000, partitionLeaderEpoch: 7, producerId: 4242, producerEpoch: 3, baseSequence: 17, transactional: true },
    records: idempotentRecords,
  },
  gzip: {
    comment: 'gzip-compressed records section (bytes depend on the zlib build: decode-only fixture)',
    options: { ...KAFKAJS_DEFAULTS, compression: 'gzip' },
    records: gzipRecords,
  },
};

async function capture(name: FixtureName): Promise<void> {
  const { comment, options, records: makeRecords } = CASES[name];
  const records = makeRecords();
  const batch = await kafkajsEncode(records, options);
  const fixture: BatchFixture = {
    comment,
    generator: 'scripts/capture-kafkajs-batch.ts',
    kafkajsVersion: KAFKAJS_VERSION,
    options,
    records,
    batchHex: batch.toString('hex'),
  };
  writeFileSync(fixturePath(name), formatFixture(fixture));
  console.log(`${fixturePath(name)}: ${records.length} records, ${batch.length} bytes`);
}

/** JSON with one record per line, so diffs of a regenerated fixture stay readable. */
function formatFixture(fixture: BatchFixture): string {
  const { records, ...rest } = fixture;
  const head = JSON.stringify(rest, null, 2).slice(0, -2);
  const lines = records.map((record) => `    ${JSON.stringify(record)}`);
  return `${head},\n  "records": [\n${lines.join(',\n')}\n  ]\n}\n`;
}

for (const name of FIXTURE_NAMES) await capture(name);
