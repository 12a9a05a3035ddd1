// Kafka's listeners: NAME://host:port, where the name is the security protocol (PLAINTEXT, SSL,
// SASL_PLAINTEXT, SASL_SSL), each with the address Metadata advertises for it. Without a
// `listeners` setting, host and port make the one PLAINTEXT listener, as before.
import { ConfigError, type BrokerConfig } from './config.js';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export interface ListenerSpec {
  readonly name: string;
  readonly protocol: SecurityProtocol;
  readonly host: string;
  readonly port: number;
}

export interface Address {
  readonly host: string;
  readonly port: number;
}

const LISTENER = /^([A-Z_]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/;

/** "SASL_SSL://127.0.0.1:9094" as a listener; an empty host means every interface. */
export function parseListener(text: string, key: string): ListenerSpec {
  const match = LISTENER.exec(text.trim());
  if (match === null) throw new ConfigError(key, 'config', `${JSON.stringify(text)} is not NAME://host:port`);
  const [, name, rawHost, rawPort] = match;
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(name)) throw new ConfigError(key, 'config', `listener ${name} is not one of ${SECURITY_PROTOCOLS.join(', ')}`);
  const port = Number(rawPort);
  if (port > 65535) throw new ConfigError(key, 'config', `port ${port} is out of range`);
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return { name, protocol: name as SecurityProtocol, host: host === '' ? '0.0.0.0' : host, port };
}

/** The broker's listeners, checked: distinct names, TLS settings for SSL ones, mechanisms for SASL ones. */
export function listenersOf(config: BrokerConfig): ListenerSpec[] {
  const listeners = config.listeners === null ? [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT' as const, host: config.host, port: config.port }] : config.listeners.map((text) => parseListener(text, 'listeners'));
  if (listeners.length === 0) throw new ConfigError('listeners', 'config', 'needs at least one listener');
  const names = new Set<string>();
  for (const listener of listeners) {
    if (names.has(listener.name)) throw new ConfigError('listeners', 'config', `listener ${listener.name} is given twice`);
    names.add(listener.name);
    if (usesTls(listener.protocol) && config.tls === null) throw new ConfigError('tls', 'config', `listener ${listener.name} needs tls.certFile and tls.keyFile`);
    if (usesSasl(listener.protocol) && config.saslMechanisms.length === 0) throw new ConfigError('saslMechanisms', 'config', `listener ${listener.name} needs at least one SASL mechanism`);
  }
  return listeners;
}

/** What Metadata tells clients of each listener: advertisedListeners, else advertisedHost/Port (one listener), else the bound address. */
export function advertisedAddresses(config: BrokerConfig, listeners: readonly ListenerSpec[], boundPorts: ReadonlyMap<string, number>): Map<string, Address> {
  const advertised = new Map<string, Address>();
  for (const listener of listeners) {
    const bound = boundPorts.get(listener.name) ?? listener.port;
    const host = listener.host === '0.0.0.0' ? '127.0.0.1' : listener.host;
    advertised.set(listener.name, { host: config.advertisedHost ?? host, port: config.advertisedPort ?? bound });
  }
  for (const text of config.advertisedListeners ?? []) {
    const spec = parseListener(text, 'advertisedListeners');
    if (!advertised.has(spec.name)) throw new ConfigError('advertisedListeners', 'config', `${spec.name} is not a listener`);
    advertised.set(spec.name, { host: spec.host, port: spec.port });
  }
  return advertised;
}

export function usesTls(protocol: SecurityProtocol): boolean {
  return protocol === 'SSL' || protocol === 'SASL_SSL';
}

export function usesSasl(protocol: SecurityProtocol): boolean {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
}
