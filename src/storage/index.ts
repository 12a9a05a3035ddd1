export { PartitionLog, type AppendOptions, type AppendResult, type PartitionLogOptions } from './partition-log.js';
export { DEFAULT_LOG_CONFIG, resolveLogConfig, type FlushPolicy, type LogConfig, type TimestampType } from './config.js';
export { StorageError, type StorageErrorCode } from './errors.js';
export { consoleLogger, type StorageLogger } from './log-loader.js';
export { segmentFileStem } from './file-names.js';
export { readOffsetFile, writeFileAtomic } from './checkpoint.js';
export { freshMemory, ReadBufferPool, type ReadMemory } from './read-memory.js';
export type { AbortedTxn } from './aborted-transactions.js';
export type { CompletedTxn, ProducerEntry, ProducerStates } from './producer-state.js';
