// `sluice users add|delete|list`: SCRAM users, online through the broker's admin APIs
// (AlterUserScramCredentials, DescribeUserScramCredentials, as kafka-configs.sh uses them), or
// offline on a stopped broker's data directory with --data. A new user's password comes from
// stdin (--password-stdin) or a prompt, never from the command line.
import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import type { ScramMechanism } from '../protocol/scram.js';
import { withAdmin, withBrokersOption, type BrokerFlag } from './client-options.js';
import { readSecret } from './secret-input.js';
import { table } from './table.js';

interface UserFlags extends BrokerFlag {
  data?: string;
  mechanism?: string;
  passwordStdin?: boolean;
}

const MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];
const DATA_FLAG = '--data <dir>';
const DATA_HELP = "work on this data directory instead of a broker (stop the broker first: it reads users.json at start)";

export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('SCRAM users for SASL (PLAIN checks against them too)');
  withBrokersOption(users.command('add').description('add a user, or set its password').argument('<name>'))
    .option('--mechanism <name>', 'SCRAM-SHA-256 or SCRAM-SHA-512 (default: both)')
    .option('--password-stdin', 'read the password from stdin instead of prompting')
    .option(DATA_FLAG, DATA_HELP)
    .action(async (name: string, flags: UserFlags) => {
      const mechanisms = mechanismsOf(flags.mechanism);
      const password = await readSecret(`password for ${name}: `, flags.passwordStdin === true);
      if (password.length === 0) throw new Error('the password is empty');
      if (flags.data !== undefined) await (await offlineUsers(flags.data)).setPassword(name, password, mechanisms);
      else await withAdmin(flags, async (admin) => { for (const mechanism of mechanisms) await admin.upsertScramUser(name, mechanism, password); });
      process.stdout.write(`user ${name} set (${mechanisms.join(', ')})\n`);
    });
  withBrokersOption(users.command('delete').description("delete a user's credentials").argument('<name>'))
    .option('--mechanism <name>', 'only this mechanism (default: every one the user has)')
    .option(DATA_FLAG, DATA_HELP)
    .action(async (name: string, flags: UserFlags) => {
      const deleted = flags.data !== undefined ? await deleteOffline(flags.data, name, flags.mechanism) : await deleteOnline(flags, name, flags.mechanism);
      if (!deleted) throw new Error(`no user ${name}${flags.mechanism === undefined ? '' : ` with ${flags.mechanism}`}`);
      process.stdout.write(`user ${name} deleted\n`);
    });
  withBrokersOption(users.command('list').description('users and their mechanisms'))
    .option(DATA_FLAG, DATA_HELP)
    .action(async (flags: UserFlags) => {
      const listed = flags.data !== undefined
        ? (await offlineUsers(flags.data)).list().map((u) => ({ user: u.name, mechanisms: u.mechanisms }))
        : await withAdmin(flags, (admin) => admin.describeScramUsers());
      if (listed.length === 0) return void process.stdout.write('no users\n');
      const rows = listed.map((u) => [u.user, u.mechanisms.map((m) => `${m.mechanism} (${m.iterations} iterations)`).join(', ')]);
      process.stdout.write(`${table(['user', 'mechanisms'], rows)}\n`);
    });
}

function mechanismsOf(name: string | undefined): ScramMechanism[] {
  if (name === undefined) return [...MECHANISMS];
  const mechanism = MECHANISMS.find((m) => m === name.toUpperCase());
  if (mechanism === undefined) throw new Error(`--mechanism must be ${MECHANISMS.join(' or ')}, got ${name}`);
  return [mechanism];
}

/** The data directory's users; the directory is made when missing (users are often added before a broker's first start). */
async function offlineUsers(dataDir: string) {
  const { UserStore } = await import('../broker/security/users.js');
  mkdirSync(dataDir, { recursive: true });
  return UserStore.open(dataDir);
}

async function deleteOffline(dataDir: string, name: string, mechanism: string | undefined): Promise<boolean> {
  const store = await offlineUsers(dataDir);
  return store.delete(name, mechanism === undefined ? undefined : mechanismsOf(mechanism)[0]);
}

async function deleteOnline(flags: BrokerFlag, name: string, mechanism: string | undefined): Promise<boolean> {
  return withAdmin(flags, async (admin) => {
    const [found] = await admin.describeScramUsers([name]).catch(() => []);
    const doomed = mechanism === undefined ? (found?.mechanisms ?? []).map((m) => m.mechanism) : mechanismsOf(mechanism);
    for (const m of doomed) await admin.deleteScramUser(name, m);
    return doomed.length > 0;
  });
}
