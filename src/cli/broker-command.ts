// `sluice broker`: run a broker in the foreground until SIGINT/SIGTERM, then shut down cleanly
// (stop accepting, finish in-flight writes, flush, write the clean-shutdown marker).
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { Command } from 'commander';
import type { BrokerConfigInput } from '../broker/config.js';
import { VERSION } from './version.js';

// The broker, its config layer and the YAML parser are imported when the command runs, so that
// other commands (and --help) do not pay for loading them.

interface BrokerFlags {
  port?: string;
  host?: string;
  data?: string;
  config?: string;
  logLevel?: string;
  listeners?: string;
  advertisedListeners?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsClientAuth?: string;
  superUsers?: string;
}

export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description('run a Kafka-compatible broker')
    .option('-p, --port <port>', 'port to listen on (default 9092; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('-d, --data <dir>', 'data directory (default ./sluice-data)')
    .option('-c, --config <file>', 'YAML config file; flags and SLUICE_* environment variables override it')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--listeners <list>', 'e.g. PLAINTEXT://127.0.0.1:9092,SASL_SSL://127.0.0.1:9094 (instead of --host/--port)')
    .option('--advertised-listeners <list>', 'what Metadata tells clients of each listener, e.g. SASL_SSL://broker.example:9094')
    .option('--tls-cert <file>', 'PEM certificate for SSL and SASL_SSL listeners (reloaded on SIGHUP or when it changes)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-ca <file>', 'PEM CA that client certificates must chain to')
    .option('--tls-client-auth <mode>', 'none, requested or required: whether clients present certificates')
    .option('--super-users <list>', 'principals no ACL refuses, e.g. User:admin')
    .action(async (flags: BrokerFlags) => runBroker(flags));
}

async function runBroker(flags: BrokerFlags): Promise<void> {
  const [{ pino }, { startBroker }, { configFromEnvironment, resolveBrokerConfig }, { describeBackend }] = await Promise.all([
    import('pino'),
    import('../broker/broker.js'),
    import('../broker/config.js'),
    import('../hotpath/index.js'),
  ]);
  const config = resolveBrokerConfig(await fromFile(flags.config), configFromEnvironment(process.env), await fromFlags(flags));
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  const broker = await startBroker({ ...config, logger });
  const reloadTls = (why: string): void => {
    try {
      broker.reloadTls();
      logger.info({ why }, 'TLS certificate and key reloaded');
    } catch (error) {
      logger.error({ err: error, why }, 'TLS reload failed; the previous certificate stays in use');
    }
  };
  const watched = watchTlsFiles(config.tls, reloadTls);
  process.on('SIGHUP', () => reloadTls('SIGHUP'));
  process.stdout.write(
    `sluice ${VERSION} broker listening on ${broker.listeners.map((l) => (l.name === 'PLAINTEXT' ? l.bootstrap : `${l.name}://${l.bootstrap}`)).join(', ')}\n` +
      `  data:    ${broker.dataDir}\n` +
      `  backend: ${describeBackend()}\n`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    for (const file of watched) unwatchFile(file);
    broker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Watches the certificate, key and CA files (polling: editors and cert-manager replace files); returns what it watches. */
function watchTlsFiles(tls: { certFile: string; keyFile: string; caFile: string | null } | null, reload: (why: string) => void): string[] {
  if (tls === null) return [];
  const files = [tls.certFile, tls.keyFile, ...(tls.caFile === null ? [] : [tls.caFile])];
  for (const file of files) watchFile(file, { interval: 2000, persistent: false }, (now, before) => now.mtimeMs !== before.mtimeMs && reload(`${file} changed`));
  return files;
}

async function fromFile(path: string | undefined): Promise<BrokerConfigInput> {
  if (path === undefined) return {};
  const [{ parse: parseYaml }, { ConfigError, parseConfigObject }] = await Promise.all([import('yaml'), import('../broker/config.js')]);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('--config', path, `cannot be read: ${(error as Error).message}`);
  }
  return parseConfigObject(parseYaml(text), path);
}

async function fromFlags(flags: BrokerFlags): Promise<BrokerConfigInput> {
  const { parseConfigObject } = await import('../broker/config.js');
  const given: Record<string, unknown> = {};
  if (flags.port !== undefined) given.port = flags.port;
  if (flags.host !== undefined) given.host = flags.host;
  if (flags.data !== undefined) given.dataDir = flags.data;
  if (flags.logLevel !== undefined) given.logLevel = flags.logLevel;
  if (flags.listeners !== undefined) given.listeners = flags.listeners;
  if (flags.advertisedListeners !== undefined) given.advertisedListeners = flags.advertisedListeners;
  if (flags.superUsers !== undefined) given.superUsers = flags.superUsers;
  const tls = { certFile: flags.tlsCert, keyFile: flags.tlsKey, caFile: flags.tlsCa, clientAuth: flags.tlsClientAuth };
  const tlsGiven = Object.fromEntries(Object.entries(tls).filter(([, value]) => value !== undefined));
  if (Object.keys(tlsGiven).length > 0) given.tls = tlsGiven;
  return parseConfigObject(given, 'command line');
}
