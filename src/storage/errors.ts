// Errors of the storage layer. Each carries a code and the file and offset involved, so the
// broker can map it to a Kafka error code and a log line can say where things went wrong.

export type StorageErrorCode =
  /** A batch failed validation (framing, magic, record count or CRC); nothing was appended. */
  | 'CORRUPT_BATCH'
  /** A batch is larger than the log's maxMessageBytes. */
  | 'MESSAGE_TOO_LARGE'
  /** A read below the log start offset or above the log end offset. */
  | 'OFFSET_OUT_OF_RANGE'
  /** The log was closed. */
  | 'LOG_CLOSED'
  /** An argument that cannot name a place in the log (negative, beyond the end). */
  | 'INVALID_OFFSET'
  /** A file in the log directory is not what it should be. */
  | 'INVALID_LOG_FILE'
  /** An idempotent producer's batch does not continue its sequence; nothing was appended. */
  | 'OUT_OF_ORDER_SEQUENCE'
  /** An idempotent producer's batch carries an epoch older than the one the log has seen. */
  | 'INVALID_PRODUCER_EPOCH'
  /** A request the log cannot take as a whole (an idempotent producer's batches must come one at a time). */
  | 'INVALID_RECORD'
  /** A producer with an open transaction sent a batch outside it. */
  | 'INVALID_TXN_STATE';

export class StorageError extends Error {
  override readonly name = 'StorageError';

  constructor(
    readonly code: StorageErrorCode,
    message: string,
    readonly path: string,
    readonly offset: number = -1,
  ) {
    super(`${message} (${path}${offset >= 0 ? ` at offset ${offset}` : ''})`);
  }
}
