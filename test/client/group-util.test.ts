import { describe, expect, it } from 'vitest';
import { generationVerdict } from '../../src/client/group-util.js';
import { ErrorCode } from '../../src/protocol/index.js';

describe('generationVerdict', () => {
  it('reads the codes that end or keep a generation, and leaves the rest to the caller', () => {
    expect(generationVerdict(ErrorCode.NONE)).toBe('current');
    expect(generationVerdict(ErrorCode.REBALANCE_IN_PROGRESS)).toBe('rejoin');
    expect(generationVerdict(ErrorCode.ILLEGAL_GENERATION)).toBe('lost');
    expect(generationVerdict(ErrorCode.UNKNOWN_MEMBER_ID)).toBe('unknown-member');
    expect(generationVerdict(ErrorCode.FENCED_INSTANCE_ID)).toBeNull();
    expect(generationVerdict(ErrorCode.COORDINATOR_NOT_AVAILABLE)).toBeNull();
  });
});
