// `sluice transactions list|describe` and `sluice producers describe`: transactions and producers
// as kafka-transactions.sh shows them.
import type { Command } from 'commander';
import { withAdmin, withBrokersOption, type BrokerFlag } from './client-options.js';
import { table } from './table.js';

export function registerTransactionsCommands(program: Command): void {
  const transactions = program.command('transactions').description('list and describe transactional ids and their transactions');
  withBrokersOption(transactions.command('list').description('transactional ids with their producer id and state')).action(async (flags: BrokerFlag) => {
    const listed = await withAdmin(flags, (admin) => admin.listTransactions());
    if (listed.length === 0) return void process.stdout.write('no transactional ids\n');
    process.stdout.write(`${table(['transactional id', 'producer id', 'state'], listed.map((t) => [t.transactionalId, String(t.producerId), t.state]))}\n`);
  });
  withBrokersOption(transactions.command('describe').description("a transactional id's producer, timeout and open transaction").argument('<transactional-id>')).action(
    async (transactionalId: string, flags: BrokerFlag) => {
      const [t] = await withAdmin(flags, (admin) => admin.describeTransactions([transactionalId]));
      const started = t.startTimestamp < 0 ? '-' : new Date(t.startTimestamp).toISOString();
      const partitions = t.partitions.length === 0 ? '-' : t.partitions.map((p) => `${p.topic}-${p.partition}`).join(', ');
      const rows = [[t.transactionalId, String(t.producerId), String(t.producerEpoch), t.state, String(t.timeoutMs), started, partitions]];
      process.stdout.write(`${table(['transactional id', 'producer id', 'epoch', 'state', 'timeout ms', 'started', 'partitions'], rows)}\n`);
    },
  );

  const producers = program.command('producers').description('the idempotent and transactional producers a topic knows');
  withBrokersOption(producers.command('describe').description('per partition: producer ids, epochs, last sequences, open transactions').argument('<topic>')).action(
    async (topic: string, flags: BrokerFlag) => {
      const active = await withAdmin(flags, (admin) => admin.describeProducers(topic));
      if (active.length === 0) return void process.stdout.write(`no producers on ${topic}\n`);
      const rows = active.map((p) => [
        String(p.partition),
        String(p.producerId),
        String(p.producerEpoch),
        String(p.lastSequence),
        new Date(p.lastTimestamp).toISOString(),
        p.currentTransactionStartOffset < 0 ? '-' : String(p.currentTransactionStartOffset),
      ]);
      process.stdout.write(`${table(['partition', 'producer id', 'epoch', 'last sequence', 'last timestamp', 'open transaction from'], rows)}\n`);
    },
  );
}
