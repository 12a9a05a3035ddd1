// Compression of the records section of a v2 batch with any of Kafka's codecs: gzip, snappy,
// lz4 and zstd (the bytes themselves are in codecs.ts). Codec bits 5-7 are not Kafka codecs and
// fail with ERR_SLUICE_UNSUPPORTED_COMPRESSION, as does a codec whose package cannot load.
//
// The broker never decompresses: batches are stored byte-for-byte (NOTES.md §4.3). This is
// for clients and tests, so it works on whole Buffers and copies freely.
import type { HotPath } from '../hotpath/types.js';
import { loadCodec, type Codec, type CodecName } from './codecs.js';
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
  constructor(
    readonly codec: string,
    reason = "sluice handles 'none', 'gzip', 'snappy', 'lz4' and 'zstd'",
    options?: { cause?: unknown },
  ) {
    super(`compression codec '${codec}' is not supported (${reason})`, options);
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
  if (!Object.hasOwn(CODE_BY_NAME, name)) throw new UnsupportedCompressionError(name); // not 'toString' & co.
  return CODE_BY_NAME[name as CompressionName];
}

/** Codecs sluice can compress and decompress: all of Kafka's. */
export type SupportedCompression = CompressionName;

/** Throws ERR_SLUICE_UNSUPPORTED_COMPRESSION unless name is a Kafka codec name. */
export function assertSupportedCompression(name: unknown): asserts name is SupportedCompression {
  if (typeof name !== 'string' || !Object.hasOwn(CODE_BY_NAME, name)) throw new UnsupportedCompressionError(String(name));
}

/** Decompresses a records section compressed with the codec in `attributes`. */
export function decompressRecords(attributes: number, compressed: Uint8Array): Buffer {
  const name = compressionName(attributes);
  const bytes = Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength);
  if (name === 'none') return bytes;
  if (!isCodecName(name)) throw new UnsupportedCompressionError(name, 'attributes bits 0-2 name no Kafka codec');
  return codecFor(name).decompress(bytes);
}

/**
 * Turns one uncompressed batch into a compressed one: same header, records section compressed,
 * codec bits set, batchLength and CRC recomputed. recordsCount stays as it was (Kafka keeps
 * it uncompressed).
 */
export function compressBatch(batch: Buffer, codec: CompressionName, hotpath: HotPath): Buffer {
  const records = uncompressedRecordsOf(batch, codec);
  if (codec === 'none') return batch;
  return assembleCompressedBatch(batch, codec, codecFor(codec).compress(records), hotpath);
}

/** compressBatch, on the libuv thread pool for the codecs where that pays (gzip). */
export async function compressBatchAsync(batch: Buffer, codec: CompressionName, hotpath: HotPath): Promise<Buffer> {
  const records = uncompressedRecordsOf(batch, codec);
  if (codec === 'none') return batch;
  const compressor = codecFor(codec);
  const compressed = compressor.compressAsync ? await compressor.compressAsync(records) : compressor.compress(records);
  return assembleCompressedBatch(batch, codec, compressed, hotpath);
}

function isCodecName(name: string): name is CodecName {
  return name === 'gzip' || name === 'snappy' || name === 'lz4' || name === 'zstd';
}

/** The loaded codec; a package that cannot load makes the codec unsupported, not the batch corrupt. */
function codecFor(name: CodecName): Codec {
  try {
    return loadCodec(name);
  } catch (error) {
    const reason = `its package did not load: ${error instanceof Error ? error.message : String(error)}`;
    throw new UnsupportedCompressionError(name, reason, { cause: error });
  }
}

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

function assembleCompressedBatch(uncompressed: Buffer, codec: CodecName, compressedRecords: Buffer, hotpath: HotPath): Buffer {
  const out = Buffer.allocUnsafe(BatchField.RECORDS + compressedRecords.length);
  uncompressed.copy(out, 0, 0, BatchField.RECORDS);
  compressedRecords.copy(out, BatchField.RECORDS);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BatchField.BATCH_LENGTH);
  out.writeInt16BE(attributesAt(uncompressed, 0) | CODE_BY_NAME[codec], BatchField.ATTRIBUTES);
  out.writeUInt32BE(hotpath.crc32c(out.subarray(CRC_START), 0), BatchField.CRC);
  return out;
}
