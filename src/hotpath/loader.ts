// Picks the hot-path backend at load time. This is the only module that touches the addon:
// it finds it with node-gyp-build, adapts its exports to HotPath and self-checks it against
// the TypeScript twin before trusting it. SLUICE_NATIVE=0 forces js, SLUICE_NATIVE=1 makes a
// missing or broken addon a hard error, anything else tries native and falls back to js.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsBackend } from './js/index.js';
import { packedEncodeBatch, type EncodeBatchInto } from './native-encode.js';
import { checkRecord } from './record-checks.js';
import { BatchStatus, VALIDATE_RESULT_SLOTS, type BackendName, type HotPath, type RawBatchHeader, type RawRecord } from './types.js';

/** A loaded, self-checked addon (raw kernels: no argument checks). */
export interface NativeBackend {
  readonly hotpath: HotPath;
  /** The CRC32C kernel the addon chose for this CPU: "avx512-vpclmulqdq", "sse4.2" or "table". */
  readonly crcKernel: string;
  /** What the pool behind allocateReceiveBuffer did so far. */
  readonly receiveBufferStats: () => ReceiveBufferStats;
}

/** Counters of the native receive-buffer pool (native/receive_buffers.cc). */
export interface ReceiveBufferStats {
  readonly blocksMapped: number;
  readonly blocksReused: number;
  /** Bytes in idle blocks, kept for the next large read. */
  readonly idleBytes: number;
  /** Bytes of live buffers over reused blocks, kept off V8's external-memory count. */
  readonly discountedBytes: number;
}

export interface BackendChoice {
  readonly backend: BackendName;
  /** Raw kernels of the chosen backend. */
  readonly hotpath: HotPath;
  /** Why native is not active; null when it is. */
  readonly nativeLoadError: string | null;
  /** The native CRC32C kernel, or null on the js backend (which uses the crc-32 package). */
  readonly crcKernel: string | null;
}

export const NATIVE_DISABLED_REASON = 'disabled by SLUICE_NATIVE=0';

/** Kernels the addon exports under their HotPath names; encodeBatch comes from encodeBatchInto. */
const KERNEL_NAMES = ['crc32c', 'validateBatches', 'appendFile', 'lookupOffsetIndex', 'lookupTimeIndex', 'allocateReceiveBuffer'] as const;

/**
 * Receive buffers smaller than this (the pool's smallest block) are plain Buffers: they are the
 * many small responses, which malloc serves from memory it keeps; the pool is for the large ones
 * that would each be fresh pages.
 */
export const POOLED_RECEIVE_MIN_BYTES = 256 * 1024;
type Kernels = Pick<HotPath, (typeof KERNEL_NAMES)[number]>;

/** An error's message on one line, for logs and describeBackend(). */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim();
}

/**
 * The decision, apart from loading: `setting` is SLUICE_NATIVE, `tryLoadNative` returns a
 * self-checked addon or throws why not. Throws only when native is required and unavailable.
 */
export function chooseBackend(setting: string | undefined, tryLoadNative: () => NativeBackend): BackendChoice {
  if (setting === '0') return { backend: 'js', hotpath: jsBackend, nativeLoadError: NATIVE_DISABLED_REASON, crcKernel: null };
  try {
    const native = tryLoadNative();
    return { backend: 'native', hotpath: native.hotpath, nativeLoadError: null, crcKernel: native.crcKernel };
  } catch (error) {
    const reason = reasonOf(error);
    if (setting === '1') throw new Error(`SLUICE_NATIVE=1 but the native hot path is unavailable: ${reason}`, { cause: error });
    return { backend: 'js', hotpath: jsBackend, nativeLoadError: reason, crcKernel: null };
  }
}

/** The package root: src/hotpath/loader.ts, dist/hotpath/loader.js and the bundled CLI dist/cli/sluice-main.cjs all sit two levels below it. */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/**
 * The encoder: the addon's encodeBatchInto behind the JavaScript packer, or, from exports
 * that offer an object-level encodeBatch instead (stand-ins in tests), that one behind the record checks.
 */
function encoderOf(addon: Record<string, unknown>): HotPath['encodeBatch'] {
  if (typeof addon.encodeBatchInto === 'function') return packedEncodeBatch(addon.encodeBatchInto as EncodeBatchInto);
  if (typeof addon.encodeBatch === 'function') {
    const encode = addon.encodeBatch as HotPath['encodeBatch'];
    // Encoders check each record themselves (record-checks.ts); a stand-in gets the same checks here.
    return (records, header) => {
      records.forEach(checkRecord);
      return encode(records, header);
    };
  }
  throw new Error('the addon does not export a function encodeBatchInto');
}

/** Checks the addon's exports and binds them into a HotPath. */
export function adaptAddon(exports: unknown): NativeBackend {
  if (typeof exports !== 'object' || exports === null) throw new Error('the addon exports no object');
  const addon = exports as Record<string, unknown>;
  for (const name of KERNEL_NAMES) {
    if (typeof addon[name] !== 'function') throw new Error(`the addon does not export a function ${name}`);
  }
  const encodeBatch = encoderOf(addon);
  const crcKernel = crcKernelOf(addon);
  const kernels = addon as unknown as Kernels;
  const hotpath: HotPath = Object.freeze({
    backend: 'native',
    crc32c: kernels.crc32c,
    validateBatches: kernels.validateBatches,
    encodeBatch,
    appendFile: kernels.appendFile,
    lookupOffsetIndex: kernels.lookupOffsetIndex,
    lookupTimeIndex: kernels.lookupTimeIndex,
    allocateReceiveBuffer: pooledWhenLarge(kernels.allocateReceiveBuffer),
  });
  if (typeof addon.receiveBufferStats !== 'function') throw new Error('the addon does not export a function receiveBufferStats');
  return { hotpath, crcKernel, receiveBufferStats: addon.receiveBufferStats as () => ReceiveBufferStats };
}

