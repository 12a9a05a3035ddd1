// What a send() is checked for and how its messages become records: keys as Buffers, acks and
// message shapes checked before anything is appended, so a bad message never half-sends a batch.
import type { Bytes } from '../records/index.js';
import type { Acks } from './accumulator.js';
import type { Message } from './producer.js';

export function toKeyBuffer(key: Bytes | undefined): Buffer | null {
  if (key === undefined || key === null) return null;
  if (typeof key === 'string') return Buffer.from(key, 'utf8');
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
}

export function checkAcks(acks: number): Acks {
  if (acks !== -1 && acks !== 0 && acks !== 1) throw new RangeError(`acks must be -1, 0 or 1, not ${acks}`);
  return acks;
}

/** Catches what would otherwise fail a whole shared batch inside the encoder. */
export function checkMessage(message: Message, index: number): void {
  if (message === null || typeof message !== 'object') throw new TypeError(`message ${index} must be an object`);
  if (message.value === undefined) throw new TypeError(`message ${index}: value is missing (use null for a tombstone)`);
  for (const [name, bytes] of [['key', message.key], ['value', message.value]] as const) {
    if (bytes !== undefined && bytes !== null && typeof bytes !== 'string' && !(bytes instanceof Uint8Array)) {
      throw new TypeError(`message ${index}: ${name} must be a string, a Buffer/Uint8Array or null`);
    }
  }
  const { timestamp } = message;
  if (timestamp !== undefined && (!Number.isSafeInteger(timestamp) || timestamp < 0)) {
    throw new TypeError(`message ${index}: timestamp must be a non-negative integer of milliseconds`);
  }
  if (message.headers !== undefined && (message.headers === null || typeof message.headers !== 'object')) {
    throw new TypeError(`message ${index}: headers must be an object or an array of { key, value }`);
  }
}
