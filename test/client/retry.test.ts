import { describe, expect, it } from 'vitest';
import { KafkaClientError, networkError } from '../../src/client/errors.js';
import { DEFAULT_RETRY, backoffDelay, resolveRetryOptions, withRetry } from '../../src/client/retry.js';
import { ErrorCode } from '../../src/protocol/index.js';

const noSleep = { sleep: async () => undefined };

describe('backoff', () => {
  it('has kafkajs defaults', () => {
    expect(DEFAULT_RETRY).toMatchObject({ initialRetryTime: 100, maxRetryTime: 30_000, retries: 5 });
  });

  it('draws uniformly between 0 and an exponentially growing cap (full jitter)', () => {
    const almostOne = () => 0.999999;
    expect(backoffDelay(0, DEFAULT_RETRY, () => 0)).toBe(0);
    expect(backoffDelay(0, DEFAULT_RETRY, almostOne)).toBe(99);
    expect(backoffDelay(3, DEFAULT_RETRY, almostOne)).toBe(799);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0.5)).toBe(400);
  });

  it('never exceeds maxRetryTime', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      expect(backoffDelay(attempt, DEFAULT_RETRY, () => 0.999999)).toBeLessThan(30_000);
    }
    expect(backoffDelay(20, DEFAULT_RETRY, () => 0.5)).toBe(15_000);
  });

  it('rejects negative settings', () => {
    expect(() => resolveRetryOptions({ retries: -1 })).toThrow(RangeError);
  });
});

describe('withRetry', () => {
  it('retries retriable errors until the operation succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 3) throw networkError('down');
        return 'ok';
      },
      DEFAULT_RETRY,
      { sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([50, 100]);
  });

  it('gives up after `retries` retries with the last error', async () => {
    let calls = 0;
    const failing = withRetry(async () => {
      calls++;
      throw networkError(`attempt ${calls}`);
    }, resolveRetryOptions({ retries: 2 }), noSleep);
    await expect(failing).rejects.toThrow('attempt 3');
    expect(calls).toBe(3);
  });

  it('does not retry errors that are not retriable', async () => {
    let calls = 0;
    const failing = withRetry(async () => {
      calls++;
      throw new KafkaClientError(ErrorCode.TOPIC_ALREADY_EXISTS, 'exists');
    }, DEFAULT_RETRY, noSleep);
    await expect(failing).rejects.toMatchObject({ type: 'TOPIC_ALREADY_EXISTS', retriable: false });
    expect(calls).toBe(1);
  });

  it('runs beforeRetry between attempts', async () => {
    const seen: number[] = [];
    let calls = 0;
    await withRetry(async () => {
      if (++calls < 3) throw networkError('down');
    }, DEFAULT_RETRY, { ...noSleep, beforeRetry: (_error, attempt) => void seen.push(attempt) });
    expect(seen).toEqual([0, 1]);
  });
});
