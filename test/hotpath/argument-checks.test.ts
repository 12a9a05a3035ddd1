import { describe, expect, it } from 'vitest';
import { INVALID_ARGUMENT, type HotPath, type RawBatchHeader, type RawRecord } from '../../src/hotpath/index.js';
import { forEachBackend } from '../helpers/backends.js';

const HEADER: RawBatchHeader = { baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, baseTimestamp: 0, producerId: -1, producerEpoch: -1, baseSequence: -1 };
const RECORD: RawRecord = { key: null, value: Buffer.from('v'), headers: [], timestamp: 0 };
const OUT = new Float64Array(8);

// The checks are about arguments the type system would reject, or values it cannot express,
// so the bad calls go through an untyped view of the hot path.
type Untyped = Record<keyof Omit<HotPath, 'backend'>, (...args: unknown[]) => unknown>;

interface BadCall {
  what: string;
  call: (hp: Untyped) => unknown;
  argument: string;
  errorType: typeof TypeError | typeof RangeError;
}

const bad = (what: string, argument: string, errorType: BadCall['errorType'], call: BadCall['call']): BadCall => ({ what, call, argument, errorType });
const header = (fields: Record<string, unknown>): unknown => ({ ...HEADER, ...fields });
const recordWith = (fields: Record<string, unknown>): unknown => [{ ...RECORD, ...fields }];

