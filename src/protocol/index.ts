// The protocol layer: wire primitives, generated message codecs, framing and error codes.
export { Reader, ZERO_UUID, EMPTY_BYTES } from './reader.js';
export { Writer, encodeToBuffer } from './writer.js';
export { ProtocolError } from './protocol-error.js';
export type { ProtocolErrorKind } from './protocol-error.js';
export { ErrorCode, errorByCode, allErrors } from './errors.js';
export type { ErrorName, KafkaErrorInfo } from './errors.js';
export { SUPPORTED_APIS, advertisedApiVersions } from './supported-apis.js';
export type { SupportedApi, AdvertisedApiVersion } from './supported-apis.js';
export { isFlexible } from './api-codec.js';
export type { ApiCodec, AnyApiCodec } from './api-codec.js';
export {
  FRAME_SIZE_BYTES,
  SPLICE_RECORDS_FROM,
  apiCodec,
  decodeRequestBody,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeRequestFramePieces,
  encodeResponseFrame,
  encodeResponseFramePieces,
  isSupportedVersion,
  readRequestFrame,
  requestHeaderVersion,
  responseHeaderVersion,
} from './frame.js';
export type { DecodedRequest, RequestFrame } from './frame.js';
export { apiVersionsResponse, needsApiVersionsFallback, unsupportedApiVersionsResponseFrame } from './api-versions.js';
export { isZeroUuid, randomUuid, uuidFromHex, uuidToHex } from './uuid.js';
export * from './generated/index.js';
