// Security administration through Kafka's admin APIs, so it works against sluice and Kafka alike:
// ACLs (DescribeAcls, CreateAcls, DeleteAcls) and SCRAM users (DescribeUserScramCredentials,
// AlterUserScramCredentials, with the password salted and hashed here: only the salted form
// crosses the wire, as KIP-554 has it).
import { randomBytes } from 'node:crypto';
import { AclOperation, AclPatternType, AclPermission, AclResourceType, aclCodeName, aclCodeOf } from '../protocol/acl-codes.js';
import { ApiKey } from '../protocol/index.js';
import { MIN_ITERATIONS, saltedPassword, type ScramMechanism } from '../protocol/scram.js';
import type { Cluster } from './cluster.js';
import { throwIfError } from './errors.js';

export type AclResourceName = 'topic' | 'group' | 'cluster' | 'transactional-id';
export type AclOperationName = 'all' | 'read' | 'write' | 'create' | 'delete' | 'alter' | 'describe' | 'cluster-action' | 'describe-configs' | 'alter-configs' | 'idempotent-write';

export interface Acl {
  readonly resourceType: AclResourceName;
  /** The resource's name; for the cluster, kafka-cluster. */
  readonly resourceName: string;
  readonly patternType: 'literal' | 'prefixed';
  /** e.g. User:alice, or User:* */
  readonly principal: string;
  /** A client address, or * */
  readonly host: string;
  readonly operation: AclOperationName;
  readonly permission: 'allow' | 'deny';
}

/** Selects ACLs: a missing field matches any; patternType 'match' selects the ACLs that apply to resourceName. */
export interface AclFilter {
  readonly resourceType?: AclResourceName;
  readonly resourceName?: string;
  readonly patternType?: 'literal' | 'prefixed' | 'match';
  readonly principal?: string;
  readonly host?: string;
  readonly operation?: AclOperationName;
  readonly permission?: 'allow' | 'deny';
}

export interface ScramUser {
  readonly user: string;
  readonly mechanisms: ReadonlyArray<{ readonly mechanism: ScramMechanism; readonly iterations: number }>;
}

const SCRAM_CODES: Record<ScramMechanism, number> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };

export async function createAcls(cluster: Cluster, acls: readonly Acl[]): Promise<void> {
  const connection = await cluster.anyConnection();
  const { body } = await connection.request(ApiKey.CreateAcls, () => ({
    creations: acls.map((acl) => ({
      resourceType: code(AclResourceType, acl.resourceType),
      resourceName: acl.resourceName,
      resourcePatternType: code(AclPatternType, acl.patternType),
      principal: acl.principal,
      host: acl.host,
      operation: code(AclOperation, acl.operation),
      permissionType: code(AclPermission, acl.permission),
    })),
  }));
  for (const result of body.results) throwIfError(result.errorCode, { broker: connection.address, detail: result.errorMessage });
}

export async function describeAcls(cluster: Cluster, filter: AclFilter = {}): Promise<Acl[]> {
  const connection = await cluster.anyConnection();
  const { body } = await connection.request(ApiKey.DescribeAcls, () => filterOnTheWire(filter));
  throwIfError(body.errorCode, { broker: connection.address, detail: body.errorMessage });
  return body.resources.flatMap((resource) =>
    resource.acls.map((acl) => toAcl({ ...acl, resourceType: resource.resourceType, resourceName: resource.resourceName, patternType: resource.patternType })),
  );
}

/** Deletes the ACLs each filter selects; returns what was deleted. */
export async function deleteAcls(cluster: Cluster, filters: readonly AclFilter[]): Promise<Acl[]> {
  const connection = await cluster.anyConnection();
  const { body } = await connection.request(ApiKey.DeleteAcls, () => ({
    filters: filters.map(filterOnTheWire),
  }));
  for (const result of body.filterResults) throwIfError(result.errorCode, { broker: connection.address, detail: result.errorMessage });
  return body.filterResults.flatMap((result) => result.matchingAcls.map((acl) => toAcl(acl)));
}

/** Every SCRAM user, or the named ones. */
export async function describeScramUsers(cluster: Cluster, users?: readonly string[]): Promise<ScramUser[]> {
  const connection = await cluster.anyConnection();
  const { body } = await connection.request(ApiKey.DescribeUserScramCredentials, () => ({ users: users === undefined ? null : users.map((name) => ({ name })) }));
  throwIfError(body.errorCode, { broker: connection.address, detail: body.errorMessage });
  return body.results.map((result) => {
    throwIfError(result.errorCode, { broker: connection.address, detail: result.errorMessage });
    return { user: result.user, mechanisms: result.credentialInfos.map((c) => ({ mechanism: c.mechanism === 1 ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512', iterations: c.iterations })) };
  });
}

/** Adds or replaces a user's credential for one mechanism. */
export async function upsertScramUser(cluster: Cluster, user: string, mechanism: ScramMechanism, password: string, iterations = MIN_ITERATIONS): Promise<void> {
  const salt = randomBytes(32);
  const salted = await saltedPassword(mechanism, Buffer.from(password, 'utf8'), salt, iterations);
  await alterScram(cluster, { deletions: [], upsertions: [{ name: user, mechanism: SCRAM_CODES[mechanism], iterations, salt, saltedPassword: salted }] });
}

export async function deleteScramUser(cluster: Cluster, user: string, mechanism: ScramMechanism): Promise<void> {
  await alterScram(cluster, { deletions: [{ name: user, mechanism: SCRAM_CODES[mechanism] }], upsertions: [] });
}

async function alterScram(cluster: Cluster, request: { deletions: Array<{ name: string; mechanism: number }>; upsertions: Array<{ name: string; mechanism: number; iterations: number; salt: Buffer; saltedPassword: Buffer }> }): Promise<void> {
  const connection = await cluster.anyConnection();
  const { body } = await connection.request(ApiKey.AlterUserScramCredentials, () => request);
  for (const result of body.results) throwIfError(result.errorCode, { broker: connection.address, detail: result.errorMessage });
}

/** A filter as DescribeAcls and DeleteAcls carry it: a field left out is ANY (codes) or null (strings). */
function filterOnTheWire(filter: AclFilter) {
  return {
    resourceTypeFilter: filter.resourceType === undefined ? AclResourceType.ANY : code(AclResourceType, filter.resourceType),
    resourceNameFilter: filter.resourceName ?? null,
    patternTypeFilter: filter.patternType === undefined ? AclPatternType.ANY : code(AclPatternType, filter.patternType),
    principalFilter: filter.principal ?? null,
    hostFilter: filter.host ?? null,
    operation: filter.operation === undefined ? AclOperation.ANY : code(AclOperation, filter.operation),
    permissionType: filter.permission === undefined ? AclPermission.ANY : code(AclPermission, filter.permission),
  };
}

function code(codes: Readonly<Record<string, number>>, name: string): number {
  const found = aclCodeOf(codes, name);
  if (found === undefined) throw new RangeError(`unknown ACL value '${name}'`);
  return found;
}

function toAcl(acl: { resourceType: number; resourceName: string; patternType: number; principal: string; host: string; operation: number; permissionType: number }): Acl {
  return {
    resourceType: aclCodeName(AclResourceType, acl.resourceType) as AclResourceName,
    resourceName: acl.resourceName,
    patternType: aclCodeName(AclPatternType, acl.patternType) as Acl['patternType'],
    principal: acl.principal,
    host: acl.host,
    operation: aclCodeName(AclOperation, acl.operation) as AclOperationName,
    permission: aclCodeName(AclPermission, acl.permissionType) as Acl['permission'],
  };
}
