// `sluice acl add|remove|list`, with rpk's flags (rpk security acl create|delete|list): principals
// allowed or denied (from hosts), operations, and the resources they apply to. add makes one ACL
// per principal, host, operation and resource; remove and list take the same flags as a filter,
// where a flag left out matches anything.
import type { Command } from 'commander';
import type { Acl, AclFilter, AclOperationName, AclResourceName } from '../client/index.js';
import { withAdmin, withBrokersOption, type BrokerFlag } from './client-options.js';
import { table } from './table.js';

interface AclFlags extends BrokerFlag {
  allowPrincipal?: string;
  denyPrincipal?: string;
  allowHost?: string;
  denyHost?: string;
  operation?: string;
  topic?: string;
  group?: string;
  transactionalId?: string;
  cluster?: boolean;
  resourcePatternType?: string;
}

const OPERATIONS: readonly AclOperationName[] = ['all', 'read', 'write', 'create', 'delete', 'alter', 'describe', 'cluster-action', 'describe-configs', 'alter-configs', 'idempotent-write'];
const CLUSTER_NAME = 'kafka-cluster';

function withAclFlags(command: Command, patternHelp: string): Command {
  return withBrokersOption(command)
    .option('--allow-principal <list>', 'principals to allow, e.g. User:alice or User:*')
    .option('--deny-principal <list>', 'principals to deny')
    .option('--allow-host <list>', 'hosts the allowed principals may come from (default *)')
    .option('--deny-host <list>', 'hosts the denied principals are denied from (default *)')
    .option('--operation <list>', `${OPERATIONS.join(', ')}`)
    .option('--topic <list>', 'topics')
    .option('--group <list>', 'consumer groups')
    .option('--transactional-id <list>', 'transactional ids')
    .option('--cluster', 'the cluster')
    .option('--resource-pattern-type <type>', patternHelp);
}

export function registerAclCommand(program: Command): void {
  const acl = program.command('acl').description('access control lists: who may do what to which topic, group, transactional id or the cluster');
  withAclFlags(acl.command('add').description('allow or deny principals operations on resources'), 'literal (default) or prefixed').action(async (flags: AclFlags) => {
    const acls = aclsFrom(flags);
    await withAdmin(flags, (admin) => admin.createAcls(acls));
    process.stdout.write(`${table(HEADER, acls.map(row))}\n`);
  });
  withAclFlags(acl.command('remove').description('delete the ACLs the flags select'), 'any (default), literal, prefixed or match').action(async (flags: AclFlags) => {
    const filters = filtersFrom(flags);
    if (filters.every((f) => Object.keys(f).length === 0)) throw new Error('refusing to remove every ACL: name a principal, resource or operation');
    const removed = await withAdmin(flags, (admin) => admin.deleteAcls(filters));
    process.stdout.write(removed.length === 0 ? 'no ACLs matched\n' : `removed:\n${table(HEADER, removed.map(row))}\n`);
  });
  withAclFlags(acl.command('list').description('the ACLs the flags select (every ACL without flags)'), 'any (default), literal, prefixed or match').action(async (flags: AclFlags) => {
    const found = (await withAdmin(flags, (admin) => Promise.all(filtersFrom(flags).map((f) => admin.describeAcls(f))))).flat();
    process.stdout.write(found.length === 0 ? 'no ACLs\n' : `${table(HEADER, found.map(row))}\n`);
  });
}

const HEADER = ['principal', 'host', 'resource type', 'resource name', 'pattern', 'operation', 'permission'];

function row(acl: Acl): string[] {
  return [acl.principal, acl.host, acl.resourceType, acl.resourceName, acl.patternType, acl.operation, acl.permission];
}

function list(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((item) => item.trim()).filter(Boolean);
}

