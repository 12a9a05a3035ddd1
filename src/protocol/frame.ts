// Request/response framing (NOTES.md §3.1): which header version goes with which API version,
// parsing a request frame into header + body, and building a response frame (4-byte size +
// response header + body) in one buffer sized up front.
import { isFlexible, type AnyApiCodec } from './api-codec.js';
import {
  API_CODEC_LIST,
  ApiKey,
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  sizeRequestHeader,
  sizeResponseHeader,
  type ApiMessages,
  type RequestHeader,
} from './generated/index.js';
import { ProtocolError } from './protocol-error.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/** Bytes of the size prefix in front of every frame. */
export const FRAME_SIZE_BYTES = 4;

/**
 * Records fields (record batches) this long or longer go to the socket as pieces of their own
 * after the frame's own bytes (see encodeResponseFramePieces); shorter ones cost less to copy
 * than to write separately. Broker and client both use it.
 */
export const SPLICE_RECORDS_FROM = 8 * 1024;

const CODEC_BY_KEY: (AnyApiCodec | undefined)[] = [];
for (const codec of API_CODEC_LIST) CODEC_BY_KEY[codec.apiKey] = codec;

/** The codec entry for an API key, or undefined when we do not serve that API. */
export function apiCodec(apiKey: number): AnyApiCodec | undefined {
  return CODEC_BY_KEY[apiKey];
}

export function isSupportedVersion(apiKey: number, apiVersion: number): boolean {
  const codec = apiCodec(apiKey);
  return codec !== undefined && apiVersion >= codec.minVersion && apiVersion <= codec.maxVersion;
}

/** Request header v2 for flexible API versions, else v1. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 1 | 2 {
  const codec = apiCodec(apiKey);
  return codec !== undefined && isFlexible(codec, apiVersion) ? 2 : 1;
}

/**
 * Response header v1 for flexible API versions, else v0; ApiVersions responses always use v0,
 * because a client parses them before it knows which versions the broker speaks.
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === ApiKey.ApiVersions) return 0;
  const codec = apiCodec(apiKey);
  return codec !== undefined && isFlexible(codec, apiVersion) ? 1 : 0;
}

export interface RequestFrame {
  header: RequestHeader;
  headerVersion: 1 | 2;
  /** Reader positioned at the first byte of the body, bounded by the frame. */
  body: Reader;
}

/**
 * Parses the header of a request frame (the bytes after the 4-byte size). Works for any API
 * key, so the caller can still read the correlation id of a request it will refuse; for an
 * API we do not know, the header is read as v1. Throws ProtocolError on a malformed header.
 */
export function readRequestFrame(frame: Buffer): RequestFrame {
  const reader = new Reader(frame);
  // v1 is a prefix of v2, so read v1 first and learn the API version from it.
  const header = decodeRequestHeader(reader, 1);
  const headerVersion = requestHeaderVersion(header.requestApiKey, header.requestApiVersion);
  if (headerVersion === 2) reader.skipTaggedFields();
  reader.throwIfFailed();
  return { header, headerVersion, body: reader };
}

/** A decoded request body, discriminated by API key so a switch narrows `body`. */
export type DecodedRequest = {
  [K in ApiKey]: { apiKey: K; apiVersion: number; body: ApiMessages[K]['request'] };
}[ApiKey];

/**
 * Decodes the body of a parsed frame. Throws ProtocolError for an API or version we do not
 * serve (the broker closes the connection, except for ApiVersions: see api-versions.ts) and
 * for a body that does not decode.
 */
export function decodeRequestBody(frame: RequestFrame): DecodedRequest {
  const { requestApiKey: apiKey, requestApiVersion: apiVersion } = frame.header;
  const codec = supportedCodec(apiKey, apiVersion);
  const body = codec.decodeRequest(frame.body, apiVersion);
  frame.body.throwIfFailed();
  return { apiKey, apiVersion, body } as DecodedRequest;
}

/** Builds a whole response frame: size prefix, response header, body, in one buffer. */
export function encodeResponseFrame<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: ApiMessages[K]['response'],
): Buffer {
  return writeResponseFrame(apiKey, apiVersion, correlationId, body, Infinity).buf;
}

