import { describe, expect, it } from 'vitest';
import { apiVersionsRetryVersion, brokerVersionsFrom, chooseVersion, highestCommonVersion } from '../../src/client/negotiate.js';
import { KafkaClientError } from '../../src/client/errors.js';
import { ApiKey, ErrorCode, advertisedApiVersions } from '../../src/protocol/index.js';

const ours = brokerVersionsFrom({ apiKeys: advertisedApiVersions() });

describe('version negotiation', () => {
  it('takes the top of the intersection of both ranges', () => {
    expect(highestCommonVersion({ min: 0, max: 11 }, { min: 3, max: 7 })).toBe(7);
    expect(highestCommonVersion({ min: 4, max: 17 }, { min: 0, max: 11 }, { min: 0, max: 12 })).toBe(11);
    expect(highestCommonVersion({ min: 0, max: 2 }, { min: 3, max: 7 })).toBeNull();
  });

  it('uses our newest versions against a broker advertising our own table', () => {
    expect(chooseVersion(ApiKey.Produce, ours)).toBe(11);
    expect(chooseVersion(ApiKey.Fetch, ours)).toBe(17);
    expect(chooseVersion(ApiKey.Metadata, ours)).toBe(12);
  });

  it('stays within the broker range of an older broker', () => {
    const old = new Map([[ApiKey.Fetch, { min: 0, max: 11 }], [ApiKey.Produce, { min: 0, max: 7 }]]);
    expect(chooseVersion(ApiKey.Fetch, old)).toBe(11);
    expect(chooseVersion(ApiKey.Produce, old)).toBe(7);
  });

  it('applies a caller limit (Fetch without topic ids stays at 12)', () => {
    expect(chooseVersion(ApiKey.Fetch, ours, { max: 12 })).toBe(12);
  });

  it('fails with UNSUPPORTED_VERSION when the API is missing or nothing overlaps', () => {
    const noFetch = new Map([[ApiKey.Produce, { min: 0, max: 7 }]]);
    const tooOld = new Map([[ApiKey.Produce, { min: 0, max: 2 }]]);
    for (const [key, versions] of [[ApiKey.Fetch, noFetch], [ApiKey.Produce, tooOld]] as const) {
      try {
        chooseVersion(key, versions);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(KafkaClientError);
        expect((error as KafkaClientError).code).toBe(ErrorCode.UNSUPPORTED_VERSION);
        expect((error as KafkaClientError).retriable).toBe(false);
      }
    }
  });

  it('retries ApiVersions below the version tried, within what the fallback advertised', () => {
    expect(apiVersionsRetryVersion(new Map([[ApiKey.ApiVersions, { min: 0, max: 2 }]]), 3)).toBe(2);
    expect(apiVersionsRetryVersion(new Map(), 3)).toBe(0);
    expect(apiVersionsRetryVersion(new Map([[ApiKey.ApiVersions, { min: 0, max: 4 }]]), 1)).toBe(0);
  });
});
