// The public API of sluice.
export { startBroker, type RunningBroker, type StartBrokerOptions } from './broker/broker.js';
export type { BrokerConfig } from './broker/config.js';
export { backend, describeBackend, nativeLoadError, type BackendName } from './hotpath/index.js';
export { PartitionLog, type LogConfig, type FlushPolicy } from './storage/index.js';
export * from './client/index.js';
