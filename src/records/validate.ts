// Validation of incoming record batches, through the hot path: one crossing per payload.
import { hotpath as activeHotPath } from '../hotpath/index.js';
import { BatchStatus, ValidateSlot, VALIDATE_RESULT_SLOTS, type BatchStatusCode, type HotPath } from '../hotpath/types.js';

export interface BatchValidation {
  readonly status: BatchStatusCode;
  readonly ok: boolean;
  /** Bytes covered by whole batches that passed. */
  readonly validBytes: number;
  readonly batchCount: number;
  readonly recordCount: number;
  /** One past the last offset of the passed batches; -1 when none passed. */
  readonly nextOffset: number;
  readonly maxTimestamp: number;
  readonly offsetOfMaxTimestamp: number;
  readonly lastBatchPosition: number;
}

export interface ValidateOptions {
  /** First offset to assign in place; omit (or -1) to only check. */
  readonly assignFrom?: number;
  /** partitionLeaderEpoch to stamp; omit (or -1) to leave as is. */
  readonly leaderEpoch?: number;
  /** Makes every batch a LogAppendTime batch with this maxTimestamp; omit (or -1) for CreateTime. */
  readonly logAppendTime?: number;
  /** Backend to use; the active one by default (tests pass each in turn). */
  readonly hotpath?: HotPath;
}

const STATUS_NAMES: Record<number, string> = {
  [BatchStatus.OK]: 'ok',
  [BatchStatus.TRUNCATED]: 'truncated batch',
  [BatchStatus.BAD_LENGTH]: 'batch length below the header size',
  [BatchStatus.BAD_MAGIC]: 'magic is not 2',
  [BatchStatus.BAD_CRC]: 'CRC32C mismatch',
  [BatchStatus.BAD_RECORD_COUNT]: 'recordsCount does not match lastOffsetDelta + 1',
};

/** A readable reason for a BatchStatus code. */
export function describeBatchStatus(status: number): string {
  return STATUS_NAMES[status] ?? `unknown status ${status}`;
}

// One result array reused by every call: validation is synchronous, so it is never shared.
const resultSlots = new Float64Array(VALIDATE_RESULT_SLOTS);

/** Validates the batches in buf and, when asked, assigns offsets and the leader epoch in place. */
export function validateBatches(buf: Uint8Array, options: ValidateOptions = {}): BatchValidation {
  const hp = options.hotpath ?? activeHotPath;
  const status = hp.validateBatches(buf, options.assignFrom ?? -1, options.leaderEpoch ?? -1, options.logAppendTime ?? -1, resultSlots) as BatchStatusCode;
  return {
    status,
    ok: status === BatchStatus.OK,
    validBytes: resultSlots[ValidateSlot.VALID_BYTES],
    batchCount: resultSlots[ValidateSlot.BATCH_COUNT],
    recordCount: resultSlots[ValidateSlot.RECORD_COUNT],
    nextOffset: resultSlots[ValidateSlot.NEXT_OFFSET],
    maxTimestamp: resultSlots[ValidateSlot.MAX_TIMESTAMP],
    offsetOfMaxTimestamp: resultSlots[ValidateSlot.OFFSET_OF_MAX_TIMESTAMP],
    lastBatchPosition: resultSlots[ValidateSlot.LAST_BATCH_POSITION],
  };
}
