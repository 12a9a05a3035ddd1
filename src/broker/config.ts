// Broker settings: defaults, then a YAML file, then SLUICE_* environment variables, then flags.
// Every key is declared once below with its type; an unknown key or a value of the wrong type is
// an error that names the key and where it came from.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveLogConfig, type FlushPolicy, type LogConfig, type TimestampType } from '../storage/index.js';

export interface BrokerConfig {
  readonly nodeId: number;
  /** Address to listen on; 127.0.0.1 unless told otherwise. */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Host and port clients are told to connect to (Metadata); the listener's by default. */
  readonly advertisedHost: string | null;
  readonly advertisedPort: number | null;
  readonly dataDir: string;
  readonly autoCreateTopics: boolean;
  /** Partitions of an auto-created topic (num.partitions). */
  readonly numPartitions: number;
  /** socket.request.max.bytes */
  readonly maxRequestBytes: number;
  readonly maxInFlightRequests: number;
  readonly maxInFlightBytes: number;
  /** Initial rebalance delay of a new consumer group (group.initial.rebalance.delay.ms). */
  readonly groupInitialRebalanceDelayMs: number;
  /** The session timeouts JoinGroup accepts (group.min.session.timeout.ms, group.max.session.timeout.ms). */
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  /** Members a consumer group may have (group.max.size). */
  readonly groupMaxSize: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Storage defaults for every topic (topic configs override them). */
  readonly log: Partial<LogConfig>;
  /** Kafka's listeners, e.g. ["PLAINTEXT://127.0.0.1:9092", "SASL_SSL://127.0.0.1:9094"]; null: one PLAINTEXT listener on host:port. */
  readonly listeners: readonly string[] | null;
  /** What Metadata tells a client of each listener, by listener name ("SASL_SSL://broker.example:9094"). */
  readonly advertisedListeners: readonly string[] | null;
  /** Certificate, key and trusted CA for the SSL and SASL_SSL listeners. */
  readonly tls: TlsSettings | null;
  /** SASL mechanisms the SASL listeners offer (sasl.enabled.mechanisms). */
  readonly saslMechanisms: readonly string[];
  /** Principals ACLs never refuse (super.users), e.g. "User:admin". */
  readonly superUsers: readonly string[];
  /** Resources with no ACL are open to all (allow.everyone.if.no.acl.found); null: only while no listener authenticates. */
  readonly allowEveryoneIfNoAclFound: boolean | null;
  /** Connections must authenticate again this often (connections.max.reauth.ms, KIP-368); 0: never. */
  readonly connectionsMaxReauthMs: number;
  /** SCRAM users created at start (tests, startBroker): stored salted and hashed like any other. */
  readonly users: readonly UserSeed[];
}

export interface TlsSettings {
  readonly certFile: string;
  readonly keyFile: string;
  /** CAs trusted for client certificates; null: the system's. */
  readonly caFile: string | null;
  readonly clientAuth: 'none' | 'requested' | 'required';
}

export interface UserSeed {
  readonly name: string;
  readonly password: string;
  /** Both SCRAM mechanisms when omitted. */
  readonly mechanism?: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
}

type Kind = 'integer' | 'string' | 'boolean' | 'string-list' | { oneOf: readonly string[] };

