// What a client may do, decided in one place, as Kafka's StandardAuthorizer decides it: super
// users may do everything; otherwise a DENY binding that matches the principal (or User:*), the
// host (or *) and the operation (or All) refuses, and an ALLOW binding that matches permits (READ,
// WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS). A resource no
// binding applies to is open only when allowEveryoneIfNoAclFound. Every face asks here.
import type { BrokerConfig } from './config.js';
import type { ConnectionContext } from './connection.js';
import { usesSasl, type ListenerSpec } from './listeners.js';
import { AclOperation } from '../protocol/acl-codes.js';
import { ALL_OPERATIONS, AclPermission, AclResourceType, CLUSTER_RESOURCE, WILDCARD, type AclBinding, type AclStore } from './security/acls.js';

export { AclOperation } from '../protocol/acl-codes.js';
export type AclOperationCode = Exclude<(typeof AclOperation)[keyof typeof AclOperation], 1 | 2>;

export type ResourceType = 'topic' | 'group' | 'cluster' | 'transactionalId';

const { READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE } = AclOperation;

/** The operations each resource type has, as Kafka's AclEntry.supportedOperations lists them. */
const SUPPORTED_OPERATIONS: Readonly<Record<ResourceType, readonly AclOperationCode[]>> = {
  topic: [READ, WRITE, CREATE, DESCRIBE, DELETE, ALTER, DESCRIBE_CONFIGS, ALTER_CONFIGS],
  group: [READ, DESCRIBE, DELETE, DESCRIBE_CONFIGS, ALTER_CONFIGS],
  cluster: [CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE],
  transactionalId: [DESCRIBE, WRITE],
};

const RESOURCE_CODES: Readonly<Record<ResourceType, number>> = {
  topic: AclResourceType.TOPIC,
  group: AclResourceType.GROUP,
  cluster: AclResourceType.CLUSTER,
  transactionalId: AclResourceType.TRANSACTIONAL_ID,
};

/** Operations an ALLOW of another operation grants too. */
const IMPLIED_BY: Readonly<Partial<Record<number, readonly number[]>>> = {
  [DESCRIBE]: [READ, WRITE, DELETE, ALTER],
  [DESCRIBE_CONFIGS]: [ALTER_CONFIGS],
};

/** The error Kafka answers when an operation on a resource of this type is refused. */
export const AUTHORIZATION_FAILED: Readonly<Record<ResourceType, number>> = {
  topic: 29, // TOPIC_AUTHORIZATION_FAILED
  group: 30, // GROUP_AUTHORIZATION_FAILED
  cluster: 31, // CLUSTER_AUTHORIZATION_FAILED
  transactionalId: 53, // TRANSACTIONAL_ID_AUTHORIZATION_FAILED
};

/** Thrown when a request is refused (request-context.ts requireAuthorized); carries the Kafka error code (error-codes.ts answers it). */
export class AuthorizationFailed extends Error {
  override readonly name = 'AuthorizationFailed';
  readonly code: number;
  constructor(type: ResourceType, resource: string) {
    super(`not authorized to access ${type} ${resource}`);
    this.code = AUTHORIZATION_FAILED[type];
  }
}

/** The value of an authorized-operations field the client did not ask for (Integer.MIN_VALUE). */
export const OPERATIONS_NOT_REQUESTED = -2147483648;

export class Authorizer {
  private readonly superUsers: ReadonlySet<string>;
  private readonly openWithoutAcls: boolean;

  constructor(
    readonly acls: AclStore,
    config: Pick<BrokerConfig, 'superUsers' | 'allowEveryoneIfNoAclFound'>,
    listeners: readonly ListenerSpec[],
  ) {
    this.superUsers = new Set(config.superUsers);
    // Open by default only while nobody authenticates: then every principal is User:ANONYMOUS.
    this.openWithoutAcls = config.allowEveryoneIfNoAclFound ?? !listeners.some((listener) => usesSasl(listener.protocol));
  }

  /** Whether the connection's principal may perform `operation` on the resource. */
  authorize(connection: ConnectionContext, type: ResourceType, name: string, operation: number): boolean {
    const principal = connection.session.principal;
    if (this.superUsers.has(principal)) return true;
    const applying = this.acls.applyingTo(RESOURCE_CODES[type], type === 'cluster' ? CLUSTER_RESOURCE : name);
    if (applying.length === 0) return this.openWithoutAcls;
    const mine = applying.filter((b) => matchesWho(b, principal, connection.remoteAddress));
    if (mine.some((b) => b.permissionType === AclPermission.DENY && (b.operation === operation || b.operation === ALL_OPERATIONS))) return false;
    return mine.some((b) => b.permissionType === AclPermission.ALLOW && grants(b.operation, operation));
  }

  /** Whether the principal may perform `operation` on some resource of the type (Kafka's authorizeByResourceType). */
  authorizeAny(connection: ConnectionContext, type: ResourceType, operation: number): boolean {
    const principal = connection.session.principal;
    if (this.superUsers.has(principal)) return true;
    const bindings = this.acls.ofType(RESOURCE_CODES[type]);
    if (bindings.length === 0) return this.openWithoutAcls;
    return bindings.some((b) => b.permissionType === AclPermission.ALLOW && matchesWho(b, principal, connection.remoteAddress) && grants(b.operation, operation));
  }

  /** The authorized operations on a resource as Kafka reports them: one bit per AclOperation code. */
  authorizedOperations(connection: ConnectionContext, type: ResourceType, name: string): number {
    let bits = 0;
    for (const operation of SUPPORTED_OPERATIONS[type]) if (this.authorize(connection, type, name, operation)) bits |= 1 << operation;
    return bits;
  }

  /** The field's value for a request that may or may not ask for it. */
  authorizedOperationsIf(requested: boolean, connection: ConnectionContext, type: ResourceType, name: string): number {
    return requested ? this.authorizedOperations(connection, type, name) : OPERATIONS_NOT_REQUESTED;
  }
}

function matchesWho(binding: AclBinding, principal: string, host: string): boolean {
  return (binding.principal === principal || binding.principal === 'User:*') && (binding.host === WILDCARD || binding.host === host);
}

function grants(allowed: number, wanted: number): boolean {
  return allowed === wanted || allowed === ALL_OPERATIONS || (IMPLIED_BY[wanted]?.includes(allowed) ?? false);
}
