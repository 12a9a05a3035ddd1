// Exact encoded sizes of the variable-width primitives. Generated size functions add these up so
// that a message is written into ONE buffer of exactly the right length (kafka-protocol-rs style).
// Values the wire cannot hold throw here, before any byte is written.
import { ProtocolError } from './protocol-error.js';

/** Longest classic (int16-prefixed) string. */
const MAX_CLASSIC_STRING_BYTES = 0x7fff;

export function sizeOfUvarint(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

export function sizeOfVarint(value: number): number {
  return sizeOfUvarint(((value << 1) ^ (value >> 31)) >>> 0);
}

export function sizeOfString(value: string, compact: boolean): number {
  const length = Buffer.byteLength(value, 'utf8');
  if (compact) return sizeOfUvarint(length + 1) + length;
  if (length > MAX_CLASSIC_STRING_BYTES) {
    throw new ProtocolError('INVALID_VALUE', `string of ${length} bytes does not fit an int16 length`);
  }
  return 2 + length;
}

export function sizeOfNullableString(value: string | null, compact: boolean): number {
  return value === null ? (compact ? 1 : 2) : sizeOfString(value, compact);
}

export function sizeOfBytes(value: Buffer, compact: boolean): number {
  return (compact ? sizeOfUvarint(value.length + 1) : 4) + value.length;
}

export function sizeOfNullableBytes(value: Buffer | null, compact: boolean): number {
  return value === null ? (compact ? 1 : 4) : sizeOfBytes(value, compact);
}

/** Size of an array's count prefix; pass -1 for a null array. */
export function sizeOfArrayCount(count: number, compact: boolean): number {
  return compact ? sizeOfUvarint(count + 1) : 4;
}

/** Size of one tagged field: uvarint tag, uvarint payload size, payload. */
export function sizeOfTaggedField(tag: number, payloadSize: number): number {
  return sizeOfUvarint(tag) + sizeOfUvarint(payloadSize) + payloadSize;
}

/** Thrown by size functions when a null reaches a field that is not nullable in that version. */
export function nullNotAllowed(field: string, version: number): ProtocolError {
  return new ProtocolError('INVALID_VALUE', `${field} is null but not nullable in version ${version}`);
}
