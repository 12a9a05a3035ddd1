#!/usr/bin/env node
// The `sluice` command.
import { Command } from 'commander';
import { ConfigError } from '../broker/config.js';
import { registerBenchCommand } from './bench-command.js';
import { registerBrokerCommand } from './broker-command.js';
import { registerConsumeCommand } from './consume-command.js';
import { registerProduceCommand } from './produce-command.js';
import { registerTopicsCommand } from './topics-command.js';
import { VERSION } from './version.js';

const program = new Command('sluice').description('a Kafka-compatible message broker for Node').version(VERSION);
registerBrokerCommand(program);
registerProduceCommand(program);
registerConsumeCommand(program);
registerTopicsCommand(program);
registerBenchCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof ConfigError ? `config error: ${error.message}` : error instanceof Error ? error.message : String(error);
  process.stderr.write(`sluice: ${message}\n`);
  process.exit(1);
});
