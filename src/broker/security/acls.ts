// ACLs as Kafka keeps them (AclBinding): a principal (User:alice, or User:*) from a host (or *)
// is allowed or denied an operation on a resource (topic, group, cluster, transactional id),
// named literally (the name, or * for all) or by prefix. They live in <dataDir>/acls.json,
// written atomically on every change, and take effect at once.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../storage/index.js';

import { AclOperation, AclPatternType, AclPermission, AclResourceType, WILDCARD } from '../../protocol/acl-codes.js';

export { AclPatternType, AclPermission, AclResourceType, CLUSTER_RESOURCE, WILDCARD } from '../../protocol/acl-codes.js';
/** Kafka's AclOperation codes ANY and ALL. */
export const ANY_OPERATION = AclOperation.ANY;
export const ALL_OPERATIONS = AclOperation.ALL;

export interface AclBinding {
  readonly resourceType: number;
  readonly resourceName: string;
  readonly patternType: number;
  readonly principal: string;
  readonly host: string;
  readonly operation: number;
  readonly permissionType: number;
}

/** What DescribeAcls and DeleteAcls select by: null or ANY matches everything. */
export interface AclFilter {
  readonly resourceType: number;
  readonly resourceName: string | null;
  readonly patternType: number;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: number;
  readonly permissionType: number;
}

const ACLS_FILE = 'acls.json';

export class AclStore {
  private bindings: AclBinding[] = [];

  private constructor(private readonly path: string) {}

  static open(dataDir: string): AclStore {
    const store = new AclStore(join(dataDir, ACLS_FILE));
    if (existsSync(store.path)) store.bindings = (JSON.parse(readFileSync(store.path, 'utf8')) as { acls: AclBinding[] }).acls;
    return store;
  }

  get isEmpty(): boolean {
    return this.bindings.length === 0;
  }

  /** The bindings on a resource of this type that apply to `name`: literal, the literal wildcard, and prefixes of it. */
  applyingTo(resourceType: number, name: string): AclBinding[] {
    return this.bindings.filter((b) => b.resourceType === resourceType && appliesTo(b, name));
  }

  /** Every binding of a resource type (whether a principal may do something to some resource of it). */
  ofType(resourceType: number): AclBinding[] {
    return this.bindings.filter((b) => b.resourceType === resourceType);
  }

  list(filter: AclFilter): AclBinding[] {
    return this.bindings.filter((b) => matchesFilter(b, filter));
  }

  /** Adds bindings (one already there is not added twice). */
  add(bindings: readonly AclBinding[]): void {
    for (const binding of bindings) if (!this.bindings.some((b) => sameBinding(b, binding))) this.bindings.push(binding);
    this.save();
  }

  /** Removes the bindings each filter selects; returns them per filter. */
  delete(filters: readonly AclFilter[]): AclBinding[][] {
    const removed = filters.map((filter) => this.bindings.filter((b) => matchesFilter(b, filter)));
    const doomed = new Set(removed.flat());
    this.bindings = this.bindings.filter((b) => !doomed.has(b));
    if (doomed.size > 0) this.save();
    return removed;
  }

  private save(): void {
    writeFileAtomic(this.path, `${JSON.stringify({ version: 1, acls: this.bindings }, null, 2)}\n`);
  }
}

function appliesTo(binding: AclBinding, name: string): boolean {
  if (binding.patternType === AclPatternType.PREFIXED) return name.startsWith(binding.resourceName);
  return binding.resourceName === name || binding.resourceName === WILDCARD;
}

function matchesFilter(binding: AclBinding, filter: AclFilter): boolean {
  if (filter.resourceType !== AclResourceType.ANY && filter.resourceType !== binding.resourceType) return false;
  if (!matchesName(binding, filter)) return false;
  if (filter.principal !== null && filter.principal !== binding.principal) return false;
  if (filter.host !== null && filter.host !== binding.host) return false;
  if (filter.operation !== ANY_OPERATION && filter.operation !== binding.operation) return false;
  return filter.permissionType === AclPermission.ANY || filter.permissionType === binding.permissionType;
}

/** Kafka's ResourcePatternFilter: MATCH selects the bindings that would apply to the name; the other pattern types compare directly. */
function matchesName(binding: AclBinding, filter: AclFilter): boolean {
  if (filter.patternType === AclPatternType.MATCH) return filter.resourceName === null || appliesTo(binding, filter.resourceName);
  if (filter.patternType !== AclPatternType.ANY && filter.patternType !== binding.patternType) return false;
  return filter.resourceName === null || filter.resourceName === binding.resourceName;
}

function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return a.resourceType === b.resourceType && a.resourceName === b.resourceName && a.patternType === b.patternType && a.principal === b.principal && a.host === b.host && a.operation === b.operation && a.permissionType === b.permissionType;
}
