// UUIDs (topic ids) as the codec represents them: the 16 raw bytes as 22 characters of unpadded
// base64url, the form Kafka prints (e.g. `kafka-topics --describe`). Strings make good map keys.
import { randomBytes } from 'node:crypto';
import { ZERO_UUID } from './reader.js';

const UUID_BYTES = 16;

/** A random version-4 UUID; its version/variant bits make it never the all-zero "no id" value. */
export function randomUuid(): string {
  const bytes = randomBytes(UUID_BYTES);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return bytes.toString('base64url');
}

/** True for the all-zero UUID, which Kafka uses for "no topic id". */
export function isZeroUuid(uuid: string): boolean {
  return uuid === ZERO_UUID;
}

/** From 32 hex digits (dashes allowed, as in 8-4-4-4-12). */
export function uuidFromHex(hex: string): string {
  const bytes = Buffer.from(hex.replace(/-/g, ''), 'hex');
  if (bytes.length !== UUID_BYTES) throw new RangeError(`not a UUID: ${hex}`);
  return bytes.toString('base64url');
}

/** To 32 hex digits, without dashes. */
export function uuidToHex(uuid: string): string {
  return Buffer.from(uuid, 'base64url').toString('hex');
}
