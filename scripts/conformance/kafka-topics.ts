// Stand-in for Kafka's bin/kafka-topics.sh, which librdkafka's tests run (through KAFKA_PATH) to
// create topics with configs, add partitions and delete topics. It takes the options those tests
// pass and does the same with sluice's CLI (`sluice topics create|delete|list`); adding
// partitions, which the CLI has no command for, goes through sluice's client (createPartitions).
//   kafka-topics.sh --bootstrap-server H:P --create --topic T [--partitions N] [--replication-factor R] [--config k=v]...
//   kafka-topics.sh --bootstrap-server H:P --alter --topic T --partitions N
//   kafka-topics.sh --bootstrap-server H:P --delete --topic T
//   kafka-topics.sh --bootstrap-server H:P --list
// SLUICE_DIR names the sluice checkout whose dist/ to use.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Parsed {
  action: 'create' | 'alter' | 'delete' | 'list' | null;
  bootstrap: string | null;
  topic: string | null;
  partitions: string | null;
  configs: string[];
}

interface SluiceClientModule {
  createClient(options: { brokers: string[]; clientId: string }): {
    admin(): { createPartitions(topics: Array<{ topic: string; count: number }>): Promise<void> };
    close(): Promise<void>;
  };
}

function parse(args: readonly string[]): Parsed {
  const parsed: Parsed = { action: null, bootstrap: null, topic: null, partitions: null, configs: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--create' || arg === '--alter' || arg === '--delete' || arg === '--list') parsed.action = arg.slice(2) as Parsed['action'];
    else if (arg === '--bootstrap-server') parsed.bootstrap = value();
    else if (arg === '--topic') parsed.topic = value();
    else if (arg === '--partitions') parsed.partitions = value();
    else if (arg === '--config') parsed.configs.push(value());
    else if (arg === '--replication-factor') value(); // one node: every topic has one replica
    else throw new Error(`unsupported option ${arg} (this stand-in covers what librdkafka's tests pass)`);
  }
  return parsed;
}

async function main(): Promise<number> {
  const sluiceDir = process.env.SLUICE_DIR;
  if (sluiceDir === undefined) throw new Error('SLUICE_DIR is not set');
  const options = parse(process.argv.slice(2));
  if (options.bootstrap === null) throw new Error('--bootstrap-server is required');
  const cli = (...args: string[]): number =>
    spawnSync(process.execPath, [join(sluiceDir, 'dist/cli/sluice.cjs'), 'topics', ...args, '-b', options.bootstrap ?? ''], { stdio: 'inherit' }).status ?? 1;
  const topic = (): string => {
    if (options.topic === null) throw new Error('--topic is required');
    return options.topic;
  };
  switch (options.action) {
    case 'list':
      return cli('list');
    case 'delete':
      return cli('delete', topic());
    case 'create':
      return cli('create', topic(), ...(options.partitions === null ? [] : ['-p', options.partitions]), ...options.configs.flatMap((c) => ['-c', c]));
    case 'alter': {
      if (options.partitions === null) throw new Error('--alter needs --partitions');
      const sluice = (await import(pathToFileURL(join(sluiceDir, 'dist/index.js')).href)) as SluiceClientModule;
      const client = sluice.createClient({ brokers: [options.bootstrap], clientId: 'kafka-topics-stand-in' });
      try {
        await client.admin().createPartitions([{ topic: topic(), count: Number(options.partitions) }]);
        process.stdout.write(`partitions of ${topic()} now ${options.partitions}\n`);
      } finally {
        await client.close();
      }
      return 0;
    }
    default:
      throw new Error('one of --create, --alter, --delete, --list is required');
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`kafka-topics.sh (sluice stand-in): ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
