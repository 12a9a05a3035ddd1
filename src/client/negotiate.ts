// Version negotiation (NOTES.md §2): for each request the client uses the highest version both
// sides speak, i.e. the top of [our codec's range] ∩ [the range the broker advertised in
// ApiVersions], optionally narrowed further by the caller (Fetch stays ≤ 12 without topic ids).
import { API_CODECS, ApiKey, ErrorCode, type ApiVersionsResponse } from '../protocol/index.js';
import { KafkaClientError } from './errors.js';

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** What a broker advertised, by API key. */
export type BrokerVersions = ReadonlyMap<number, VersionRange>;

/** The ranges of an ApiVersions answer as a map. */
export function brokerVersionsFrom(response: Pick<ApiVersionsResponse, 'apiKeys'>): BrokerVersions {
  return new Map(response.apiKeys.map((entry) => [entry.apiKey, { min: entry.minVersion, max: entry.maxVersion }]));
}

/** The versions our codec can encode and decode for an API. */
export function clientRange(apiKey: ApiKey): VersionRange {
  const codec = API_CODECS[apiKey];
  return { min: codec.minVersion, max: codec.maxVersion };
}

/** The highest common version, or null when the ranges do not meet. */
export function highestCommonVersion(...ranges: VersionRange[]): number | null {
  const min = Math.max(...ranges.map((range) => range.min));
  const max = Math.min(...ranges.map((range) => range.max));
  return min <= max ? max : null;
}

/**
 * The version to send `apiKey` at. Throws UNSUPPORTED_VERSION (not retriable) when the broker
 * does not list the API or no version is common to it, our codec and the caller's limit.
 */
export function chooseVersion(apiKey: ApiKey, broker: BrokerVersions, limit?: Partial<VersionRange>): number {
  const ours = clientRange(apiKey);
  const theirs = broker.get(apiKey);
  const name = API_CODECS[apiKey].name;
  if (theirs === undefined) {
    throw new KafkaClientError(ErrorCode.UNSUPPORTED_VERSION, `the broker does not support ${name} (API key ${apiKey})`);
  }
  const wanted = { min: limit?.min ?? ours.min, max: limit?.max ?? ours.max };
  const version = highestCommonVersion(ours, theirs, wanted);
  if (version === null) {
    throw new KafkaClientError(
      ErrorCode.UNSUPPORTED_VERSION,
      `no common ${name} version: the client speaks ${describe(ours)}${limit ? ` (limited to ${describe(wanted)})` : ''}, the broker ${describe(theirs)}`,
    );
  }
  return version;
}

/** The ApiVersions version to retry at after the broker answered UNSUPPORTED_VERSION. */
export function apiVersionsRetryVersion(fallback: BrokerVersions, tried: number): number {
  const advertised = fallback.get(ApiKey.ApiVersions);
  const below = { min: 0, max: tried - 1 };
  return advertised === undefined ? 0 : highestCommonVersion(below, advertised, clientRange(ApiKey.ApiVersions)) ?? 0;
}

function describe(range: VersionRange): string {
  return range.min === range.max ? `v${range.min}` : `v${range.min}-${range.max}`;
}
