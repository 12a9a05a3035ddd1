// `sluice bench`: the end-to-end client workloads (producer throughput and latency, consumer
// throughput, end-to-end latency) against any Kafka-compatible address. Broker start time and
// memory need the broker's process, so only `npm run bench` (bench/e2e.ts) measures those.
// The workloads are imported when the command runs: every `sluice broker` start would
// otherwise load them too, and start time is one of the things measured.
import type { Command } from 'commander';
import { clientFor, integerFlag, withBrokersOption, type BrokerFlag } from './client-options.js';

interface BenchFlags extends BrokerFlag {
  json?: string;
  quick?: boolean;
  only?: string;
  brokerPid?: string;
}

export function registerBenchCommand(program: Command): void {
  withBrokersOption(
    program
      .command('bench')
      .description('measure producer, consumer and end-to-end throughput and latency against a broker')
      .option('--json <file>', 'write the figures as JSON, and an SVG chart next to it')
      .option('--quick', '1 s per workload and only the cases the targets are about (default: 3 s, every case)')
      .option('--only <text>', 'only workloads whose id contains TEXT, e.g. produce-100B, consume, end-to-end, one-at-a-time')
      .option('--broker-pid <pid>', 'a broker process on this machine: also report its CPU time per workload'),
  ).action(async (flags: BenchFlags) => bench(flags));
}

async function bench(flags: BenchFlags): Promise<void> {
  const [{ PROFILES }, { processCpuSeconds }, { newReport, renderReport, writeReportFiles }, { runClientWorkloads }] = await Promise.all([
    import('./bench/cases.js'),
    import('./bench/process.js'),
    import('./bench/report.js'),
    import('./bench/run.js'),
  ]);
  const profile = flags.quick === true ? PROFILES.quick : PROFILES.full;
  const client = await clientFor(flags, 'sluice-bench');
  const address = flags.brokers ?? process.env.SLUICE_BROKERS ?? 'the default broker';
  process.stderr.write(`sluice bench (${profile.name}) against ${address}\n`);
  const progress = (line: string): void => void process.stderr.write(`  ${line}\n`);
  const pid = integerFlag('broker-pid', flags.brokerPid);
  const brokerCpu = pid === undefined ? undefined : () => processCpuSeconds(pid);
  const results = await runClientWorkloads(client, profile, progress, { only: flags.only, brokerCpu }).finally(() => client.close());
  const run = { name: 'broker', description: address, client: results, process: null, error: null };
  const notes = ['broker start time and memory are not measured here (they need the broker process): run `npm run bench`'];
  const report = newReport(profile, [run], notes);
  process.stdout.write(`${renderReport(report)}\n`);
  if (flags.json !== undefined) {
    const svg = writeReportFiles(flags.json, report);
    process.stdout.write(`\nfigures written to ${flags.json}, chart to ${svg}\n`);
  }
}
