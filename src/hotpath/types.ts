// The one interface both hot-path backends implement: the C++ addon (native/) and its
// TypeScript twin (src/hotpath/js/). Both must give byte-identical results for the same input.
//
// These are the raw kernels: arguments are assumed valid. The loader wraps whichever backend
// it picks in argument checks (checked.ts), so C++ only computes and never validates.

/** Which implementation is running. */
export type BackendName = 'native' | 'js';

/**
 * Status of validateBatches. The first failing batch stops the walk; everything before it
 * passed and is described by the result slots.
 */
export const BatchStatus = {
  OK: 0,
  /** Fewer bytes left than a batch header needs, or than its batchLength claims. */
  TRUNCATED: 1,
  /** batchLength below the 49-byte minimum (61-byte header minus the 12-byte log overhead). */
  BAD_LENGTH: 2,
  /** magic byte is not 2. */
  BAD_MAGIC: 3,
  /** CRC32C over attributes..end of batch does not match the stored crc. */
  BAD_CRC: 4,
  /** recordsCount is not lastOffsetDelta + 1, or is not positive. */
  BAD_RECORD_COUNT: 5,
} as const;
export type BatchStatusCode = (typeof BatchStatus)[keyof typeof BatchStatus];

/**
 * Slots of the Float64Array that validateBatches fills (length >= VALIDATE_RESULT_SLOTS).
 * A caller-owned result array means one native crossing and no object per call.
 */
export const ValidateSlot = {
  /** Bytes, from the start of the buffer, covered by whole batches that passed. */
  VALID_BYTES: 0,
  /** Number of batches that passed. */
  BATCH_COUNT: 1,
  /** Sum of recordsCount over the batches that passed. */
  RECORD_COUNT: 2,
  /**
   * One past the last offset of the passed batches: assignFrom + sum(lastOffsetDelta + 1)
   * when assigning, else (baseOffset + lastOffsetDelta + 1) of the last passed batch.
   * -1 when no batch passed.
   */
  NEXT_OFFSET: 3,
  /** Largest maxTimestamp among the passed batches; -1 when none passed. */
  MAX_TIMESTAMP: 4,
  /** Last offset (baseOffset + lastOffsetDelta, after assignment) of the first batch holding MAX_TIMESTAMP; -1 when none. */
  OFFSET_OF_MAX_TIMESTAMP: 5,
  /** Byte position of the last passed batch's start; -1 when none passed. */
  LAST_BATCH_POSITION: 6,
} as const;
export const VALIDATE_RESULT_SLOTS = 8;

/** Size of the v2 batch header, and the minimum batchLength (header minus baseOffset and batchLength). */
export const BATCH_HEADER_BYTES = 61;
export const MIN_BATCH_LENGTH = 49;

/** One header of a record, as the encoder takes it. */
export interface RawHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** One record, fully specified (the records layer fills in defaults before calling). */
export interface RawRecord {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RawHeader[];
  /** Milliseconds since the epoch; a safe integer. */
  readonly timestamp: number;
}

/** Batch header fields the encoder writes; every field given. */
export interface RawBatchHeader {
  readonly baseOffset: number;
  readonly partitionLeaderEpoch: number;
  /** int16 attributes; the codec bits must be 0 (the encoder writes uncompressed records). */
  readonly attributes: number;
  /** Timestamp the record deltas are relative to; the records layer passes the first record's. */
  readonly baseTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

/** Entry sizes of Kafka's sparse index files. */
export const OFFSET_INDEX_ENTRY_BYTES = 8; // int32 relative offset + int32 position, big-endian
export const TIME_INDEX_ENTRY_BYTES = 12; // int64 timestamp + int32 relative offset, big-endian

export interface HotPath {
  readonly backend: BackendName;

  /**
   * CRC-32C (Castagnoli) of data, continuing from `init` (the CRC of the bytes before; 0 to
   * start), so crc32c(b, crc32c(a)) === crc32c(a ++ b). Returns an unsigned 32-bit integer.
   */
  crc32c(data: Uint8Array, init: number): number;

  /**
   * Walks the v2 record batches back to back in buf, checks framing, magic, record count and
   * CRC of each, and stops at the first failure. When assignFrom >= 0, writes consecutive
   * baseOffsets in place into every batch that passed, starting at assignFrom; when
   * leaderEpoch >= 0, writes it as partitionLeaderEpoch of those batches. Neither field is
   * covered by the CRC. When logAppendTime >= 0, every batch that passed becomes a
   * LogAppendTime batch as Kafka makes one: timestamp-type attribute bit set, maxTimestamp =
   * logAppendTime (so the MAX_TIMESTAMP slot reports it), record deltas untouched, CRC
   * recomputed. Fills `out` (see ValidateSlot) and returns a BatchStatus code.
   * A batch that fails is never modified. An empty buffer is OK with zero batches.
   */
  validateBatches(buf: Uint8Array, assignFrom: number, leaderEpoch: number, logAppendTime: number, out: Float64Array): number;

  /** Builds one uncompressed v2 batch (header, records with zigzag varints, CRC32C) in one buffer. */
  encodeBatch(records: readonly RawRecord[], header: RawBatchHeader): Buffer;

  /**
   * Writes the buffers back to back at `position` of the open file `fd`, retrying short writes,
   * then fdatasync()s when `sync` is true (an empty list with sync = true only syncs). Runs on
   * the libuv thread pool, never on the main thread. Rejects with an Error carrying the errno
   * `code` (e.g. 'EBADF') and `syscall`.
   */
  appendFile(fd: number, position: number, buffers: readonly Uint8Array[], sync: boolean): Promise<void>;

  /**
   * Binary search in an offset index (the first `entries` 8-byte entries of `index`) for the
   * last entry whose relative offset <= targetRelativeOffset. Returns its slot, or -1.
   */
  lookupOffsetIndex(index: Uint8Array, entries: number, targetRelativeOffset: number): number;

  /**
   * Binary search in a time index (the first `entries` 12-byte entries of `index`) for the
   * last entry whose timestamp <= targetTimestamp. Returns its slot, or -1.
   */
  lookupTimeIndex(index: Uint8Array, entries: number, targetTimestamp: number): number;

  /**
   * `length` uninitialised bytes for socket reads to fill (a large response frame). Native
   * takes large ones from a pool that gets the memory back once the Buffer and every view of it
   * are garbage, so the kernel does not fault in and zero fresh pages for each response; js
   * allocates each one (Buffer.allocUnsafe). Contents are unspecified until written.
   */
  allocateReceiveBuffer(length: number): Buffer;
}