const BROKER_KEYS: Record<Exclude<keyof BrokerConfig, 'log' | 'tls' | 'users'>, Kind> = {
  nodeId: 'integer',
  host: 'string',
  port: 'integer',
  advertisedHost: 'string',
  advertisedPort: 'integer',
  dataDir: 'string',
  autoCreateTopics: 'boolean',
  numPartitions: 'integer',
  maxRequestBytes: 'integer',
  maxInFlightRequests: 'integer',
  maxInFlightBytes: 'integer',
  groupInitialRebalanceDelayMs: 'integer',
  groupMinSessionTimeoutMs: 'integer',
  groupMaxSessionTimeoutMs: 'integer',
  groupMaxSize: 'integer',
  logLevel: { oneOf: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
  listeners: 'string-list',
  advertisedListeners: 'string-list',
  saslMechanisms: 'string-list',
  superUsers: 'string-list',
  allowEveryoneIfNoAclFound: 'boolean',
  connectionsMaxReauthMs: 'integer',
};

const TLS_KEYS: Record<keyof TlsSettings, Kind> = {
  certFile: 'string',
  keyFile: 'string',
  caFile: 'string',
  clientAuth: { oneOf: ['none', 'requested', 'required'] },
};

const LOG_KEYS: Record<keyof LogConfig, Kind> = {
  segmentBytes: 'integer',
  segmentMs: 'integer',
  indexIntervalBytes: 'integer',
  segmentIndexBytes: 'integer',
  retentionBytes: 'integer',
  retentionMs: 'integer',
  flushPolicy: { oneOf: ['fsync', 'interval', 'os'] satisfies FlushPolicy[] },
  flushMs: 'integer',
  maxMessageBytes: 'integer',
  checkpointMs: 'integer',
  maxPendingBytes: 'integer',
  preallocateBytes: 'integer',
  timestampType: { oneOf: ['CreateTime', 'LogAppendTime'] satisfies TimestampType[] },
  producerIdExpirationMs: 'integer',
};

export const DEFAULT_BROKER_CONFIG: BrokerConfig = {
  nodeId: 0,
  host: '127.0.0.1',
  port: 9092,
  advertisedHost: null,
  advertisedPort: null,
  dataDir: './sluice-data',
  autoCreateTopics: true,
  numPartitions: 1,
  maxRequestBytes: 100 * 1024 * 1024,
  maxInFlightRequests: 256,
  maxInFlightBytes: 64 * 1024 * 1024,
  groupInitialRebalanceDelayMs: 3000,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupMaxSize: 2_147_483_647,
  logLevel: 'info',
  log: {},
  listeners: null,
  advertisedListeners: null,
  tls: null,
  saslMechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
  superUsers: [],
  allowEveryoneIfNoAclFound: null,
  connectionsMaxReauthMs: 0,
  users: [],
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly key: string, readonly source: string, reason: string) {
    super(`${source}: ${key} ${reason}`);
  }
}

export type BrokerConfigInput = Partial<Omit<BrokerConfig, 'log' | 'tls'>> & { log?: Partial<LogConfig>; tls?: Partial<TlsSettings> | null };

/** Checks an untyped object (from YAML, env or flags) against the declared keys. */
export function parseConfigObject(input: unknown, source: string): BrokerConfigInput {
  if (input === null || input === undefined) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new ConfigError('(top level)', source, 'must be a mapping of keys to values');
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'log' || key === 'tls') {
      result[key] = parseSection(value, key === 'log' ? LOG_KEYS : TLS_KEYS, source, `${key}.`);
      continue;
    }
    if (key === 'users') {
      result.users = parseUsers(value, source);
      continue;
    }
    const kind = (BROKER_KEYS as Record<string, Kind>)[key];
    if (kind === undefined) throw new ConfigError(key, source, 'is not a known setting');
    result[key] = coerce(value, kind, key, source);
  }
  return result as BrokerConfigInput;
}

function parseSection(input: unknown, keys: Record<string, Kind>, source: string, prefix: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ConfigError(prefix.slice(0, -1), source, 'must be a mapping');
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const kind = keys[key];
    if (kind === undefined) throw new ConfigError(prefix + key, source, 'is not a known setting');
    result[key] = coerce(value, kind, prefix + key, source);
  }
  return result;
}