function pooledWhenLarge(pooled: HotPath['allocateReceiveBuffer']): HotPath['allocateReceiveBuffer'] {
  return (length) => (length < POOLED_RECEIVE_MIN_BYTES ? Buffer.allocUnsafe(length) : pooled(length));
}

/** The kernel's name; an addon built before crcKernel existed says only hardwareCrc. */
function crcKernelOf(addon: Record<string, unknown>): string {
  if (typeof addon.crcKernel === 'string' && addon.crcKernel !== '') return addon.crcKernel;
  if (typeof addon.hardwareCrc === 'boolean') return addon.hardwareCrc ? 'hardware' : 'table';
  throw new Error('the addon does not export crcKernel');
}

// Known vectors for the self-check: the CRC-32C check value, 4 KiB of varied bytes, and a small
// batch exercising a null key, a null value, a header and a negative timestamp delta.
const CRC32C_CHECK_INPUT = '123456789';
const CRC32C_CHECK_VALUE = 0xe3069283;
const SAMPLE_RECORDS: readonly RawRecord[] = [
  { key: null, value: Buffer.from('value'), headers: [{ key: 'trace', value: Buffer.from('ü') }], timestamp: 1_700_000_000_000 },
  { key: Buffer.from('key'), value: null, headers: [{ key: 'h', value: null }], timestamp: 1_699_999_999_000 },
];
const SAMPLE_HEADER: RawBatchHeader = {
  baseOffset: 0,
  partitionLeaderEpoch: -1,
  attributes: 0,
  baseTimestamp: 1_700_000_000_000,
  producerId: 42,
  producerEpoch: 3,
  baseSequence: 7,
};

/** 4,102 varied bytes, made only when an addon is checked (not by a process on the js backend). */
function longCrcSample(): Buffer {
  return Buffer.from(Array.from({ length: 4102 }, (_, i) => (i * 131 + (i >> 7)) & 0xff));
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/** Runs validateBatches on a copy of buf; returns what a comparison needs. */
function validationOutcome(hotpath: HotPath, buf: Buffer): string {
  const copy = Buffer.from(buf);
  const out = new Float64Array(VALIDATE_RESULT_SLOTS);
  const status = hotpath.validateBatches(copy, 100, 5, 1_700_000_000_123, out);
  return `status ${status}, slots [${Array.from(out.subarray(0, 7)).join(', ')}], bytes ${copy.toString('hex')}`;
}

/** Throws unless `candidate` agrees with the TypeScript twin on the known vectors. */
export function selfCheck(candidate: HotPath, reference: HotPath = jsBackend): void {
  const crc = candidate.crc32c(Buffer.from(CRC32C_CHECK_INPUT), 0);
  if (crc !== CRC32C_CHECK_VALUE) throw new Error(`self-check failed: crc32c("123456789") = ${hex(crc)}, expected ${hex(CRC32C_CHECK_VALUE)}`);
  // Long, misaligned and odd-sized, so that a vector kernel's main loop, head and tail all run.
  const long = longCrcSample().subarray(3);
  if (candidate.crc32c(long, 0x5eed) !== reference.crc32c(long, 0x5eed)) {
    throw new Error(`self-check failed: crc32c of a ${long.length.toLocaleString('en-US')}-byte sample differs from the TypeScript backend`);
  }
  const expected = reference.encodeBatch(SAMPLE_RECORDS, SAMPLE_HEADER);
  const actual = candidate.encodeBatch(SAMPLE_RECORDS, SAMPLE_HEADER);
  if (!Buffer.isBuffer(actual) || !actual.equals(expected)) throw new Error('self-check failed: encodeBatch differs from the TypeScript backend');
  const corrupted = Buffer.from(expected);
  corrupted[corrupted.length - 1] ^= 0x01;
  for (const sample of [Buffer.concat([expected, expected, expected.subarray(0, 70)]), Buffer.concat([expected, corrupted])]) {
    if (validationOutcome(candidate, sample) !== validationOutcome(reference, sample)) {
      throw new Error('self-check failed: validateBatches differs from the TypeScript backend');
    }
  }
  const out = new Float64Array(VALIDATE_RESULT_SLOTS);
  if (candidate.validateBatches(Buffer.from(expected), -1, -1, -1, out) !== BatchStatus.OK) throw new Error('self-check failed: validateBatches rejects a valid batch');
  const received = candidate.allocateReceiveBuffer(POOLED_RECEIVE_MIN_BYTES + 3);
  if (!Buffer.isBuffer(received) || received.length !== POOLED_RECEIVE_MIN_BYTES + 3) throw new Error('self-check failed: allocateReceiveBuffer gives no Buffer of the length asked');
}

let cachedNative: NativeBackend | Error | undefined;

/** Finds, adapts and self-checks the addon once; throws (the same error each time) when it cannot. */
export function loadNative(): NativeBackend {
  if (cachedNative === undefined) {
    try {
      const nodeGypBuild = createRequire(import.meta.url)('node-gyp-build') as (root: string) => unknown;
      const native = adaptAddon(nodeGypBuild(packageRoot()));
      selfCheck(native.hotpath);
      cachedNative = native;
    } catch (error) {
      cachedNative = error instanceof Error ? error : new Error(String(error));
    }
  }
  if (cachedNative instanceof Error) throw cachedNative;
  return cachedNative;
}
