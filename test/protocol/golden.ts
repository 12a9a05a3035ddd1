// Shared by the golden-bytes capture scripts and tests: fixed inputs, the fixture format, and the
// JSON encoding of Buffers inside fixtures ({"$hex": "..."}).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'protocol');
export const CLIENT_ID = 'sluice-golden';

/** Records of the Produce fixture, as kafkajs producer messages (fixed timestamps, no clock). */
export const PRODUCE_RECORDS = [
  { key: 'order-1', value: '{"total":12.5}', timestamp: 1_700_000_000_000, headers: { source: 'web' } },
  { key: null, value: 'keyless', timestamp: 1_700_000_000_007 },
];

/** Opaque member metadata / assignment bytes (their content does not matter to the codec). */
export const SUBSCRIPTION = Buffer.from('00010000000100066f726465727300000000', 'hex');
export const ASSIGNMENT = Buffer.from('00010000000100066f72646572730000000200000000000000' + '01ffffffff', 'hex');

/** One captured request frame and the value our codec must decode it to. */
export interface GoldenRequest {
  name: string;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  kafkajsInput?: unknown;
  expected: unknown;
  /** The whole frame, 4-byte size prefix included. */
  frameHex: string;
}

/** Replaces Buffers by {"$hex": ...} so fixtures stay readable JSON. */
export function toJsonSafe(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { $hex: value.toString('hex') };
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSafe(v)]));
  }
  return value;
}

/** Inverse of toJsonSafe. */
export function fromJsonSafe(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonSafe);
  if (value !== null && typeof value === 'object') {
    const hex = (value as { $hex?: unknown }).$hex;
    if (typeof hex === 'string') return Buffer.from(hex, 'hex');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromJsonSafe(v)]));
  }
  return value;
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as T;
}
