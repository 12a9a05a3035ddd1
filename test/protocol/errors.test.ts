// The error code table: constants, lookup by code, and coverage of the codes the broker needs.
import { describe, expect, it } from 'vitest';
import { ErrorCode, allErrors, errorByCode } from '../../src/protocol/errors.js';

describe('Kafka error codes', () => {
  it('exposes constants by name', () => {
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1);
    expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3);
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35);
    expect(ErrorCode.MEMBER_ID_REQUIRED).toBe(79);
    expect(ErrorCode.TRANSACTION_ABORTABLE).toBe(120);
  });

  it('looks codes up with name, retriable flag and message', () => {
    expect(errorByCode(16)).toMatchObject({ code: 16, name: 'NOT_COORDINATOR', retriable: true });
    expect(errorByCode(27)).toMatchObject({ name: 'REBALANCE_IN_PROGRESS', retriable: false });
    expect(errorByCode(6)?.message).toMatch(/not the current leader/);
    expect(errorByCode(9999)).toBeUndefined();
  });

  it('has one entry per code, with no gaps from -1 to 120', () => {
    const codes = allErrors().map((e) => e.code);
    expect(codes).toEqual(Array.from({ length: 122 }, (_, i) => i - 1));
    expect(new Set(allErrors().map((e) => e.name)).size).toBe(codes.length);
  });

  it('covers every code NOTES.md §10 and the group coordinator (§7.2) use', () => {
    const needed = [
      0, 1, 2, 3, 5, 6, 7, 10, 12, 14, 15, 16, 17, 19, 22, 23, 24, 25, 26, 27, 28, 29, 30, 32, 33, 34, 35, 36, 37, 38,
      40, 41, 42, 45, 46, 47, 48, 49, 50, 51, 53, 58, 59, 68, 69, 70, 71, 74, 75, 76, 79, 81, 82, 86, 87, 88, 90, 100,
      110, 111, 112, 120, -1,
    ];
    expect(needed.filter((code) => errorByCode(code) === undefined)).toEqual([]);
  });
});
