// `sluice groups list|describe|delete|reset-offsets`: consumer groups as kafka-consumer-groups.sh
// shows them. describe prints the group, its members with their assignments, and per partition
// the committed offset, the log end offset and the lag between them.
import type { Command } from 'commander';
import type { Admin, CommittedOffset, GroupDescription, ResetTarget, TopicPartition } from '../client/index.js';
import { integerFlag, withAdmin, withBrokersOption, type BrokerFlag } from './client-options.js';
import { table } from './table.js';

interface ResetFlags extends BrokerFlag {
  topic: string;
  to: string;
}

export function registerGroupsCommand(program: Command): void {
  const groups = program.command('groups').description('list, describe, delete consumer groups and reset their offsets');
  withBrokersOption(groups.command('list').description('list groups with their state')).action(async (flags: BrokerFlag) => {
    const listed = await withAdmin(flags, (admin) => admin.listGroups());
    if (listed.length === 0) return void process.stdout.write('no groups\n');
    process.stdout.write(`${table(['group', 'state', 'type'], listed.map((g) => [g.groupId, g.state, g.protocolType || '-']))}\n`);
  });
  withBrokersOption(groups.command('describe').description('members, assignments, committed offsets and lag of a group').argument('<group>')).action(
    async (groupId: string, flags: BrokerFlag) => {
      process.stdout.write(`${await withAdmin(flags, (admin) => describeGroup(admin, groupId))}\n`);
    },
  );
  withBrokersOption(groups.command('delete').description('delete an empty group and its committed offsets').argument('<group>')).action(
    async (groupId: string, flags: BrokerFlag) => {
      await withAdmin(flags, (admin) => admin.deleteGroups([groupId]));
      process.stdout.write(`deleted group ${groupId}\n`);
    },
  );
  withBrokersOption(
    groups
      .command('reset-offsets')
      .description("move a group's committed offsets for a topic (the group must have no members)")
      .argument('<group>')
      .requiredOption('-t, --topic <topic>', 'topic whose partitions are reset')
      .requiredOption('--to <where>', 'earliest, latest or an offset'),
  ).action(async (groupId: string, flags: ResetFlags) => {
    const target = parseTarget(flags.to);
    const offsets = await withAdmin(flags, (admin) => admin.resetOffsets(groupId, flags.topic, target));
    const rows = offsets.map((o) => [o.topic, String(o.partition), String(o.offset)]);
    process.stdout.write(`reset group ${groupId} on ${flags.topic}\n${table(['topic', 'partition', 'new offset'], rows)}\n`);
  });
}

async function describeGroup(admin: Admin, groupId: string): Promise<string> {
  const [group] = await admin.describeGroups([groupId]);
  const committed = await admin.fetchOffsets(groupId);
  if (group.state === 'Dead' && committed.length === 0) throw new Error(`group ${groupId} does not exist`);
  const lines = [`group ${groupId}  state ${group.state}  protocol ${group.protocol || '-'}  members ${group.members.length}`];
  if (group.members.length > 0) {
    const rows = group.members.map((m) => [m.memberId, m.clientId, m.clientHost, m.groupInstanceId ?? '-', formatAssignment(m.assignment)]);
    lines.push('', table(['member', 'client id', 'host', 'instance id', 'assignment'], rows));
  }
  const partitions = await partitionRows(admin, group, committed);
  lines.push('', partitions.length === 0 ? 'no committed offsets' : table(['topic', 'partition', 'committed', 'log end', 'lag', 'member'], partitions));
  return lines.join('\n');
}

/** One row per partition that is committed or assigned: committed offset, log end, lag and owner. */
async function partitionRows(admin: Admin, group: GroupDescription, committed: readonly CommittedOffset[]): Promise<string[][]> {
  const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
  const owners = new Map(group.members.flatMap((m) => m.assignment.map((tp) => [key(tp), m.memberId] as const)));
  const committedAt = new Map(committed.map((c) => [key(c), c.offset]));
  const all = new Map<string, TopicPartition>();
  for (const tp of [...committed, ...group.members.flatMap((m) => m.assignment)]) all.set(key(tp), { topic: tp.topic, partition: tp.partition });
  const topics = [...new Set([...all.values()].map((tp) => tp.topic))];
  const ends = new Map<string, number>();
  for (const topic of topics) for (const p of await admin.listOffsets(topic, 'latest')) ends.set(key({ topic, partition: p.partition }), p.offset);
  const sorted = [...all.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  return sorted.map((tp) => {
    const at = committedAt.get(key(tp));
    const end = ends.get(key(tp));
    const lag = at === undefined || end === undefined ? '-' : String(Math.max(0, end - at));
    return [tp.topic, String(tp.partition), at === undefined ? '-' : String(at), end === undefined ? '-' : String(end), lag, owners.get(key(tp)) ?? '-'];
  });
}

/** 'events[0,1] logs[2]' */
function formatAssignment(assignment: readonly TopicPartition[]): string {
  if (assignment.length === 0) return '-';
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of assignment) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return [...byTopic].map(([topic, partitions]) => `${topic}[${partitions.sort((a, b) => a - b).join(',')}]`).join(' ');
}

function parseTarget(to: string): ResetTarget {
  if (to === 'earliest' || to === 'latest') return to;
  const offset = integerFlag('to', to);
  if (offset === undefined || offset < 0) throw new Error(`--to must be earliest, latest or an offset, got ${JSON.stringify(to)}`);
  return offset;
}
