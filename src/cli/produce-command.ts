// `sluice produce`: one message from the command line, or one per line of standard input.
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Acks, Message } from '../client/index.js';
import { clientFor, integerFlag, withBrokersOption, type BrokerFlag } from './client-options.js';

interface ProduceFlags extends BrokerFlag {
  topic: string;
  key?: string;
  partition?: string;
  acks: string;
  keySeparator?: string;
}

const ACKS: Record<string, Acks> = { all: -1, '-1': -1, '1': 1, '0': 0 };
/** Lines read from stdin go out in batches of this many. */
const LINES_PER_SEND = 1000;

export function registerProduceCommand(program: Command): void {
  withBrokersOption(
    program
      .command('produce')
      .description('produce MESSAGE, or one message per line of standard input')
      .argument('[message]')
      .requiredOption('-t, --topic <topic>', 'topic to write to')
      .option('-k, --key <key>', 'key of every message')
      .option('-p, --partition <n>', 'partition (default: by key, or round-robin)')
      .option('--acks <acks>', 'all, 1 or 0', 'all')
      .option('--key-separator <sep>', 'split each stdin line into key and value at the first SEP'),
  ).action(async (message: string | undefined, flags: ProduceFlags) => produce(message, flags));
}

async function produce(message: string | undefined, flags: ProduceFlags): Promise<void> {
  const acks = ACKS[flags.acks];
  if (acks === undefined) throw new Error(`--acks must be all, 1 or 0, got ${JSON.stringify(flags.acks)}`);
  const partition = integerFlag('partition', flags.partition);
  const client = await clientFor(flags, 'sluice-cli-producer');
  const producer = client.producer({ acks });
  const toMessage = (line: string): Message => ({ ...splitKey(line, flags), ...(partition === undefined ? {} : { partition }) });
  let sent = 0;
  try {
    if (message !== undefined) {
      await producer.send({ topic: flags.topic, messages: [toMessage(message)] });
      sent = 1;
    } else {
      let pending: Message[] = [];
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        pending.push(toMessage(line));
        if (pending.length < LINES_PER_SEND) continue;
        await producer.send({ topic: flags.topic, messages: pending });
        sent += pending.length;
        pending = [];
      }
      if (pending.length > 0) await producer.send({ topic: flags.topic, messages: pending });
      sent += pending.length;
    }
  } finally {
    await client.close();
  }
  process.stderr.write(`produced ${sent} message${sent === 1 ? '' : 's'} to ${flags.topic}\n`);
}

function splitKey(line: string, flags: ProduceFlags): { key?: string; value: string } {
  if (flags.keySeparator !== undefined) {
    const at = line.indexOf(flags.keySeparator);
    if (at >= 0) return { key: line.slice(0, at), value: line.slice(at + flags.keySeparator.length) };
  }
  return flags.key === undefined ? { value: line } : { key: flags.key, value: line };
}
