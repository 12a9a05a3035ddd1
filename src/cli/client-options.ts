// What every client-side command shares: where the brokers are.
import type { Command } from 'commander';
import type { Admin, Client } from '../client/index.js';

export interface BrokerFlag {
  brokers?: string;
}

const DEFAULT_BROKERS = '127.0.0.1:9092';

export function withBrokersOption(command: Command): Command {
  return command.option('-b, --brokers <list>', `comma-separated bootstrap brokers (default $SLUICE_BROKERS or ${DEFAULT_BROKERS})`);
}

/** The client is imported on first use, so `sluice broker` and --help never load it. */
export async function clientFor(flags: BrokerFlag, clientId: string): Promise<Client> {
  const { createClient } = await import('../client/index.js');
  const list = flags.brokers ?? process.env.SLUICE_BROKERS ?? DEFAULT_BROKERS;
  return createClient({ brokers: list.split(',').map((b) => b.trim()).filter(Boolean), clientId, retry: { retries: 3 } });
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
