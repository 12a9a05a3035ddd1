// `sluice topics list|create|describe|delete`.
import type { Command } from 'commander';
import type { Admin } from '../client/index.js';
import { clientFor, integerFlag, withBrokersOption, type BrokerFlag } from './client-options.js';
import { table } from './table.js';

interface CreateFlags extends BrokerFlag {
  partitions?: string;
  config?: string[];
}

export function registerTopicsCommand(program: Command): void {
  const topics = program.command('topics').description('list, create, describe and delete topics');
  withBrokersOption(topics.command('list').description('list topic names')).action(async (flags: BrokerFlag) => {
    const names = await withAdmin(flags, (admin) => admin.listTopics());
    for (const name of names.sort()) process.stdout.write(`${name}\n`);
  });
  withBrokersOption(
    topics
      .command('create')
      .description('create a topic')
      .argument('<topic>')
      .option('-p, --partitions <n>', 'number of partitions (default: the broker\'s)')
      .option('-c, --config <key=value>', 'topic config, repeatable', collect, []),
  ).action(async (topic: string, flags: CreateFlags) => {
    const configs = Object.fromEntries((flags.config ?? []).map(parseConfig));
    const [created] = await withAdmin(flags, (admin) => admin.createTopics([{ topic, numPartitions: integerFlag('partitions', flags.partitions) ?? -1, configs }]));
    process.stdout.write(`created ${created.topic} with ${created.numPartitions} partition(s), id ${created.topicId ?? '-'}\n`);
  });
  withBrokersOption(topics.command('describe').description('partitions, leaders, offsets and configs of a topic').argument('<topic>')).action(
    async (topic: string, flags: BrokerFlag) => describe(topic, flags),
  );
  withBrokersOption(topics.command('delete').description('delete a topic and its data').argument('<topic>')).action(async (topic: string, flags: BrokerFlag) => {
    await withAdmin(flags, (admin) => admin.deleteTopics([topic]));
    process.stdout.write(`deleted ${topic}\n`);
  });
}

async function describe(topic: string, flags: BrokerFlag): Promise<void> {
  const { description, earliest, latest, configs } = await withAdmin(flags, async (admin) => ({
    description: (await admin.describeTopics([topic]))[0],
    earliest: await admin.listOffsets(topic, 'earliest'),
    latest: await admin.listOffsets(topic, 'latest'),
    configs: (await admin.describeConfigs([{ type: 'topic', name: topic }]))[0].configs,
  }));
  const startOf = new Map(earliest.map((p) => [p.partition, p.offset]));
  const endOf = new Map(latest.map((p) => [p.partition, p.offset]));
  const lines = [`topic ${description.topic}  id ${description.topicId ?? '-'}  partitions ${description.partitions.length}`];
  lines.push(table(['partition', 'leader', 'replicas', 'start offset', 'end offset'], description.partitions.map((p) => [
    String(p.partition), String(p.leader), p.replicas.join(','), String(startOf.get(p.partition) ?? '-'), String(endOf.get(p.partition) ?? '-'),
  ])));
  const overrides = configs.filter((c) => !c.isDefault);
  lines.push(overrides.length === 0 ? 'configs: all defaults' : `configs: ${overrides.map((c) => `${c.name}=${c.value}`).join(' ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function withAdmin<T>(flags: BrokerFlag, work: (admin: Admin) => Promise<T>): Promise<T> {
  const client = await clientFor(flags, 'sluice-cli-admin');
  try {
    return await work(client.admin());
  } finally {
    await client.close();
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseConfig(entry: string): [string, string] {
  const at = entry.indexOf('=');
  if (at <= 0) throw new Error(`--config takes key=value, got ${JSON.stringify(entry)}`);
  return [entry.slice(0, at), entry.slice(at + 1)];
}
