// `sluice consume`: read a topic (all partitions, or one) from earliest, latest or an offset,
// and stop at the end unless --follow. Formats: the value alone, key and value, or JSON lines.
// With --group it joins a consumer group instead: the group assigns the partitions, reading
// starts at the group's committed offsets (--from where there are none), and it follows until
// Ctrl-C or --limit, committing what it printed before it leaves.
import type { Command } from 'commander';
import type { Admin, ConsumedMessage, OffsetSpec } from '../client/index.js';
import { clientFor, integerFlag, withBrokersOption, type BrokerFlag } from './client-options.js';

interface ConsumeFlags extends BrokerFlag {
  topic: string;
  partition?: string;
  from: string;
  follow?: boolean;
  format: string;
  limit?: string;
  group?: string;
}

const FORMATS = ['value', 'kv', 'json'] as const;
type Format = (typeof FORMATS)[number];

export function registerConsumeCommand(program: Command): void {
  withBrokersOption(
    program
      .command('consume')
      .description('print the messages of a topic')
      .requiredOption('-t, --topic <topic>', 'topic to read')
      .option('-p, --partition <n>', 'only this partition (default: all)')
      .option('--from <where>', 'earliest, latest or an offset', 'earliest')
      .option('-f, --follow', 'keep waiting for new messages instead of stopping at the end')
      .option('--format <format>', `${FORMATS.join(', ')}`, 'value')
      .option('-n, --limit <count>', 'stop after this many messages')
      .option('-g, --group <group>', 'consume as a member of this consumer group (commits offsets; follows until Ctrl-C)'),
  ).action(async (flags: ConsumeFlags) => (flags.group === undefined ? consume(flags) : consumeInGroup(flags, flags.group)));
}

async function consumeInGroup(flags: ConsumeFlags, groupId: string): Promise<void> {
  if (flags.partition !== undefined) throw new Error('--partition cannot be combined with --group: the group assigns the partitions');
  if (flags.from !== 'earliest' && flags.from !== 'latest') throw new Error('with --group, --from must be earliest or latest (where to start without a committed offset)');
  const format = parseFormat(flags.format);
  const limit = integerFlag('limit', flags.limit) ?? Infinity;
  const client = await clientFor(flags, 'sluice-cli-consumer');
  const consumer = client.consumer({ groupId, autoOffsetReset: flags.from, maxWaitMs: 200 });
  // Ctrl-C ends the iteration; closing commits the positions and leaves the group.
  const stop = (): void => void consumer.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    consumer.subscribe([flags.topic]);
    let printed = 0;
    for await (const message of consumer) {
      process.stdout.write(`${render(message, format)}\n`);
      if (++printed >= limit) {
        await consumer.commit();
        break;
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await client.close();
  }
}

async function consume(flags: ConsumeFlags): Promise<void> {
  const format = parseFormat(flags.format);
  const start = parseStart(flags.from);
  const limit = integerFlag('limit', flags.limit) ?? Infinity;
  const client = await clientFor(flags, 'sluice-cli-consumer');
  try {
    const admin = client.admin();
    const partitions = await partitionsToRead(admin, flags);
    const ends = flags.follow ? null : await endOffsets(admin, flags.topic, partitions);
    const consumer = client.consumer({ autoOffsetReset: 'earliest', maxWaitMs: 200 });
    consumer.assign(partitions.map((partition) => ({ topic: flags.topic, partition, offset: start })));
    const remaining = new Set(partitions.filter((p) => ends === null || startBeforeEnd(start, ends.get(p) ?? 0)));
    let printed = 0;
    if (ends !== null && remaining.size === 0) return;
    for await (const message of consumer) {
      process.stdout.write(`${render(message, format)}\n`);
      if (++printed >= limit) break;
      if (ends !== null && message.offset + 1 >= (ends.get(message.partition) ?? 0)) {
        remaining.delete(message.partition);
        if (remaining.size === 0) break;
      }
    }
  } finally {
    await client.close();
  }
}

async function partitionsToRead(admin: Admin, flags: ConsumeFlags): Promise<number[]> {
  const only = integerFlag('partition', flags.partition);
  if (only !== undefined) return [only];
  const [description] = await admin.describeTopics([flags.topic]);
  return description.partitions.map((p) => p.partition);
}

async function endOffsets(admin: Admin, topic: string, partitions: readonly number[]): Promise<Map<number, number>> {
  const latest = await admin.listOffsets(topic, 'latest');
  return new Map(latest.filter((p) => partitions.includes(p.partition)).map((p) => [p.partition, p.offset]));
}

/** Whether reading from `start` can find anything below `end` (latest never can, without --follow). */
function startBeforeEnd(start: OffsetSpec, end: number): boolean {
  if (start === 'latest') return false;
  if (start === 'earliest') return end > 0;
  return start < end;
}

function parseStart(from: string): OffsetSpec {
  if (from === 'earliest' || from === 'latest') return from;
  const offset = integerFlag('from', from);
  if (offset === undefined || offset < 0) throw new Error(`--from must be earliest, latest or an offset, got ${JSON.stringify(from)}`);
  return offset;
}

function parseFormat(format: string): Format {
  if ((FORMATS as readonly string[]).includes(format)) return format as Format;
  throw new Error(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
}

function render(message: ConsumedMessage, format: Format): string {
  const value = message.value?.toString('utf8') ?? '';
  if (format === 'value') return value;
  if (format === 'kv') return `${message.key?.toString('utf8') ?? ''}\t${value}`;
  return JSON.stringify({
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key?.toString('utf8') ?? null,
    value: message.value?.toString('utf8') ?? null,
    headers: Object.fromEntries(message.headers.map((h) => [h.key, h.value?.toString('utf8') ?? null])),
  });
}
