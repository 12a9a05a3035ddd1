// `sluice broker`: run a broker in the foreground until SIGINT/SIGTERM, then shut down cleanly
// (stop accepting, finish in-flight writes, flush, write the clean-shutdown marker).
import { readFileSync } from 'node:fs';
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
  process.stdout.write(
    `sluice ${VERSION} broker listening on ${broker.bootstrap}\n` +
      `  data:    ${broker.dataDir}\n` +
      `  backend: ${describeBackend()}\n`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
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
  return parseConfigObject(given, 'command line');
}
