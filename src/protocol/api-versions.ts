// ApiVersions answers (NOTES.md §1b.1, §3.1): the normal response advertising supported-apis.ts,
// and the one Kafka sends to an ApiVersions request newer than it knows: a v0 body with
// UNSUPPORTED_VERSION and our own ApiVersions range, so the client retries at a version we have.
import { ErrorCode } from './errors.js';
import { encodeResponseFrame } from './frame.js';
import { ApiKey, defaultApiVersionsResponse, type ApiVersionsResponse } from './generated/index.js';
import { SUPPORTED_APIS, advertisedApiVersions } from './supported-apis.js';

/** The ApiVersions response body listing every API we serve (valid for every version 0-4). */
export function apiVersionsResponse(): ApiVersionsResponse {
  return { ...defaultApiVersionsResponse(), errorCode: ErrorCode.NONE, apiKeys: advertisedApiVersions() };
}

/** True when an ApiVersions request must get the UNSUPPORTED_VERSION fallback instead of a normal answer. */
export function needsApiVersionsFallback(apiKey: number, apiVersion: number): boolean {
  return apiKey === ApiKey.ApiVersions && apiVersion > apiVersionsRange().maxVersion;
}

/**
 * The whole response frame for an ApiVersions request above our max: v0 layout (no throttle
 * time, no tagged fields, header v0) with error 35 and just the ApiVersions range, as Kafka does.
 */
export function unsupportedApiVersionsResponseFrame(correlationId: number): Buffer {
  const range = apiVersionsRange();
  const body: ApiVersionsResponse = {
    ...defaultApiVersionsResponse(),
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: range.minVersion, maxVersion: range.maxVersion }],
  };
  return encodeResponseFrame(ApiKey.ApiVersions, 0, correlationId, body);
}

function apiVersionsRange(): { minVersion: number; maxVersion: number } {
  const api = SUPPORTED_APIS.find((a) => a.apiKey === ApiKey.ApiVersions);
  if (api === undefined) throw new Error('supported-apis.ts must list ApiVersions');
  return api;
}
