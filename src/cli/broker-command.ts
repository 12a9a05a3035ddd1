// `sluice broker`: run a broker in the foreground until SIGINT/SIGTERM, then shut down cleanly
// (stop accepting, finish in-flight writes, flush, write the clean-shutdown marker).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { startBroker } from '../broker/broker.js';
import { ConfigError, configFromEnvironment, parseConfigObject, resolveBrokerConfig, type BrokerConfigInput } from '../broker/config.js';
import { describeBackend } from '../hotpath/index.js';
import { VERSION } from './version.js';

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
  const config = resolveBrokerConfig(fromFile(flags.config), configFromEnvironment(process.env), fromFlags(flags));
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

function fromFile(path: string | undefined): BrokerConfigInput {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('--config', path, `cannot be read: ${(error as Error).message}`);
  }
  return parseConfigObject(parseYaml(text), path);
}

function fromFlags(flags: BrokerFlags): BrokerConfigInput {
  const given: Record<string, unknown> = {};
  if (flags.port !== undefined) given.port = flags.port;
  if (flags.host !== undefined) given.host = flags.host;
  if (flags.data !== undefined) given.dataDir = flags.data;
  if (flags.logLevel !== undefined) given.logLevel = flags.logLevel;
  return parseConfigObject(given, 'command line');
}
