// What every client-side command shares: where the brokers are and how to reach them securely.
// The TLS and SASL flags are rpk's (--tls-enabled, --tls-truststore, --user, --password,
// --sasl-mechanism); SLUICE_USER, SLUICE_PASSWORD and SLUICE_SASL_MECHANISM stand in for them,
// so a password need not appear in the process list.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Admin, Client, ClientOptions } from '../client/index.js';

export interface BrokerFlag {
  brokers?: string;
  tlsEnabled?: boolean;
  tlsTruststore?: string;
  tlsCert?: string;
  tlsKey?: string;
  user?: string;
  password?: string;
  saslMechanism?: string;
}

const DEFAULT_BROKERS = '127.0.0.1:9092';
const SASL_MECHANISMS = { 'SCRAM-SHA-256': 'scram-sha-256', 'SCRAM-SHA-512': 'scram-sha-512', PLAIN: 'plain' } as const;

export function withBrokersOption(command: Command): Command {
  return command
    .option('-b, --brokers <list>', `comma-separated bootstrap brokers (default $SLUICE_BROKERS or ${DEFAULT_BROKERS})`)
    .option('--tls-enabled', 'connect over TLS (implied by the other --tls-* flags)')
    .option('--tls-truststore <file>', 'PEM CA to verify the broker with (default: the system CAs)')
    .option('--tls-cert <file>', 'PEM client certificate, for brokers that ask for one')
    .option('--tls-key <file>', 'PEM key of --tls-cert')
    .option('--user <name>', 'SASL user (default $SLUICE_USER)')
    .option('--password <password>', 'SASL password (default $SLUICE_PASSWORD)')
    .option('--sasl-mechanism <name>', 'SCRAM-SHA-256 (default), SCRAM-SHA-512 or PLAIN');
}

/** The client is imported on first use, so `sluice broker` and --help never load it. */
export async function clientFor(flags: BrokerFlag, clientId: string): Promise<Client> {
  const { createClient } = await import('../client/index.js');
  const list = flags.brokers ?? process.env.SLUICE_BROKERS ?? DEFAULT_BROKERS;
  return createClient({ brokers: list.split(',').map((b) => b.trim()).filter(Boolean), clientId, retry: { retries: 3 }, ...securityOptions(flags, process.env) });
}

/** The client's ssl and sasl options for the flags and environment. */
export function securityOptions(flags: BrokerFlag, env: NodeJS.ProcessEnv): Pick<ClientOptions, 'ssl' | 'sasl'> {
  const options: { ssl?: ClientOptions['ssl']; sasl?: ClientOptions['sasl'] } = {};
  const file = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path));
  if (flags.tlsEnabled === true || flags.tlsTruststore !== undefined || flags.tlsCert !== undefined) {
    options.ssl = { ca: file(flags.tlsTruststore), cert: file(flags.tlsCert), key: file(flags.tlsKey) };
  }
  const user = flags.user ?? env.SLUICE_USER;
  if (user !== undefined) {
    const password = flags.password ?? env.SLUICE_PASSWORD;
    if (password === undefined) throw new Error('--user needs --password or $SLUICE_PASSWORD');
    const name = (flags.saslMechanism ?? env.SLUICE_SASL_MECHANISM ?? 'SCRAM-SHA-256').toUpperCase();
    const mechanism = SASL_MECHANISMS[name as keyof typeof SASL_MECHANISMS];
    if (mechanism === undefined) throw new Error(`--sasl-mechanism must be one of ${Object.keys(SASL_MECHANISMS).join(', ')}, got ${name}`);
    options.sasl = { mechanism, username: user, password };
  }
  return options;
}

/** Parses an integer flag, naming the flag when it is not one. */
export function integerFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new Error(`--${name} must be an integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** Runs `work` with an admin client for the flags' brokers, closed afterwards. */
export async function withAdmin<T>(flags: BrokerFlag, work: (admin: Admin) => Promise<T>): Promise<T> {
  const client = await clientFor(flags, 'sluice-cli-admin');
  try {
    return await work(client.admin());
  } finally {
    await client.close();
  }
}
