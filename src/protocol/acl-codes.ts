// The numbers Kafka's ACL APIs (DescribeAcls, CreateAcls, DeleteAcls) and authorized-operations
// fields use: resource types, pattern types, operations and permissions, with the names Kafka's
// tools print (kafka-acls.sh, rpk). Shared by the broker's authorizer and the client's admin.

/** Kafka's ResourceType codes. */
export const AclResourceType = { ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5 } as const;
/** Kafka's PatternType codes. */
export const AclPatternType = { ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
/** Kafka's AclPermissionType codes. */
export const AclPermission = { ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** Kafka's AclOperation codes (also the bit positions of an authorized-operations field). */
export const AclOperation = {
  ANY: 1,
  ALL: 2,
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

/** The one cluster resource's name. */
export const CLUSTER_RESOURCE = 'kafka-cluster';
export const WILDCARD = '*';

/** Lower-case names, as rpk and kafkajs write them; the key of a code. */
export function aclCodeName(codes: Readonly<Record<string, number>>, code: number): string {
  const found = Object.entries(codes).find(([, value]) => value === code);
  return found === undefined ? `unknown(${code})` : found[0].toLowerCase().replace(/_/g, '-');
}

/** The code of a name written as rpk and kafka-acls.sh accept it ("describe-configs", "DescribeConfigs", "DESCRIBE_CONFIGS"). */
export function aclCodeOf(codes: Readonly<Record<string, number>>, name: string): number | undefined {
  const wanted = name.replace(/[-_]/g, '').toLowerCase();
  return Object.entries(codes).find(([key]) => key.replace(/_/g, '').toLowerCase() === wanted)?.[1];
}