const SYNC_CALLS: BadCall[] = [
  bad('crc32c of a string', 'data', TypeError, (hp) => hp.crc32c('abc', 0)),
  bad('crc32c of an ArrayBuffer', 'data', TypeError, (hp) => hp.crc32c(new ArrayBuffer(4), 0)),
  bad('crc32c with a negative init', 'init', RangeError, (hp) => hp.crc32c(Buffer.alloc(1), -1)),
  bad('crc32c with init above uint32', 'init', RangeError, (hp) => hp.crc32c(Buffer.alloc(1), 2 ** 32)),
  bad('crc32c with a fractional init', 'init', RangeError, (hp) => hp.crc32c(Buffer.alloc(1), 1.5)),
  bad('crc32c with a missing init', 'init', TypeError, (hp) => hp.crc32c(Buffer.alloc(1))),

  bad('validateBatches of an array', 'buf', TypeError, (hp) => hp.validateBatches([1, 2], -1, -1, -1, OUT)),
  bad('validateBatches with NaN assignFrom', 'assignFrom', RangeError, (hp) => hp.validateBatches(Buffer.alloc(0), NaN, -1, -1, OUT)),
  bad('validateBatches with an unsafe assignFrom', 'assignFrom', RangeError, (hp) => hp.validateBatches(Buffer.alloc(0), 2 ** 53, -1, -1, OUT)),
  bad('validateBatches with a bigint assignFrom', 'assignFrom', TypeError, (hp) => hp.validateBatches(Buffer.alloc(0), 5n, -1, -1, OUT)),
  bad('validateBatches with an int64 leaderEpoch', 'leaderEpoch', RangeError, (hp) => hp.validateBatches(Buffer.alloc(0), -1, 2 ** 31, -1, OUT)),
  bad('validateBatches with a fractional logAppendTime', 'logAppendTime', RangeError, (hp) => hp.validateBatches(Buffer.alloc(0), -1, -1, 1.5, OUT)),
  bad('validateBatches with a missing logAppendTime', 'logAppendTime', TypeError, (hp) => hp.validateBatches(Buffer.alloc(0), -1, -1, OUT)),
  bad('validateBatches with a short out', 'out', RangeError, (hp) => hp.validateBatches(Buffer.alloc(0), -1, -1, -1, new Float64Array(7))),
  bad('validateBatches with an Int32Array out', 'out', TypeError, (hp) => hp.validateBatches(Buffer.alloc(0), -1, -1, -1, new Int32Array(8))),

  bad('encodeBatch of no records', 'records', RangeError, (hp) => hp.encodeBatch([], HEADER)),
  bad('encodeBatch of a non-array', 'records', TypeError, (hp) => hp.encodeBatch(RECORD, HEADER)),
  bad('encodeBatch of a null record', 'records[0]', TypeError, (hp) => hp.encodeBatch([null], HEADER)),
  bad('encodeBatch of a string key', 'records[0].key', TypeError, (hp) => hp.encodeBatch(recordWith({ key: 'k' }), HEADER)),
  bad('encodeBatch of an undefined value', 'records[0].value', TypeError, (hp) => hp.encodeBatch(recordWith({ value: undefined }), HEADER)),
  bad('encodeBatch of a fractional timestamp', 'records[0].timestamp', RangeError, (hp) => hp.encodeBatch(recordWith({ timestamp: 1.5 }), HEADER)),
  bad('encodeBatch of an unsafe timestamp', 'records[0].timestamp', RangeError, (hp) => hp.encodeBatch(recordWith({ timestamp: 2 ** 60 }), HEADER)),
  bad('encodeBatch of missing headers', 'records[0].headers', TypeError, (hp) => hp.encodeBatch(recordWith({ headers: undefined }), HEADER)),
  bad('encodeBatch of a numeric header key', 'records[0].headers[0].key', TypeError, (hp) => hp.encodeBatch(recordWith({ headers: [{ key: 1, value: null }] }), HEADER)),
  bad('encodeBatch of a string header value', 'records[0].headers[1].value', TypeError, (hp) =>
    hp.encodeBatch(recordWith({ headers: [{ key: 'a', value: null }, { key: 'b', value: 'x' }] }), HEADER)),
  bad('encodeBatch of a null header', 'records[0].headers[0]', TypeError, (hp) => hp.encodeBatch(recordWith({ headers: [null] }), HEADER)),
  // Past the native packer's 64 KiB scratch: the records it sizes to grow the scratch are checked there.
  bad('encodeBatch of a bad record after 64 KiB of values', 'records[100].value', TypeError, (hp) =>
    hp.encodeBatch([...Array.from({ length: 100 }, () => ({ ...RECORD, value: Buffer.alloc(1024) })), { ...RECORD, value: 'x'.repeat(4096) }], HEADER)),
  bad('encodeBatch of a bad second record', 'records[1].timestamp', TypeError, (hp) => hp.encodeBatch([RECORD, { ...RECORD, timestamp: '0' }], HEADER)),
  bad('encodeBatch without a header', 'header', TypeError, (hp) => hp.encodeBatch([RECORD], undefined)),
  bad('encodeBatch with a compressed codec', 'header.attributes', RangeError, (hp) => hp.encodeBatch([RECORD], header({ attributes: 1 }))),
  bad('encodeBatch with attributes beyond int16', 'header.attributes', RangeError, (hp) => hp.encodeBatch([RECORD], header({ attributes: 0x8000 }))),
  bad('encodeBatch with an unsafe baseOffset', 'header.baseOffset', RangeError, (hp) => hp.encodeBatch([RECORD], header({ baseOffset: 2 ** 63 }))),
  bad('encodeBatch with an int64 leader epoch', 'header.partitionLeaderEpoch', RangeError, (hp) => hp.encodeBatch([RECORD], header({ partitionLeaderEpoch: 2 ** 31 }))),
  bad('encodeBatch with a missing baseTimestamp', 'header.baseTimestamp', TypeError, (hp) => hp.encodeBatch([RECORD], header({ baseTimestamp: undefined }))),
  bad('encodeBatch with a fractional producerId', 'header.producerId', RangeError, (hp) => hp.encodeBatch([RECORD], header({ producerId: 0.5 }))),
  bad('encodeBatch with an int32 producerEpoch', 'header.producerEpoch', RangeError, (hp) => hp.encodeBatch([RECORD], header({ producerEpoch: 40_000 }))),
  bad('encodeBatch with an int64 baseSequence', 'header.baseSequence', RangeError, (hp) => hp.encodeBatch([RECORD], header({ baseSequence: -(2 ** 31) - 1 }))),

  bad('lookupOffsetIndex of a string', 'index', TypeError, (hp) => hp.lookupOffsetIndex('index', 0, 0)),
  bad('lookupOffsetIndex with negative entries', 'entries', RangeError, (hp) => hp.lookupOffsetIndex(Buffer.alloc(8), -1, 0)),
  bad('lookupOffsetIndex with entries past the buffer', 'entries', RangeError, (hp) => hp.lookupOffsetIndex(Buffer.alloc(15), 2, 0)),
  bad('lookupOffsetIndex with an int64 target', 'targetRelativeOffset', RangeError, (hp) => hp.lookupOffsetIndex(Buffer.alloc(8), 1, 2 ** 31)),
  bad('lookupOffsetIndex with NaN target', 'targetRelativeOffset', RangeError, (hp) => hp.lookupOffsetIndex(Buffer.alloc(8), 1, NaN)),
  bad('lookupTimeIndex with entries past the buffer', 'entries', RangeError, (hp) => hp.lookupTimeIndex(Buffer.alloc(23), 2, 0)),
  bad('lookupTimeIndex with fractional entries', 'entries', RangeError, (hp) => hp.lookupTimeIndex(Buffer.alloc(24), 1.5, 0)),
  bad('lookupTimeIndex with an unsafe target', 'targetTimestamp', RangeError, (hp) => hp.lookupTimeIndex(Buffer.alloc(12), 1, -(2 ** 60))),
  bad('lookupTimeIndex with a string target', 'targetTimestamp', TypeError, (hp) => hp.lookupTimeIndex(Buffer.alloc(12), 1, '5')),
];