function resourcesOf(flags: AclFlags): Array<{ resourceType: AclResourceName; resourceName: string }> {
  return [
    ...list(flags.topic).map((name) => ({ resourceType: 'topic' as const, resourceName: name })),
    ...list(flags.group).map((name) => ({ resourceType: 'group' as const, resourceName: name })),
    ...list(flags.transactionalId).map((name) => ({ resourceType: 'transactional-id' as const, resourceName: name })),
    ...(flags.cluster === true ? [{ resourceType: 'cluster' as const, resourceName: CLUSTER_NAME }] : []),
  ];
}

function operationsOf(flags: AclFlags): AclOperationName[] {
  return list(flags.operation).map((name) => {
    const operation = OPERATIONS.find((o) => o === name.toLowerCase().replace(/_/g, '-'));
    if (operation === undefined) throw new Error(`--operation: unknown operation '${name}' (${OPERATIONS.join(', ')})`);
    return operation;
  });
}

function patternOf(flags: AclFlags, fallback: string): string {
  const pattern = (flags.resourcePatternType ?? fallback).toLowerCase();
  if (!['literal', 'prefixed', 'match', 'any'].includes(pattern)) throw new Error(`--resource-pattern-type must be literal, prefixed, match or any, got ${pattern}`);
  return pattern;
}

/** Who, from where, allowed or denied: one entry per principal and host. */
function grantsOf(flags: AclFlags): Array<{ principal: string; host: string; permission: 'allow' | 'deny' }> {
  const hosts = (value: string | undefined) => (list(value).length === 0 ? ['*'] : list(value));
  return [
    ...list(flags.allowPrincipal).flatMap((principal) => hosts(flags.allowHost).map((host) => ({ principal, host, permission: 'allow' as const }))),
    ...list(flags.denyPrincipal).flatMap((principal) => hosts(flags.denyHost).map((host) => ({ principal, host, permission: 'deny' as const }))),
  ];
}

export function aclsFrom(flags: AclFlags): Acl[] {
  const patternType = patternOf(flags, 'literal');
  if (patternType !== 'literal' && patternType !== 'prefixed') throw new Error('acl add takes --resource-pattern-type literal or prefixed');
  const resources = resourcesOf(flags);
  const operations = operationsOf(flags);
  const grants = grantsOf(flags);
  if (resources.length === 0) throw new Error('name a resource: --topic, --group, --transactional-id or --cluster');
  if (operations.length === 0) throw new Error('name an --operation');
  if (grants.length === 0) throw new Error('name an --allow-principal or --deny-principal');
  return resources.flatMap((resource) => operations.flatMap((operation) => grants.map((grant) => ({ ...resource, patternType, operation, ...grant }))));
}

/** One filter per resource and grant named (a flag left out matches anything). */
export function filtersFrom(flags: AclFlags): AclFilter[] {
  const pattern = patternOf(flags, 'any');
  const patternType = pattern === 'any' ? undefined : (pattern as AclFilter['patternType']);
  const resources: Array<Partial<Pick<AclFilter, 'resourceType' | 'resourceName'>>> = resourcesOf(flags);
  const who: Array<Partial<Pick<AclFilter, 'principal' | 'host' | 'permission'>>> = [
    ...list(flags.allowPrincipal).map((principal) => ({ principal, permission: 'allow' as const, ...(flags.allowHost === undefined ? {} : { host: flags.allowHost }) })),
    ...list(flags.denyPrincipal).map((principal) => ({ principal, permission: 'deny' as const, ...(flags.denyHost === undefined ? {} : { host: flags.denyHost }) })),
  ];
  const operations: Array<Partial<Pick<AclFilter, 'operation'>>> = operationsOf(flags).map((operation) => ({ operation }));
  const or = <T>(items: T[]): Array<T | Record<string, never>> => (items.length === 0 ? [{}] : items);
  return or(resources).flatMap((resource) =>
    or(who).flatMap((grant) => or(operations).map((operation) => ({ ...resource, ...grant, ...operation, ...(patternType === undefined ? {} : { patternType }) }))),
  );
}
