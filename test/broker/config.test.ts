import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnvironment, parseConfigObject, resolveBrokerConfig } from '../../src/broker/config.js';

describe('broker config', () => {
  it('layers file, environment and flags over the defaults', () => {
    const file = parseConfigObject({ port: 9000, dataDir: '/var/sluice', log: { flushPolicy: 'fsync', segmentBytes: 1000000 } }, 'sluice.yaml');
    const env = configFromEnvironment({ SLUICE_PORT: '9001', SLUICE_LOG_RETENTION_MS: '5000', HOME: '/root' });
    const flags = parseConfigObject({ host: '0.0.0.0' }, 'flags');
    const config = resolveBrokerConfig(file, env, flags);
    expect(config).toMatchObject({ port: 9001, host: '0.0.0.0', dataDir: '/var/sluice', autoCreateTopics: true, numPartitions: 1 });
    expect(config.log).toEqual({ flushPolicy: 'fsync', segmentBytes: 1000000, retentionMs: 5000 });
  });

  it('names an unknown key and where it came from', () => {
    expect(() => parseConfigObject({ prot: 9092 }, 'sluice.yaml')).toThrow(new ConfigError('prot', 'sluice.yaml', 'is not a known setting'));
    expect(() => parseConfigObject({ log: { segmentByte: 1 } }, 'sluice.yaml')).toThrow(/log.segmentByte is not a known setting/);
  });

  it('names a bad value', () => {
    expect(() => parseConfigObject({ port: 'ninety' }, 'flags')).toThrow(/flags: port must be an integer, got "ninety"/);
    expect(() => configFromEnvironment({ SLUICE_AUTO_CREATE_TOPICS: 'yes' })).toThrow(/environment: autoCreateTopics must be true or false/);
    expect(() => parseConfigObject({ log: { flushPolicy: 'always' } }, 'x')).toThrow(/log.flushPolicy must be one of fsync, interval, os/);
    expect(() => resolveBrokerConfig({ port: 70000 })).toThrow(/port must be 0..65535/);
    expect(() => resolveBrokerConfig({ log: { segmentBytes: -5 } })).toThrow(/segmentBytes must be a positive integer/);
  });
});