const ASYNC_CALLS: BadCall[] = [
  bad('appendFile with a negative fd', 'fd', RangeError, (hp) => hp.appendFile(-1, 0, [], false)),
  bad('appendFile with a string fd', 'fd', TypeError, (hp) => hp.appendFile('3', 0, [], false)),
  bad('appendFile with a negative position', 'position', RangeError, (hp) => hp.appendFile(3, -1, [], false)),
  bad('appendFile with an unsafe position', 'position', RangeError, (hp) => hp.appendFile(3, 2 ** 53, [], false)),
  bad('appendFile with a buffer instead of a list', 'buffers', TypeError, (hp) => hp.appendFile(3, 0, Buffer.alloc(1), false)),
  bad('appendFile with a string in the list', 'buffers[1]', TypeError, (hp) => hp.appendFile(3, 0, [Buffer.alloc(1), 'x'], false)),
  bad('appendFile with a numeric sync flag', 'sync', TypeError, (hp) => hp.appendFile(3, 0, [], 1)),
];

function expectInvalidArgument(error: unknown, expected: BadCall): void {
  expect(error).toBeInstanceOf(expected.errorType);
  expect(error).toMatchObject({ code: INVALID_ARGUMENT });
  expect((error as Error).message).toContain(`${expected.argument} must be`);
}

describe.each(forEachBackend)('argument checks (%s)', (_name, hp) => {
  const untyped = hp as unknown as Untyped;

  it.each(SYNC_CALLS.map((c) => [c.what, c] as const))('rejects %s', (_what, badCall) => {
    let thrown: unknown;
    try {
      badCall.call(untyped);
    } catch (error) {
      thrown = error;
    }
    expectInvalidArgument(thrown, badCall);
  });

  it.each(ASYNC_CALLS.map((c) => [c.what, c] as const))('rejects %s as a rejected promise', async (_what, badCall) => {
    const result = badCall.call(untyped);
    expect(result).toBeInstanceOf(Promise);
    expectInvalidArgument(await (result as Promise<void>).catch((error: unknown) => error), badCall);
  });

  it('accepts the edges of every range', () => {
    expect(hp.crc32c(Buffer.alloc(0), 0xffffffff)).toBe(0xffffffff);
    expect(hp.validateBatches(Buffer.alloc(0), Number.MAX_SAFE_INTEGER, 0x7fffffff, Number.MAX_SAFE_INTEGER, new Float64Array(9))).toBe(0);
    const extremes = hp.encodeBatch([{ ...RECORD, timestamp: Number.MIN_SAFE_INTEGER, headers: [{ key: '', value: null }] }], {
      baseOffset: Number.MAX_SAFE_INTEGER,
      partitionLeaderEpoch: -(2 ** 31),
      attributes: 0x7ff8,
      baseTimestamp: Number.MAX_SAFE_INTEGER,
      producerId: Number.MIN_SAFE_INTEGER,
      producerEpoch: -32768,
      baseSequence: 0x7fffffff,
    });
    expect(extremes.readBigInt64BE(0)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    expect(hp.lookupOffsetIndex(Buffer.alloc(16), 2, -(2 ** 31))).toBe(-1);
    expect(hp.lookupTimeIndex(Buffer.alloc(24), 2, Number.MIN_SAFE_INTEGER)).toBe(-1);
  });
});