/** Accepts the value's own type, or a string spelling of it (environment variables, flags). */
function coerce(value: unknown, kind: Kind, key: string, source: string): unknown {
  if (kind === 'integer') {
    const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw new ConfigError(key, source, `must be an integer, got ${JSON.stringify(value)}`);
    return number;
  }
  if (kind === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new ConfigError(key, source, `must be true or false, got ${JSON.stringify(value)}`);
  }
  if (kind === 'string') {
    if (typeof value !== 'string' || value.length === 0) throw new ConfigError(key, source, `must be a non-empty string, got ${JSON.stringify(value)}`);
    return value;
  }
  if (kind === 'string-list') {
    const list = typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value;
    if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) throw new ConfigError(key, source, `must be a list of strings, got ${JSON.stringify(value)}`);
    return list;
  }
  if (typeof value !== 'string' || !kind.oneOf.includes(value)) throw new ConfigError(key, source, `must be one of ${kind.oneOf.join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

function parseUsers(value: unknown, source: string): UserSeed[] {
  if (!Array.isArray(value)) throw new ConfigError('users', source, 'must be a list of { name, password }');
  return value.map((user: unknown, i) => {
    const { name, password, mechanism } = (user ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || name === '' || typeof password !== 'string' || password === '') throw new ConfigError(`users[${i}]`, source, 'needs a name and a password');
    if (mechanism !== undefined && mechanism !== 'SCRAM-SHA-256' && mechanism !== 'SCRAM-SHA-512') throw new ConfigError(`users[${i}].mechanism`, source, 'must be SCRAM-SHA-256 or SCRAM-SHA-512');
    return { name, password, ...(mechanism === undefined ? {} : { mechanism }) };
  });
}

/** SLUICE_PORT=9093, SLUICE_DATA_DIR=..., SLUICE_LOG_FLUSH_POLICY=fsync: upper snake case of each key. */
export function configFromEnvironment(env: NodeJS.ProcessEnv): BrokerConfigInput {
  const found: Record<string, unknown> = {};
  const log: Record<string, unknown> = {};
  for (const key of Object.keys(BROKER_KEYS)) {
    const value = env[`SLUICE_${snake(key)}`];
    if (value !== undefined) found[key] = value;
  }
  for (const key of Object.keys(LOG_KEYS)) {
    const value = env[`SLUICE_LOG_${snake(key)}`];
    if (value !== undefined) log[key] = value;
  }
  if (Object.keys(log).length > 0) found.log = log;
  const tls = Object.fromEntries(Object.keys(TLS_KEYS).flatMap((key) => (env[`SLUICE_TLS_${snake(key)}`] === undefined ? [] : [[key, env[`SLUICE_TLS_${snake(key)}`]]])));
  if (Object.keys(tls).length > 0) found.tls = tls;
  return parseConfigObject(found, 'environment');
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase();
}

/** Layers inputs over the defaults (later wins) and checks the result as a whole. */
export function resolveBrokerConfig(...layers: BrokerConfigInput[]): BrokerConfig {
  let merged: BrokerConfig = DEFAULT_BROKER_CONFIG;
  // TLS settings may come in parts from different layers (the certificate from a flag, the key from the environment).
  let tls: Partial<TlsSettings> | null = null;
  for (const layer of layers) {
    merged = { ...merged, ...layer, log: { ...merged.log, ...layer.log }, tls: merged.tls };
    if (layer.tls !== undefined) tls = layer.tls === null ? null : { ...(tls ?? {}), ...layer.tls };
  }
  merged = { ...merged, tls: completeTls(tls) };
  if (merged.port < 0 || merged.port > 65535) throw new ConfigError('port', 'config', `must be 0..65535, got ${merged.port}`);
  if (merged.numPartitions < 1) throw new ConfigError('numPartitions', 'config', `must be at least 1, got ${merged.numPartitions}`);
  for (const key of ['maxRequestBytes', 'maxInFlightRequests', 'maxInFlightBytes'] as const) {
    if (merged[key] < 1) throw new ConfigError(key, 'config', `must be positive, got ${merged[key]}`);
  }
  checkGroupSettings(merged);
  try {
    resolveLogConfig(merged.log);
  } catch (error) {
    throw new ConfigError('log', 'config', error instanceof Error ? error.message : String(error));
  }
  return merged;
}

function completeTls(tls: Partial<TlsSettings> | null): TlsSettings | null {
  if (tls === null) return null;
  const { certFile, keyFile } = tls;
  if (certFile === undefined || keyFile === undefined) throw new ConfigError('tls', 'config', 'needs certFile and keyFile');
  return { caFile: null, clientAuth: 'none', ...tls, certFile, keyFile };
}

function checkGroupSettings(config: BrokerConfig): void {
  if (config.groupInitialRebalanceDelayMs < 0) {
    throw new ConfigError('groupInitialRebalanceDelayMs', 'config', `must not be negative, got ${config.groupInitialRebalanceDelayMs}`);
  }
  if (config.groupMinSessionTimeoutMs < 0 || config.groupMinSessionTimeoutMs > config.groupMaxSessionTimeoutMs) {
    throw new ConfigError('groupMinSessionTimeoutMs', 'config', `must be 0..groupMaxSessionTimeoutMs (${config.groupMaxSessionTimeoutMs}), got ${config.groupMinSessionTimeoutMs}`);
  }
  if (config.groupMaxSize < 1) throw new ConfigError('groupMaxSize', 'config', `must be at least 1, got ${config.groupMaxSize}`);
}

/** A fresh data directory under the system temp dir (what startBroker uses when given none). */
export function temporaryDataDir(): string {
  return join(tmpdir(), `sluice-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`);
}
