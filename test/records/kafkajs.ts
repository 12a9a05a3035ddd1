// kafkajs's own record-batch encoder and decoder, driven from the fixture format shared by
// scripts/capture-kafkajs-batch.ts (which writes the fixtures) and the golden tests (which
// read them). kafkajs is plain JavaScript, so its modules are loaded with createRequire and
// given the few types used here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { EncodeOptions, ProducerRecord } from '../../src/records/encode.js';

const require = createRequire(import.meta.url);

/** Bytes in a fixture: readable text when it is text, hex otherwise, or null. */
export type FixtureBytes = { utf8: string } | { hex: string } | null;

export interface FixtureRecord {
  readonly key: FixtureBytes;
  readonly value: FixtureBytes;
  /** Non-null values only: kafkajs cannot encode a null header value (see fixtureHeadersToKafkajs). */
  readonly headers: ReadonlyArray<{ key: string; value: Exclude<FixtureBytes, null> }>;
  readonly timestamp: number;
}

export interface FixtureOptions {
  readonly baseOffset: number;
  readonly partitionLeaderEpoch: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly transactional: boolean;
  readonly compression: 'none' | 'gzip';
}

export interface BatchFixture {
  readonly comment: string;
  readonly generator: string;
  readonly kafkajsVersion: string;
  readonly options: FixtureOptions;
  readonly records: readonly FixtureRecord[];
  readonly batchHex: string;
}

export const FIXTURE_NAMES = ['plain', 'idempotent', 'gzip'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export function fixturePath(name: FixtureName): string {
  return fileURLToPath(new URL(`../fixtures/kafkajs-batch-${name}.json`, import.meta.url));
}

export function loadFixture(name: FixtureName): BatchFixture {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as BatchFixture;
}

export function fixtureBytes(bytes: FixtureBytes): Buffer | null {
  if (bytes === null) return null;
  return 'utf8' in bytes ? Buffer.from(bytes.utf8, 'utf8') : Buffer.from(bytes.hex, 'hex');
}

/** The fixture's records as input to our encoder (headers as an ordered array). */
export function toProducerRecords(records: readonly FixtureRecord[]): ProducerRecord[] {
  return records.map((record) => ({
    key: fixtureBytes(record.key),
    value: fixtureBytes(record.value),
    headers: record.headers.map((header) => ({ key: header.key, value: fixtureBytes(header.value) })),
    timestamp: record.timestamp,
  }));
}

export function toEncodeOptions(options: FixtureOptions): EncodeOptions {
  return { ...options };
}

// ---- kafkajs ------------------------------------------------------------------------------

interface KafkajsLong {
  toString(): string;
}
interface KafkajsEncoder {
  readonly buffer: Buffer;
}
type KafkajsHeaders = Record<string, Buffer | Buffer[]>;
interface KafkajsRecordInput {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkajsHeaders;
}

const Long = require('kafkajs/src/utils/long') as { fromValue(value: number | string): KafkajsLong };
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (input: KafkajsRecordInput) => KafkajsEncoder;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch(input: Record<string, unknown>): Promise<KafkajsEncoder>;
};
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const decodeKafkajsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: unknown) => Promise<KafkajsDecodedBatch>;
const CompressionTypes = require('kafkajs/src/protocol/message/compression').Types as Record<'None' | 'GZIP', number>;

export const KAFKAJS_VERSION = (require('kafkajs/package.json') as { version: string }).version;

/**
 * kafkajs takes headers as an object whose repeated keys hold arrays; that keeps order only
 * when repeats are adjacent and no key looks like an integer, so refuse anything else.
 */
function fixtureHeadersToKafkajs(headers: FixtureRecord['headers']): KafkajsHeaders {
  const object: Record<string, Buffer[]> = {};
  for (const { key, value } of headers) (object[key] ??= []).push(fixtureBytes(value) as Buffer);
  const flattened = Object.entries(object).flatMap(([key, values]) => values.map((value) => ({ key, value })));
  const sameOrder = flattened.every((h, i) => h.key === headers[i].key && h.value.equals(fixtureBytes(headers[i].value) as Buffer));
  if (!sameOrder) throw new Error('kafkajs would reorder these headers: keep repeated keys adjacent, avoid integer-like keys');
  return Object.fromEntries(Object.entries(object).map(([key, values]) => [key, values.length === 1 ? values[0] : values]));
}

/** Encodes the fixture inputs with kafkajs's RecordBatch, as its Produce request does. */
export async function kafkajsEncode(records: readonly FixtureRecord[], options: FixtureOptions): Promise<Buffer> {
  const firstTimestamp = records[0].timestamp;
  const kafkajsRecords = records.map((record, i) =>
    KafkajsRecord({
      offsetDelta: i,
      timestampDelta: record.timestamp - firstTimestamp,
      key: fixtureBytes(record.key),
      value: fixtureBytes(record.value),
      headers: fixtureHeadersToKafkajs(record.headers),
    }),
  );
  const batch = await RecordBatch({
    compression: options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    firstOffset: Long.fromValue(options.baseOffset),
    firstTimestamp,
    maxTimestamp: Math.max(...records.map((r) => r.timestamp)),
    partitionLeaderEpoch: options.partitionLeaderEpoch,
    lastOffsetDelta: records.length - 1,
    transactional: options.transactional,
    producerId: Long.fromValue(options.producerId),
    producerEpoch: options.producerEpoch,
    firstSequence: options.baseSequence,
    records: kafkajsRecords,
  });
  return Buffer.from(batch.buffer);
}

/** What kafkajs's batch decoder returns (the fields compared here). */
export interface KafkajsDecodedBatch {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  lastOffsetDelta: number;
  records: Array<{
    offset: string;
    timestamp: string;
    key: Buffer | null;
    value: Buffer | null;
    headers: Record<string, Buffer | Buffer[]>;
  }>;
}

/** Decodes one batch with kafkajs's Fetch-side decoder. */
export function kafkajsDecode(batch: Buffer): Promise<KafkajsDecodedBatch> {
  return decodeKafkajsBatch(new KafkajsDecoder(batch));
}
