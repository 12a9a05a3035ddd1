// Compressed batches across the librdkafka boundary, through kcat and an in-process broker
// (which stores batches exactly as received). One way: kcat produces with -z <codec> and
// decodeRecordBatches reads the stored bytes. The other: our producer compresses and kcat
// consumes. .ci/run installs kcat; without it this file fails.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createClient, type Client } from '../../src/client/index.js';
import { decodeRecordBatches, type DecodedBatch } from '../../src/records/decode.js';
import { Attributes, Compression } from '../../src/records/layout.js';

const CODECS = [
  ['gzip', Compression.GZIP],
  ['snappy', Compression.SNAPPY],
  ['lz4', Compression.LZ4],
  ['zstd', Compression.ZSTD],
] as const;

let broker: RunningBroker;
let client: Client;

beforeAll(async () => {
  broker = await startBroker({ logLevel: 'silent' });
  client = createClient({ brokers: [broker.bootstrap], clientId: 'kcat-compression' });
});
afterAll(async () => {
  await client?.close();
  await broker?.close();
});

function kcat(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', ['-b', broker.bootstrap, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kcat ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
    child.stdin?.end(input ?? '');
  });
}

/** Every batch stored for partition 0 of topic, decoded (CRCs checked). */
async function storedBatches(topic: string): Promise<DecodedBatch[]> {
  const log = broker.registry.get(topic)?.logs[0];
  if (log === undefined) throw new Error(`topic ${topic} was not created`);
  return decodeRecordBatches(await log.read(0, 1 << 20));
}

// Repetitive enough that every codec shrinks it: librdkafka sends a batch uncompressed when
// compressing would not make it smaller, and then there would be nothing to test.
const lines = Array.from({ length: 40 }, (_, i) => ({ key: `key-${i}`, value: `value ${i} ${'compress me '.repeat(10)}` }));

describe.each(CODECS)('%s across kcat', (codec, code) => {
  it(`decodes what kcat -z ${codec} produced, with the codec bits kcat set`, async () => {
    const topic = `from-kcat-${codec}`;
    const input = lines.map(({ key, value }) => `${key}:${value}`).join('\n');
    await kcat(['-P', '-t', topic, '-p', '0', '-K:', '-z', codec, '-X', 'linger.ms=50'], `${input}\n`);

    const batches = await storedBatches(topic);
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) {
      expect(batch.attributes & Attributes.COMPRESSION_MASK).toBe(code);
      expect(batch.compression).toBe(codec);
    }
    const records = batches.flatMap((batch) => batch.records);
    expect(records.map((r) => ({ key: r.key?.toString(), value: r.value?.toString() }))).toEqual(lines);
    expect(records.map((r) => r.offset)).toEqual(lines.map((_, i) => i));
  });

  it(`lets kcat read what our producer compressed with ${codec}`, async () => {
    const topic = `to-kcat-${codec}`;
    const producer = client.producer({ compression: codec, lingerMs: 0 });
    await producer.send({ topic, messages: lines.map(({ key, value }) => ({ key, value, partition: 0 })) });

    const [batch] = await storedBatches(topic);
    expect(batch.compression).toBe(codec); // what kcat reads next really is compressed
    const output = await kcat(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', '%k|%s|%o\n']);
    expect(output.trim().split('\n')).toEqual(lines.map(({ key, value }, i) => `${key}|${value}|${i}`));
  });
});
