// The records layer: encoding, decoding, compression and validation of Kafka v2 record batches.
export { encodeRecordBatch, encodeRecordBatchAsync, InvalidRecordError } from './encode.js';
export type { Bytes, EncodeOptions, ProducerHeaders, ProducerRecord } from './encode.js';
export { bytesAt, decodeRecordBatches, visitRecordBatches, CorruptRecordError, NO_HEADERS as NO_DECODED_HEADERS } from './decode.js';
export type { DecodedBatch, DecodedBatchHeader, DecodedHeader, DecodedRecord, DecodeOptions, RecordVisitor } from './decode.js';
export {
  assertSupportedCompression,
  compressBatch,
  compressBatchAsync,
  compressionCode,
  compressionName,
  decompressRecords,
  UnsupportedCompressionError,
} from './compression.js';
export type { CompressionName, SupportedCompression } from './compression.js';
export { validateBatches, describeBatchStatus } from './validate.js';
export type { BatchValidation, ValidateOptions } from './validate.js';
export * from './layout.js';
export { encodeControlBatch, readControlBatch, type MarkerType, type TransactionMarker } from './control-batch.js';
