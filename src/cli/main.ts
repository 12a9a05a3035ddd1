// The `sluice` command.
import { Command } from 'commander';
import { registerAclCommand } from './acl-command.js';
import { registerBenchCommand } from './bench-command.js';
import { registerBrokerCommand } from './broker-command.js';
import { registerConsumeCommand } from './consume-command.js';
import { registerGroupsCommand } from './groups-command.js';
import { registerProduceCommand } from './produce-command.js';
import { registerTopicsCommand } from './topics-command.js';
import { registerTransactionsCommands } from './transactions-command.js';
import { registerUsersCommand } from './users-command.js';
import { VERSION } from './version.js';

const program = new Command('sluice').description('a Kafka-compatible message broker for Node').version(VERSION);
registerBrokerCommand(program);
registerProduceCommand(program);
registerConsumeCommand(program);
registerTopicsCommand(program);
registerGroupsCommand(program);
registerTransactionsCommands(program);
registerUsersCommand(program);
registerAclCommand(program);
registerBenchCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // Checked by name: importing ConfigError here would load the whole broker for every command.
  const message = error instanceof Error ? (error.name === 'ConfigError' ? `config error: ${error.message}` : error.message) : String(error);
  process.stderr.write(`sluice: ${message}\n`);
  process.exit(1);
});
