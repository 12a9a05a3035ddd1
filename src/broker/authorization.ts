// What a client may do, in one place: today nothing is refused, so every question gets the
// answer of a Kafka broker with no authorizer. The ACLs of the security work plug in here, and
// every face (the Kafka listener today) asks here rather than deciding for itself.
import type { ConnectionContext } from './connection.js';

/** Kafka's AclOperation codes (the bit positions of an authorized-operations field). */
export const AclOperation = {
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const;
export type AclOperationCode = (typeof AclOperation)[keyof typeof AclOperation];

export type ResourceType = 'topic' | 'group' | 'cluster' | 'transactionalId';

const { READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE } = AclOperation;

/** The operations each resource type has, as Kafka's AclEntry.supportedOperations lists them. */
const SUPPORTED_OPERATIONS: Readonly<Record<ResourceType, readonly AclOperationCode[]>> = {
  topic: [READ, WRITE, CREATE, DESCRIBE, DELETE, ALTER, DESCRIBE_CONFIGS, ALTER_CONFIGS],
  group: [READ, DESCRIBE, DELETE, DESCRIBE_CONFIGS, ALTER_CONFIGS],
  cluster: [CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE],
  transactionalId: [DESCRIBE, WRITE],
};

/** The value of an authorized-operations field the client did not ask for (Integer.MIN_VALUE). */
export const OPERATIONS_NOT_REQUESTED = -2147483648;

/** Whether the connection's principal may perform `operation` on the resource. */
export function isAuthorized(_connection: ConnectionContext, _type: ResourceType, _name: string, _operation: AclOperationCode): boolean {
  return true;
}

/** The authorized operations on a resource as Kafka reports them: one bit per AclOperation code. */
export function authorizedOperations(connection: ConnectionContext, type: ResourceType, name: string): number {
  let bits = 0;
  for (const operation of SUPPORTED_OPERATIONS[type]) {
    if (isAuthorized(connection, type, name, operation)) bits |= 1 << operation;
  }
  return bits;
}

/** The field's value for a request that may or may not ask for it. */
export function authorizedOperationsIf(requested: boolean, connection: ConnectionContext, type: ResourceType, name: string): number {
  return requested ? authorizedOperations(connection, type, name) : OPERATIONS_NOT_REQUESTED;
}
