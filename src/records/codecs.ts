// The byte codec behind each Kafka compression name, in the framing Kafka expects inside a
// batch (NOTES.md §4.1): gzip = a gzip stream, snappy = xerial-framed snappy (raw accepted on
// read), lz4 = a standard LZ4 frame, zstd = a standard zstd frame.
//
// snappy, lz4 and zstd come from napi-rs packages (prebuilt binaries shipped as npm optional
// dependencies, so installing needs no compiler and no download). They are loaded on first use:
// a client that never sees those codecs never pays for loading them. A package that fails to
// load (a platform without a prebuilt binary) throws from loadCodec, and only for that codec.
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type * as ZstdPackage from '@toondepauw/node-zstd';
import type * as Lz4Package from 'lz4-napi';
import type * as SnappyPackage from 'snappy';
import { compressXerial, uncompressSnappy, type RawSnappy } from './snappy-xerial.js';

export interface Codec {
  /** Compresses a records section on the calling thread. */
  compress(records: Buffer): Buffer;
  /** Compresses on the libuv thread pool; only for codecs slow enough to be worth the hop. */
  compressAsync?(records: Buffer): Promise<Buffer>;
  decompress(compressed: Buffer): Buffer;
}

export type CodecName = 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** Kafka's default compression.zstd.level (and zstd's own default). */
export const ZSTD_LEVEL = 3;

const requirePackage = createRequire(import.meta.url);

const gzipAsync = promisify(zlib.gzip);

// Only gzip goes to the thread pool: it is the slowest codec by far, while snappy, lz4 and
// zstd at level 3 compress a 16 KiB batch in less time than a round trip to the pool takes.
const gzip: Codec = {
  compress: (records) => zlib.gzipSync(records),
  compressAsync: (records) => gzipAsync(records),
  decompress: (compressed) => zlib.gunzipSync(compressed),
};

// The napi-rs snappy binding hands back "external" buffers by default, which cost V8 far more
// to track than copying 16 KiB (measured 4-6x slower per call); copyOutputData avoids them.
const COPY_OUTPUT = { copyOutputData: true } as const;

function loadSnappy(): Codec {
  const snappy = requirePackage('snappy') as typeof SnappyPackage;
  const raw: RawSnappy = {
    compress: (input) => snappy.compressSync(input, COPY_OUTPUT),
    uncompress: (input) => bufferOf(snappy.uncompressSync(input, { ...COPY_OUTPUT, asBuffer: true })),
  };
  return {
    compress: (records) => compressXerial(records, raw),
    decompress: (compressed) => uncompressSnappy(compressed, raw),
  };
}

function loadLz4(): Codec {
  const lz4 = requirePackage('lz4-napi') as typeof Lz4Package;
  // lz4_flex's default frame (independent blocks, no checksums, no content size) is what Java's
  // Lz4BlockOutputStream writes; its reader takes any frame a standard LZ4F encoder produces.
  return {
    compress: (records) => lz4.compressFrameSync(records),
    decompress: (compressed) => lz4.decompressFrameSync(compressed),
  };
}

function loadZstd(): Codec {
  const zstd = requirePackage('@toondepauw/node-zstd') as typeof ZstdPackage;
  // Both are stateless between calls (a fresh zstd stream each time), so one of each serves all.
  const encoder = new zstd.Encoder(ZSTD_LEVEL);
  const decoder = new zstd.Decoder();
  return {
    compress: (records) => encoder.encodeSync(records),
    // The streaming decoder also reads frames without a content size (Java's zstd-jni writes those).
    decompress: (compressed) => decoder.decodeSync(compressed),
  };
}

const loaders: Record<CodecName, () => Codec> = { gzip: () => gzip, snappy: loadSnappy, lz4: loadLz4, zstd: loadZstd };
const loaded = new Map<CodecName, Codec>();

/** The codec for name, loading its package on first use; throws if the package cannot load. */
export function loadCodec(name: CodecName): Codec {
  let codec = loaded.get(name);
  if (codec === undefined) {
    codec = loaders[name]();
    loaded.set(name, codec);
  }
  return codec;
}

function bufferOf(output: string | Buffer): Buffer {
  if (typeof output === 'string') throw new TypeError('snappy returned a string although asked for a Buffer');
  return output;
}