/**
 * A response frame as pieces to write back to back: records fields of at least `spliceFrom`
 * bytes are pieces of their own, the same Buffers the body holds, never copied.
 */
export function encodeResponseFramePieces<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: ApiMessages[K]['response'],
  spliceFrom: number,
): Buffer[] {
  return writeResponseFrame(apiKey, apiVersion, correlationId, body, spliceFrom).pieces();
}

function writeResponseFrame(apiKey: number, apiVersion: number, correlationId: number, body: unknown, spliceFrom: number): Writer {
  const codec = supportedCodec(apiKey, apiVersion);
  const header = { correlationId };
  const headerVersion = responseHeaderVersion(apiKey, apiVersion);
  const spliced = spliceFrom === Infinity ? 0 : codec.splicedResponse(body, apiVersion, spliceFrom);
  return fillFrame(sizeResponseHeader(header, headerVersion) + codec.sizeResponse(body, apiVersion), spliced, spliceFrom, (writer) => {
    encodeResponseHeader(writer, header, headerVersion);
    codec.encodeResponse(writer, body, apiVersion);
  });
}

/** Builds a whole request frame (the client side; used by tests and tools). */
export function encodeRequestFrame<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: ApiMessages[K]['request'],
): Buffer {
  return writeRequestFrame(apiKey, apiVersion, correlationId, clientId, body, Infinity).buf;
}

/** A request frame as pieces, records of at least `spliceFrom` bytes spliced (see encodeResponseFramePieces). */
export function encodeRequestFramePieces<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: ApiMessages[K]['request'],
  spliceFrom: number,
): Buffer[] {
  return writeRequestFrame(apiKey, apiVersion, correlationId, clientId, body, spliceFrom).pieces();
}

function writeRequestFrame(apiKey: ApiKey, apiVersion: number, correlationId: number, clientId: string | null, body: unknown, spliceFrom: number): Writer {
  const codec = supportedCodec(apiKey, apiVersion);
  const header: RequestHeader = { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId };
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const spliced = spliceFrom === Infinity ? 0 : codec.splicedRequest(body, apiVersion, spliceFrom);
  return fillFrame(sizeRequestHeader(header, headerVersion) + codec.sizeRequest(body, apiVersion), spliced, spliceFrom, (writer) => {
    encodeRequestHeader(writer, header, headerVersion);
    codec.encodeRequest(writer, body, apiVersion);
  });
}

/**
 * One frame the one-allocation way: the size prefix, then what `fill` writes (header and body,
 * `contentBytes` in all, `splicedBytes` of them records kept as pieces rather than copied).
 */
function fillFrame(contentBytes: number, splicedBytes: number, spliceFrom: number, fill: (writer: Writer) => void): Writer {
  const total = FRAME_SIZE_BYTES + contentBytes;
  const writer = new Writer(Buffer.allocUnsafe(total - splicedBytes), 0, spliceFrom);
  writer.int32(contentBytes);
  fill(writer);
  writer.finish(total);
  return writer;
}

/** Decodes a response frame (without its size prefix) for a request we sent (client side). */
export function decodeResponseFrame<K extends ApiKey>(
  frame: Buffer,
  apiKey: K,
  apiVersion: number,
): { correlationId: number; body: ApiMessages[K]['response'] } {
  const codec = supportedCodec(apiKey, apiVersion);
  const reader = new Reader(frame);
  const { correlationId } = decodeResponseHeader(reader, responseHeaderVersion(apiKey, apiVersion));
  const body = codec.decodeResponse(reader, apiVersion) as ApiMessages[K]['response'];
  reader.throwIfFailed();
  return { correlationId, body };
}

function supportedCodec(apiKey: number, apiVersion: number): AnyApiCodec {
  const codec = apiCodec(apiKey);
  if (codec === undefined) throw new ProtocolError('UNSUPPORTED_API', `unsupported API key ${apiKey}`);
  if (apiVersion < codec.minVersion || apiVersion > codec.maxVersion) {
    throw new ProtocolError(
      'UNSUPPORTED_VERSION',
      `${codec.name} v${apiVersion} is outside the supported range ${codec.minVersion}-${codec.maxVersion}`,
    );
  }
  return codec;
}
