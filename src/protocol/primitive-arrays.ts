// Arrays of primitives ([]int32, []int64, []string, ...) for the generated codecs. Struct arrays
// get their own generated loops; these are the shared ones. Readers return null for a null array
// and let the generated code decide whether null is allowed (Reader.required).
import type { Reader } from './reader.js';
import { sizeOfArrayCount, sizeOfString, sizeOfUvarint } from './sizes.js';
import type { Writer } from './writer.js';

export function readInt16Array(r: Reader, compact: boolean): number[] | null {
  const n = r.arrayCount(compact, 2);
  if (n < 0) return null;
  const out: number[] = [];
  for (let i = 0; i < n && r.error === null; i++) out.push(r.int16());
  return out;
}

export function readInt32Array(r: Reader, compact: boolean): number[] | null {
  const n = r.arrayCount(compact, 4);
  if (n < 0) return null;
  const out: number[] = [];
  for (let i = 0; i < n && r.error === null; i++) out.push(r.int32());
  return out;
}

export function readInt64Array(r: Reader, compact: boolean): number[] | null {
  const n = r.arrayCount(compact, 8);
  if (n < 0) return null;
  const out: number[] = [];
  for (let i = 0; i < n && r.error === null; i++) out.push(r.int64AsNumber());
  return out;
}

export function readUuidArray(r: Reader, compact: boolean): string[] | null {
  const n = r.arrayCount(compact, 16);
  if (n < 0) return null;
  const out: string[] = [];
  for (let i = 0; i < n && r.error === null; i++) out.push(r.uuid());
  return out;
}

export function readStringArray(r: Reader, compact: boolean): string[] | null {
  const n = r.arrayCount(compact, compact ? 1 : 2);
  if (n < 0) return null;
  const out: string[] = [];
  for (let i = 0; i < n && r.error === null; i++) out.push(r.string(compact));
  return out;
}

export function writeInt16Array(w: Writer, values: number[] | null, compact: boolean): void {
  if (values === null) return w.arrayCount(-1, compact);
  w.arrayCount(values.length, compact);
  for (let i = 0; i < values.length; i++) w.int16(values[i]);
}

export function writeInt32Array(w: Writer, values: number[] | null, compact: boolean): void {
  if (values === null) return w.arrayCount(-1, compact);
  w.arrayCount(values.length, compact);
  for (let i = 0; i < values.length; i++) w.int32(values[i]);
}

export function writeInt64Array(w: Writer, values: number[] | null, compact: boolean): void {
  if (values === null) return w.arrayCount(-1, compact);
  w.arrayCount(values.length, compact);
  for (let i = 0; i < values.length; i++) w.int64FromNumber(values[i]);
}

export function writeUuidArray(w: Writer, values: string[] | null, compact: boolean): void {
  if (values === null) return w.arrayCount(-1, compact);
  w.arrayCount(values.length, compact);
  for (let i = 0; i < values.length; i++) w.uuid(values[i]);
}

export function writeStringArray(w: Writer, values: string[] | null, compact: boolean): void {
  if (values === null) return w.arrayCount(-1, compact);
  w.arrayCount(values.length, compact);
  for (let i = 0; i < values.length; i++) w.string(values[i], compact);
}

/** Size of a fixed-width element array: count prefix + count × width. */
function sizeOfFixedArray(values: readonly unknown[] | null, width: number, compact: boolean): number {
  if (values === null) return sizeOfArrayCount(-1, compact);
  return sizeOfArrayCount(values.length, compact) + values.length * width;
}

export function sizeOfInt16Array(values: number[] | null, compact: boolean): number {
  return sizeOfFixedArray(values, 2, compact);
}

export function sizeOfInt32Array(values: number[] | null, compact: boolean): number {
  return sizeOfFixedArray(values, 4, compact);
}

export function sizeOfInt64Array(values: number[] | null, compact: boolean): number {
  return sizeOfFixedArray(values, 8, compact);
}

export function sizeOfUuidArray(values: string[] | null, compact: boolean): number {
  return sizeOfFixedArray(values, 16, compact);
}

export function sizeOfStringArray(values: string[] | null, compact: boolean): number {
  if (values === null) return sizeOfArrayCount(-1, compact);
  let size = compact ? sizeOfUvarint(values.length + 1) : 4;
  for (let i = 0; i < values.length; i++) size += sizeOfString(values[i], compact);
  return size;
}
