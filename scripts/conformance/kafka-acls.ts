// Stand-in for Kafka's bin/kafka-acls.sh, which librdkafka's ACL tests (0109, 0115, 0119) run
// through KAFKA_PATH to add and remove ACLs. It takes the options those tests pass (and the rest
// of kafka-acls.sh's resource and principal options) and does the same with sluice's CLI
// (`sluice acl add|remove|list`, rpk's flags), over PLAINTEXT like kafka-acls.sh without
// --command-config.
//   kafka-acls.sh --bootstrap-server H:P --add --deny-principal 'User:*' --operation All --deny-host '*' --topic T
//   kafka-acls.sh --bootstrap-server H:P --remove --force --allow-principal 'User:*' --operation Describe --allow-host '*' --topic T
//   kafka-acls.sh --bootstrap-server H:P --list [--topic T]
// SLUICE_DIR names the sluice checkout whose dist/ to use.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const LIST_OPTIONS: Record<string, string> = {
  '--allow-principal': '--allow-principal',
  '--deny-principal': '--deny-principal',
  '--allow-host': '--allow-host',
  '--deny-host': '--deny-host',
  '--operation': '--operation',
  '--topic': '--topic',
  '--group': '--group',
  '--transactional-id': '--transactional-id',
};

/** Kafka's operation names (All, Describe, IdempotentWrite, ...) as sluice's CLI takes them (all, describe, idempotent-write). */
function operationName(kafka: string): string {
  return kafka.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}

function main(): number {
  const sluiceDir = process.env.SLUICE_DIR;
  if (sluiceDir === undefined) throw new Error('SLUICE_DIR is not set');
  const args = process.argv.slice(2);
  type Action = 'add' | 'remove' | 'list';
  let action: Action | null = null;
  let bootstrap: string | null = null;
  let patternType: string | null = null;
  let cluster = false;
  const lists = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--add' || arg === '--remove' || arg === '--list') action = arg.slice(2) as Action;
    else if (arg === '--bootstrap-server') bootstrap = value();
    else if (arg === '--force') continue; // no prompt to skip
    else if (arg === '--cluster') cluster = true;
    else if (arg === '--resource-pattern-type') patternType = value();
    else if (arg in LIST_OPTIONS) {
      const item = arg === '--operation' ? operationName(value()) : value();
      lists.set(arg, [...(lists.get(arg) ?? []), item]);
    } else throw new Error(`unsupported option ${arg} (this stand-in covers kafka-acls.sh's resource, principal, host and operation options)`);
  }
  if (action === null) throw new Error('one of --add, --remove, --list is required');
  if (bootstrap === null) throw new Error('--bootstrap-server is required');
  const flags = [...lists].flatMap(([option, values]) => [LIST_OPTIONS[option], values.join(',')]);
  if (cluster) flags.push('--cluster');
  if (patternType !== null) flags.push('--resource-pattern-type', patternType.toLowerCase());
  const run = spawnSync(process.execPath, [join(sluiceDir, 'dist/cli/sluice.cjs'), 'acl', action, ...flags, '-b', bootstrap], { stdio: 'inherit' });
  return run.status ?? 1;
}

try {
  process.exit(main());
} catch (error) {
  process.stderr.write(`kafka-acls.sh (sluice stand-in): ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
