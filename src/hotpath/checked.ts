// Argument checks in front of a raw backend. The kernels (C++ and TypeScript alike) assume
// valid input; this wrapper is where bad input becomes a TypeError or RangeError with code
// ERR_SLUICE_INVALID_ARGUMENT naming the argument. Checks are O(arguments), never per byte.
// One exception: encodeBatch's kernels check each record themselves as they read it
// (record-checks.ts); the wrapper checks the list and the batch header.
import { constants } from 'node:buffer';
import {
  OFFSET_INDEX_ENTRY_BYTES,
  TIME_INDEX_ENTRY_BYTES,
  VALIDATE_RESULT_SLOTS,
  type HotPath,
  type RawBatchHeader,
  type RawRecord,
} from './types.js';
import { invalid, requireArray, requireBytes, requireInteger, requireObject, requireSafeInteger } from './invalid-argument.js';

export { INVALID_ARGUMENT, type InvalidArgumentError } from './invalid-argument.js';

const INT16_MIN = -0x8000;
const INT16_MAX = 0x7fff;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;
const COMPRESSION_BITS = 0x07;
const MAX_BUFFER_LENGTH = constants.MAX_LENGTH;

function requireInt16(method: string, argument: string, value: unknown): void {
  requireInteger(method, argument, value, INT16_MIN, INT16_MAX, 'an int16');
}

function requireInt32(method: string, argument: string, value: unknown): void {
  requireInteger(method, argument, value, INT32_MIN, INT32_MAX, 'an int32');
}

function checkBatchHeader(header: unknown): void {
  requireObject('encodeBatch', 'header', header);
  const fields = header as RawBatchHeader;
  requireSafeInteger('encodeBatch', 'header.baseOffset', fields.baseOffset);
  requireInt32('encodeBatch', 'header.partitionLeaderEpoch', fields.partitionLeaderEpoch);
  requireInt16('encodeBatch', 'header.attributes', fields.attributes);
  if ((fields.attributes & COMPRESSION_BITS) !== 0) {
    throw invalid(RangeError, 'encodeBatch', 'header.attributes', 'uncompressed (codec bits 0)', fields.attributes);
  }
  requireSafeInteger('encodeBatch', 'header.baseTimestamp', fields.baseTimestamp);
  requireSafeInteger('encodeBatch', 'header.producerId', fields.producerId);
  requireInt16('encodeBatch', 'header.producerEpoch', fields.producerEpoch);
  requireInt32('encodeBatch', 'header.baseSequence', fields.baseSequence);
}

function checkEncodeArguments(records: unknown, header: unknown): void {
  requireArray('encodeBatch', 'records', records);
  const list = records as readonly unknown[];
  if (list.length === 0 || list.length > INT32_MAX) throw invalid(RangeError, 'encodeBatch', 'records', 'a non-empty array', records);
  checkBatchHeader(header);
}

function checkValidateArguments(buf: unknown, assignFrom: unknown, leaderEpoch: unknown, logAppendTime: unknown, out: unknown): void {
  requireBytes('validateBatches', 'buf', buf);
  requireSafeInteger('validateBatches', 'assignFrom', assignFrom);
  requireInt32('validateBatches', 'leaderEpoch', leaderEpoch);
  requireSafeInteger('validateBatches', 'logAppendTime', logAppendTime);
  if (!(out instanceof Float64Array)) throw invalid(TypeError, 'validateBatches', 'out', 'a Float64Array', out);
  if (out.length < VALIDATE_RESULT_SLOTS) throw invalid(RangeError, 'validateBatches', 'out', `at least ${VALIDATE_RESULT_SLOTS} slots long`, out.length);
}

function checkAppendArguments(fd: unknown, position: unknown, buffers: unknown, sync: unknown): void {
  requireInteger('appendFile', 'fd', fd, 0, INT32_MAX, 'a non-negative int32 file descriptor');
  requireInteger('appendFile', 'position', position, 0, Number.MAX_SAFE_INTEGER, 'a non-negative safe integer');
  requireArray('appendFile', 'buffers', buffers);
  const list = buffers as readonly unknown[];
  for (let i = 0; i < list.length; i++) {
    if (!(list[i] instanceof Uint8Array)) requireBytes('appendFile', `buffers[${i}]`, list[i]);
  }
  if (typeof sync !== 'boolean') throw invalid(TypeError, 'appendFile', 'sync', 'a boolean', sync);
}

function checkIndexArguments(method: string, index: unknown, entries: unknown, entryBytes: number): void {
  requireBytes(method, 'index', index);
  requireInteger(method, 'entries', entries, 0, INT32_MAX, 'a non-negative int32');
  const capacity = Math.floor((index as Uint8Array).byteLength / entryBytes);
  if ((entries as number) > capacity) throw invalid(RangeError, method, 'entries', `at most ${capacity} (index bytes / ${entryBytes})`, entries);
}

/** Wraps a raw backend so every call checks its arguments first. */
export function withArgumentChecks(impl: HotPath): HotPath {
  return Object.freeze({
    backend: impl.backend,
    crc32c(data: Uint8Array, init: number): number {
      requireBytes('crc32c', 'data', data);
      requireInteger('crc32c', 'init', init, 0, UINT32_MAX, 'a uint32');
      return impl.crc32c(data, init);
    },
    validateBatches(buf: Uint8Array, assignFrom: number, leaderEpoch: number, logAppendTime: number, out: Float64Array): number {
      checkValidateArguments(buf, assignFrom, leaderEpoch, logAppendTime, out);
      return impl.validateBatches(buf, assignFrom, leaderEpoch, logAppendTime, out);
    },
    encodeBatch(records: readonly RawRecord[], header: RawBatchHeader): Buffer {
      checkEncodeArguments(records, header);
      return impl.encodeBatch(records, header);
    },
    appendFile(fd: number, position: number, buffers: readonly Uint8Array[], sync: boolean): Promise<void> {
      // A promise-returning call reports bad input as a rejection, never a synchronous throw.
      try {
        checkAppendArguments(fd, position, buffers, sync);
      } catch (error) {
        return Promise.reject(error);
      }
      return impl.appendFile(fd, position, buffers, sync);
    },
    lookupOffsetIndex(index: Uint8Array, entries: number, targetRelativeOffset: number): number {
      checkIndexArguments('lookupOffsetIndex', index, entries, OFFSET_INDEX_ENTRY_BYTES);
      requireInt32('lookupOffsetIndex', 'targetRelativeOffset', targetRelativeOffset);
      return impl.lookupOffsetIndex(index, entries, targetRelativeOffset);
    },
    lookupTimeIndex(index: Uint8Array, entries: number, targetTimestamp: number): number {
      checkIndexArguments('lookupTimeIndex', index, entries, TIME_INDEX_ENTRY_BYTES);
      requireSafeInteger('lookupTimeIndex', 'targetTimestamp', targetTimestamp);
      return impl.lookupTimeIndex(index, entries, targetTimestamp);
    },
    allocateReceiveBuffer(length: number): Buffer {
      requireInteger('allocateReceiveBuffer', 'length', length, 0, MAX_BUFFER_LENGTH, 'a length a Buffer can have');
      return impl.allocateReceiveBuffer(length);
    },
  });
}
