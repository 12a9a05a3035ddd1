// The encoder refuses what cannot become a valid batch, with an error that says what is wrong.
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { encodeRecordBatch, InvalidRecordError, type EncodeOptions, type ProducerRecord } from '../../src/records/encode.js';

const T0 = 1_700_000_000_000;
const hp = backends[backends.length - 1];

/** Runs the encoder on input the types would refuse, as JavaScript callers can. */
function encodeUntyped(records: unknown, options: unknown = {}): Buffer {
  return encodeRecordBatch(records as ProducerRecord[], options as EncodeOptions, hp);
}

function expectInvalid(run: () => unknown, message: RegExp): void {
  expect(run).toThrow(InvalidRecordError);
  expect(run).toThrow(message);
  try {
    run();
  } catch (error) {
    expect((error as { code?: string }).code).toBe('ERR_SLUICE_INVALID_RECORD');
  }
}

describe('encodeRecordBatch input checks', () => {
  it('refuses an empty record list and non-arrays', () => {
    expectInvalid(() => encodeUntyped([]), /at least one record/);
    expectInvalid(() => encodeUntyped('records'), /at least one record/);
  });

  it('refuses records that are not objects', () => {
    expectInvalid(() => encodeUntyped([null]), /record 0 must be an object/);
    expectInvalid(() => encodeUntyped([{ value: 'ok' }, 42]), /record 1 must be an object/);
  });

  it('refuses a missing value and keys or values of the wrong type', () => {
    expectInvalid(() => encodeUntyped([{ key: 'k' }]), /record 0: value is missing/);
    expectInvalid(() => encodeUntyped([{ value: 12 }]), /record 0: value must be a string, a Uint8Array or null, not 12/);
    expectInvalid(() => encodeUntyped([{ value: 'v', key: { id: 1 } }]), /record 0: key must be .* not Object/);
  });

  it('refuses timestamps that are not non-negative safe integers', () => {
    for (const timestamp of [-1, 1.5, Number.NaN, 2 ** 60, '1700000000000']) {
      expectInvalid(() => encodeUntyped([{ value: 'v', timestamp }]), /record 0: timestamp must be a non-negative integer/);
    }
  });

  it('refuses malformed headers', () => {
    expectInvalid(() => encodeUntyped([{ value: 'v', headers: 'a=b' }]), /headers must be an object or an array/);
    expectInvalid(() => encodeUntyped([{ value: 'v', headers: [{ key: 1, value: 'x' }] }]), /header 0 must be \{ key: string, value \}/);
    expectInvalid(() => encodeUntyped([{ value: 'v', headers: { a: undefined } }]), /header 0 \(a\) has no value/);
    expectInvalid(() => encodeUntyped([{ value: 'v', headers: { a: 5 } }]), /header 0 \(a\) value must be a string/);
  });

  it('refuses header fields out of their wire ranges', () => {
    const one = [{ value: 'v', timestamp: T0 }];
    expectInvalid(() => encodeUntyped(one, { baseOffset: -1 }), /baseOffset must be an integer/);
    expectInvalid(() => encodeUntyped(one, { partitionLeaderEpoch: 2 ** 31 }), /partitionLeaderEpoch/);
    expectInvalid(() => encodeUntyped(one, { producerId: -2 }), /producerId/);
    expectInvalid(() => encodeUntyped(one, { producerEpoch: 40000 }), /producerEpoch/);
    expectInvalid(() => encodeUntyped(one, { baseSequence: 0.5 }), /baseSequence/);
    expectInvalid(() => encodeUntyped(one, { timestampType: 'now' }), /timestampType must be 'create' or 'log-append'/);
    expectInvalid(() => encodeUntyped(one, { transactional: 'yes' }), /transactional must be a boolean/);
  });

  it('refuses names that are not Kafka codecs with ERR_SLUICE_UNSUPPORTED_COMPRESSION', () => {
    for (const compression of ['brotli', 'lzma', 'GZIP', 'codec-5']) {
      expect(() => encodeUntyped([{ value: 'v' }], { compression })).toThrow(
        expect.objectContaining({ code: 'ERR_SLUICE_UNSUPPORTED_COMPRESSION', message: expect.stringContaining(`'${compression}'`) }),
      );
    }
  });
});
