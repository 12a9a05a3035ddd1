// The checks on each record handed to encodeBatch. Both encodeBatch kernels run them on a
// record as they read it, in the pass that already loads its fields, rather than the wrapper
// walking the records once more: that separate walk was a tenth of the native encode. A
// kernel tests with the plain predicates below and calls throwInvalidRecord only when one
// fails; that builds the error naming the argument (`records[3].headers[1].key`).
import type { RawRecord } from './types.js';
import { invalid, requireArray, requireNullableBytes, requireObject, requireSafeInteger } from './invalid-argument.js';

export const isNullableBytes = (value: unknown): boolean => value === null || value instanceof Uint8Array;
export const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null;

/** The fields of a record, already read, have the types RawRecord says (headers not looked into). */
export const isRecordFields = (key: unknown, value: unknown, headers: unknown, timestamp: unknown): boolean =>
  isNullableBytes(key) && isNullableBytes(value) && Number.isSafeInteger(timestamp) && Array.isArray(headers);

/** A header, already read, is an object with a string key and bytes or null as its value. */
export const isHeaderFields = (key: unknown, value: unknown): boolean => typeof key === 'string' && isNullableBytes(value);

const headerPath = (index: number, h: number): string => `records[${index}].headers[${h}]`;

function checkHeaders(headers: readonly unknown[], index: number): void {
  for (let h = 0; h < headers.length; h++) {
    const header: unknown = headers[h];
    if (!isObject(header)) requireObject('encodeBatch', headerPath(index, h), header);
    const { key: headerKey, value: headerValue } = header as RawRecord['headers'][number];
    if (typeof headerKey !== 'string') throw invalid(TypeError, 'encodeBatch', `${headerPath(index, h)}.key`, 'a string', headerKey);
    if (!isNullableBytes(headerValue)) requireNullableBytes('encodeBatch', `${headerPath(index, h)}.value`, headerValue);
  }
}

/** Throws for records[index] when it is not a RawRecord; returns when it is. */
export function checkRecord(record: unknown, index: number): void {
  if (!isObject(record)) requireObject('encodeBatch', `records[${index}]`, record);
  const { key, value, headers, timestamp } = record as RawRecord;
  if (!isNullableBytes(key)) requireNullableBytes('encodeBatch', `records[${index}].key`, key);
  if (!isNullableBytes(value)) requireNullableBytes('encodeBatch', `records[${index}].value`, value);
  if (!Number.isSafeInteger(timestamp)) requireSafeInteger('encodeBatch', `records[${index}].timestamp`, timestamp);
  if (!Array.isArray(headers)) requireArray('encodeBatch', `records[${index}].headers`, headers);
  if (headers.length > 0) checkHeaders(headers, index);
}

/**
 * Throws the error for records[index], which a predicate above refused. Reading the record
 * again may see other values (a getter); it is refused either way.
 */
export function throwInvalidRecord(records: readonly unknown[], index: number): never {
  checkRecord(records[index], index);
  throw invalid(TypeError, 'encodeBatch', `records[${index}]`, 'a record whose fields keep their values', records[index]);
}
