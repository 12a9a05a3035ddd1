// Framing: header versions per API version (with the ApiVersions exception), request parsing,
// refusal of APIs/versions we do not serve, response frames in one buffer, and the ApiVersions
// answers (the advertised table and the v0-layout UNSUPPORTED_VERSION fallback).
import { describe, expect, it } from 'vitest';
import { apiVersionsResponse, needsApiVersionsFallback, unsupportedApiVersionsResponseFrame } from '../../src/protocol/api-versions.js';
import {
  decodeRequestBody, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame, readRequestFrame,
  requestHeaderVersion, responseHeaderVersion,
} from '../../src/protocol/frame.js';
import { ApiKey, defaultHeartbeatRequest } from '../../src/protocol/generated/index.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { SUPPORTED_APIS } from '../../src/protocol/supported-apis.js';

describe('header versions (NOTES.md §3.1)', () => {
  it('uses request header v2 exactly for flexible API versions', () => {
    expect(requestHeaderVersion(ApiKey.ApiVersions, 3)).toBe(2);
    expect(requestHeaderVersion(ApiKey.ApiVersions, 2)).toBe(1);
    expect(requestHeaderVersion(ApiKey.Produce, 9)).toBe(2);
    expect(requestHeaderVersion(ApiKey.Produce, 8)).toBe(1);
    expect(requestHeaderVersion(ApiKey.DescribeCluster, 0)).toBe(2);
    expect(requestHeaderVersion(ApiKey.SaslHandshake, 1)).toBe(1);
    expect(requestHeaderVersion(99, 0)).toBe(1);
  });

  it('uses response header v1 for flexible versions, except ApiVersions which is always v0', () => {
    expect(responseHeaderVersion(ApiKey.ApiVersions, 3)).toBe(0);
    expect(responseHeaderVersion(ApiKey.ApiVersions, 4)).toBe(0);
    expect(responseHeaderVersion(ApiKey.Fetch, 12)).toBe(1);
    expect(responseHeaderVersion(ApiKey.Fetch, 11)).toBe(0);
    expect(responseHeaderVersion(ApiKey.OffsetDelete, 0)).toBe(0);
  });
});

describe('request frames', () => {
  const heartbeat = { ...defaultHeartbeatRequest(), groupId: 'g', generationId: 3, memberId: 'm' };

  it('parses header and body of a frame it built, for classic and flexible versions', () => {
    for (const version of [3, 4]) {
      const frame = encodeRequestFrame(ApiKey.Heartbeat, version, 77, 'client', heartbeat);
      expect(frame.readInt32BE(0)).toBe(frame.length - 4);
      const parsed = readRequestFrame(frame.subarray(4));
      expect(parsed.header).toEqual({ requestApiKey: 12, requestApiVersion: version, correlationId: 77, clientId: 'client' });
      expect(parsed.headerVersion).toBe(version === 4 ? 2 : 1);
      expect(decodeRequestBody(parsed)).toEqual({ apiKey: 12, apiVersion: version, body: heartbeat });
    }
  });

  it('still reads the header of an API it does not serve, then refuses the body', () => {
    const frame = Buffer.from('0044' + '0000' + '0000002a' + 'ffff' + '00', 'hex'); // ConsumerGroupHeartbeat v0 (flexible header), null client id
    const parsed = readRequestFrame(frame);
    expect(parsed.header).toMatchObject({ requestApiKey: 68, requestApiVersion: 0, correlationId: 42, clientId: null });
    expect(() => decodeRequestBody(parsed)).toThrow(expect.objectContaining({ kind: 'UNSUPPORTED_API' }));
  });

  it('refuses versions outside the supported range: Produce v0-2 even though v0 is advertised', () => {
    const frame = Buffer.from('0000' + '0002' + '00000001' + '0001' + '63', 'hex');
    expect(() => decodeRequestBody(readRequestFrame(frame))).toThrow(expect.objectContaining({ kind: 'UNSUPPORTED_VERSION' }));
    expect(() => encodeResponseFrame(ApiKey.Fetch, 18, 1, {} as never)).toThrow(ProtocolError);
  });

  it('throws a ProtocolError for a truncated header or body', () => {
    expect(() => readRequestFrame(Buffer.from('000c00', 'hex'))).toThrow(expect.objectContaining({ kind: 'TRUNCATED' }));
    const frame = encodeRequestFrame(ApiKey.Heartbeat, 3, 1, 'c', heartbeat);
    expect(() => decodeRequestBody(readRequestFrame(frame.subarray(4, frame.length - 2)))).toThrow(ProtocolError);
  });
});

describe('response frames', () => {
  it('builds size + header + body in one buffer and reads back', () => {
    const frame = encodeResponseFrame(ApiKey.Heartbeat, 4, 9, { throttleTimeMs: 0, errorCode: 25 });
    expect(frame.toString('hex')).toBe('0000000c' + '00000009' + '00' + '00000000' + '0019' + '00');
    expect(decodeResponseFrame(frame.subarray(4), ApiKey.Heartbeat, 4)).toEqual({ correlationId: 9, body: { throttleTimeMs: 0, errorCode: 25 } });
  });

  it('answers ApiVersions v3 with header v0 (no tag byte) and a flexible body', () => {
    const frame = encodeResponseFrame(ApiKey.ApiVersions, 3, 5, apiVersionsResponse());
    // size, correlation id, then directly the body's error code: no header tag section.
    expect(frame.subarray(4, 10).toString('hex')).toBe('00000005' + '0000');
    expect(frame[10]).toBe(SUPPORTED_APIS.length + 1); // compact array count
    expect(decodeResponseFrame(frame.subarray(4), ApiKey.ApiVersions, 3).body).toEqual(apiVersionsResponse());
  });
});

describe('ApiVersions answers', () => {
  it('advertises every supported API, Produce from v0, and the minimums librdkafka checks', () => {
    const ranges = new Map(apiVersionsResponse().apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect(ranges.size).toBe(SUPPORTED_APIS.length);
    expect(ranges.get(ApiKey.Produce)).toEqual([0, 11]);
    expect(ranges.get(ApiKey.Fetch)).toEqual([4, 17]);
    for (const key of [ApiKey.FindCoordinator, ApiKey.JoinGroup, ApiKey.SyncGroup, ApiKey.Heartbeat, ApiKey.LeaveGroup, ApiKey.SaslHandshake, ApiKey.InitProducerId]) {
      expect(ranges.get(key)?.[0]).toBe(0);
    }
    expect(ranges.get(ApiKey.OffsetFetch)?.[0]).toBe(1);
    expect(ranges.get(ApiKey.OffsetCommit)?.[0]).toBe(2);
    expect(ranges.get(ApiKey.ListOffsets)?.[0]).toBe(1);
  });

  it('falls back only for ApiVersions requests above our max', () => {
    expect(needsApiVersionsFallback(ApiKey.ApiVersions, 5)).toBe(true);
    expect(needsApiVersionsFallback(ApiKey.ApiVersions, 4)).toBe(false);
    expect(needsApiVersionsFallback(ApiKey.Metadata, 99)).toBe(false);
  });

  it('builds the v0-layout UNSUPPORTED_VERSION answer with our ApiVersions range', () => {
    const frame = unsupportedApiVersionsResponseFrame(0x01020304);
    // size 16, correlation id, error 35, one entry: key 18, min 0, max 4; no throttle, no tags.
    expect(frame.toString('hex')).toBe('00000010' + '01020304' + '0023' + '00000001' + '0012' + '0000' + '0004');
  });
});
