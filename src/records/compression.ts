// Compression of the records section of a v2 batch. Only gzip for now, because it is the one
// codec Node's zlib provides; the others fail with ERR_SLUICE_UNSUPPORTED_COMPRESSION.
//
// The broker never decompresses: batches are stored byte-for-byte (NOTES.md §4.3). This is
// for clients and tests, so it works on whole Buffers and copies freely.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { HotPath } from '../hotpath/types.js';
import { Attributes, BatchField, Compression, CRC_START, LOG_OVERHEAD, attributesAt, batchSizeAt, type CompressionCode } from './layout.js';

export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

const CODE_BY_NAME: Record<CompressionName, CompressionCode> = {
  none: Compression.NONE,
  gzip: Compression.GZIP,
  snappy: Compression.SNAPPY,
  lz4: Compression.LZ4,
  zstd: Compression.ZSTD,
};
const NAME_BY_CODE = Object.fromEntries(Object.entries(CODE_BY_NAME).map(([name, code]) => [code, name])) as Record<
  number,
  CompressionName
>;

export class UnsupportedCompressionError extends Error {
  readonly code = 'ERR_SLUICE_UNSUPPORTED_COMPRESSION';
  constructor(readonly codec: string) {
    super(`compression codec '${codec}' is not supported (sluice handles 'none' and 'gzip')`);
    this.name = 'UnsupportedCompressionError';
  }
}

/** The name of the codec in attributes bits 0-2 ('codec-5' etc. for values Kafka never defined). */
export function compressionName(attributes: number): CompressionName | `codec-${number}` {
  const code = attributes & Attributes.COMPRESSION_MASK;
  return NAME_BY_CODE[code] ?? `codec-${code}`;
}

/** Attribute bits of a codec name; throws for names that are not Kafka codecs. */
export function compressionCode(name: string): CompressionCode {
  const code = (CODE_BY_NAME as Record<string, CompressionCode | undefined>)[name];
  if (code === undefined) throw new UnsupportedCompressionError(name);
  return code;
}

/** Codecs sluice can compress and decompress. */
export type SupportedCompression = 'none' | 'gzip';

/** Throws ERR_SLUICE_UNSUPPORTED_COMPRESSION unless sluice can apply this codec. */
export function assertSupportedCompression(name: unknown): asserts name is SupportedCompression {
  if (name !== 'none' && name !== 'gzip') throw new UnsupportedCompressionError(String(name));
}

/** Decompresses a records section compressed with the codec in `attributes`. */
export function decompressRecords(attributes: number, compressed: Uint8Array): Buffer {
  const name = compressionName(attributes);
  if (name === 'none') return Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength);
  if (name !== 'gzip') throw new UnsupportedCompressionError(name);
  return zlib.gunzipSync(compressed);
}

/**
 * Turns one uncompressed batch into a gzip batch: same header, records section gzipped,
 * codec bits set, batchLength and CRC recomputed. recordsCount stays as it was (Kafka keeps
 * it uncompressed).
 */
export function compressBatch(batch: Buffer, codec: CompressionName, hotpath: HotPath): Buffer {
  const records = uncompressedRecordsOf(batch, codec);
  if (codec === 'none') return batch;
  return assembleCompressedBatch(batch, zlib.gzipSync(records), hotpath);
}

/** compressBatch with gzip on the libuv thread pool, for large batches. */
export async function compressBatchAsync(batch: Buffer, codec: CompressionName, hotpath: HotPath): Promise<Buffer> {
  const records = uncompressedRecordsOf(batch, codec);
  if (codec === 'none') return batch;
  return assembleCompressedBatch(batch, await gzipAsync(records), hotpath);
}

const gzipAsync = promisify(zlib.gzip);

/** The records section of a single uncompressed batch, after checking the codec can be applied. */
function uncompressedRecordsOf(batch: Buffer, codec: CompressionName): Buffer {
  assertSupportedCompression(codec);
  if (batch.length < BatchField.RECORDS || batchSizeAt(batch, 0) !== batch.length) {
    throw new RangeError('compressBatch takes exactly one whole batch');
  }
  if ((attributesAt(batch, 0) & Attributes.COMPRESSION_MASK) !== Compression.NONE) {
    throw new RangeError('compressBatch takes an uncompressed batch');
  }
  return batch.subarray(BatchField.RECORDS);
}

function assembleCompressedBatch(uncompressed: Buffer, compressedRecords: Buffer, hotpath: HotPath): Buffer {
  const out = Buffer.allocUnsafe(BatchField.RECORDS + compressedRecords.length);
  uncompressed.copy(out, 0, 0, BatchField.RECORDS);
  compressedRecords.copy(out, BatchField.RECORDS);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BatchField.BATCH_LENGTH);
  out.writeInt16BE(attributesAt(uncompressed, 0) | Compression.GZIP, BatchField.ATTRIBUTES);
  out.writeUInt32BE(hotpath.crc32c(out.subarray(CRC_START), 0), BatchField.CRC);
  return out;
}
