// The authorizer's rules, as Kafka's StandardAuthorizer applies them: super users, deny before
// allow, implied DESCRIBE, prefixes and wildcards, hosts, and what happens where no ACL applies.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AclOperation, Authorizer } from '../../../src/broker/authorization.js';
import type { ConnectionContext } from '../../../src/broker/connection.js';
import type { ListenerSpec } from '../../../src/broker/listeners.js';
import { ALL_OPERATIONS, AclPatternType, AclPermission, AclResourceType, AclStore, CLUSTER_RESOURCE, type AclBinding } from '../../../src/broker/security/acls.js';
import { SecuritySession } from '../../../src/broker/security/session.js';
import { tempDir } from '../../helpers/batches.js';

const PLAINTEXT: ListenerSpec = { name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: '127.0.0.1', port: 0 };
const SASL: ListenerSpec = { name: 'SASL_PLAINTEXT', protocol: 'SASL_PLAINTEXT', host: '127.0.0.1', port: 0 };
const { READ, WRITE, CREATE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE } = AclOperation;

let temp: ReturnType<typeof tempDir>;
let acls: AclStore;
beforeEach(() => {
  temp = tempDir('sluice-acls-');
  acls = AclStore.open(temp.dir);
});
afterEach(() => temp.cleanup());

function as(principal: string, remoteAddress = '127.0.0.1'): ConnectionContext {
  const session = new SecuritySession(PLAINTEXT, null);
  session.principal = principal;
  return { id: 1, remoteAddress, remotePort: 1, session };
}

function binding(fields: Partial<AclBinding> & Pick<AclBinding, 'principal' | 'operation'>): AclBinding {
  return { resourceType: AclResourceType.TOPIC, resourceName: 'orders', patternType: AclPatternType.LITERAL, host: '*', permissionType: AclPermission.ALLOW, ...fields };
}

const authorizer = (config: { superUsers?: string[]; allowEveryoneIfNoAclFound?: boolean | null } = {}, listeners = [SASL]) =>
  new Authorizer(acls, { superUsers: config.superUsers ?? [], allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound ?? null }, listeners);

describe('where no ACL applies', () => {
  it('is open while no listener authenticates, and closed once one does', () => {
    expect(authorizer({}, [PLAINTEXT]).authorize(as('User:ANONYMOUS'), 'topic', 'orders', WRITE)).toBe(true);
    expect(authorizer({}, [PLAINTEXT, SASL]).authorize(as('User:alice'), 'topic', 'orders', WRITE)).toBe(false);
  });

  it('follows allowEveryoneIfNoAclFound when it is set', () => {
    expect(authorizer({ allowEveryoneIfNoAclFound: true }).authorize(as('User:alice'), 'topic', 'orders', WRITE)).toBe(true);
    expect(authorizer({ allowEveryoneIfNoAclFound: false }, [PLAINTEXT]).authorize(as('User:ANONYMOUS'), 'topic', 'orders', WRITE)).toBe(false);
  });

  it('is closed on a resource as soon as any ACL applies to it, even when open elsewhere', () => {
    acls.add([binding({ principal: 'User:bob', operation: READ })]);
    const open = authorizer({ allowEveryoneIfNoAclFound: true });
    expect(open.authorize(as('User:alice'), 'topic', 'orders', READ)).toBe(false);
    expect(open.authorize(as('User:alice'), 'topic', 'payments', READ)).toBe(true);
  });
});

describe('bindings', () => {
  it('allow what they name to whom they name, and nothing else', () => {
    acls.add([binding({ principal: 'User:alice', operation: WRITE })]);
    const rules = authorizer();
    expect(rules.authorize(as('User:alice'), 'topic', 'orders', WRITE)).toBe(true);
    expect(rules.authorize(as('User:alice'), 'topic', 'orders', READ)).toBe(false);
    expect(rules.authorize(as('User:bob'), 'topic', 'orders', WRITE)).toBe(false);
    expect(rules.authorize(as('User:alice'), 'group', 'orders', WRITE)).toBe(false);
  });

  it('let a deny win over an allow, also over All and User:*', () => {
    acls.add([
      binding({ principal: 'User:*', operation: ALL_OPERATIONS }),
      binding({ principal: 'User:mallory', operation: WRITE, permissionType: AclPermission.DENY }),
    ]);
    const rules = authorizer();
    expect(rules.authorize(as('User:alice'), 'topic', 'orders', WRITE)).toBe(true);
    expect(rules.authorize(as('User:mallory'), 'topic', 'orders', WRITE)).toBe(false);
    expect(rules.authorize(as('User:mallory'), 'topic', 'orders', READ)).toBe(true);
  });

  it('imply DESCRIBE from READ/WRITE and DESCRIBE_CONFIGS from ALTER_CONFIGS, not the other way', () => {
    acls.add([binding({ principal: 'User:alice', operation: READ }), binding({ principal: 'User:alice', operation: ALTER_CONFIGS })]);
    const rules = authorizer();
    expect(rules.authorize(as('User:alice'), 'topic', 'orders', DESCRIBE)).toBe(true);
    expect(rules.authorize(as('User:alice'), 'topic', 'orders', DESCRIBE_CONFIGS)).toBe(true);
    acls.add([binding({ principal: 'User:bob', operation: DESCRIBE })]);
    expect(rules.authorize(as('User:bob'), 'topic', 'orders', READ)).toBe(false);
  });

  it('match by prefix and by the literal wildcard', () => {
    acls.add([
      binding({ principal: 'User:alice', operation: READ, resourceName: 'ord', patternType: AclPatternType.PREFIXED }),
      binding({ principal: 'User:bob', operation: READ, resourceName: '*' }),
    ]);
    const rules = authorizer();
    expect(rules.authorize(as('User:alice'), 'topic', 'orders', READ)).toBe(true);
    expect(rules.authorize(as('User:alice'), 'topic', 'payments', READ)).toBe(false);
    expect(rules.authorize(as('User:bob'), 'topic', 'anything', READ)).toBe(true);
  });

  it('match the host when one is named', () => {
    acls.add([binding({ principal: 'User:alice', operation: READ, host: '10.0.0.1' })]);
    const rules = authorizer();
    expect(rules.authorize(as('User:alice', '10.0.0.1'), 'topic', 'orders', READ)).toBe(true);
    expect(rules.authorize(as('User:alice', '127.0.0.1'), 'topic', 'orders', READ)).toBe(false);
  });

  it('on the cluster apply to the one cluster resource', () => {
    acls.add([binding({ principal: 'User:alice', operation: CREATE, resourceType: AclResourceType.CLUSTER, resourceName: CLUSTER_RESOURCE })]);
    expect(authorizer().authorize(as('User:alice'), 'cluster', CLUSTER_RESOURCE, CREATE)).toBe(true);
  });
});

describe('super users and type-wide questions', () => {
  it('lets super users do everything whatever the ACLs say', () => {
    acls.add([binding({ principal: 'User:admin', operation: ALL_OPERATIONS, permissionType: AclPermission.DENY })]);
    expect(authorizer({ superUsers: ['User:admin'] }).authorize(as('User:admin'), 'topic', 'orders', WRITE)).toBe(true);
  });

  it('answers whether a principal may write some topic (idempotent producers without IDEMPOTENT_WRITE)', () => {
    acls.add([binding({ principal: 'User:alice', operation: WRITE, resourceName: 'logs-', patternType: AclPatternType.PREFIXED })]);
    const rules = authorizer();
    expect(rules.authorizeAny(as('User:alice'), 'topic', WRITE)).toBe(true);
    expect(rules.authorizeAny(as('User:bob'), 'topic', WRITE)).toBe(false);
    expect(rules.authorize(as('User:alice'), 'cluster', CLUSTER_RESOURCE, IDEMPOTENT_WRITE)).toBe(false);
  });

  it('reports authorized operations as bits for what is allowed', () => {
    acls.add([binding({ principal: 'User:alice', operation: READ })]);
    expect(authorizer().authorizedOperations(as('User:alice'), 'topic', 'orders')).toBe((1 << READ) | (1 << DESCRIBE));
  });
});

describe('the ACL store', () => {
  it('persists bindings across a reopen and does not add one twice', () => {
    const alice = binding({ principal: 'User:alice', operation: READ });
    acls.add([alice, alice]);
    acls.add([alice]);
    const reopened = AclStore.open(temp.dir);
    expect(reopened.list({ resourceType: AclResourceType.ANY, resourceName: null, patternType: AclPatternType.ANY, principal: null, host: null, operation: 1, permissionType: AclPermission.ANY })).toEqual([alice]);
  });

  it('deletes what a filter selects (MATCH selects the bindings that apply to a name)', () => {
    acls.add([
      binding({ principal: 'User:alice', operation: READ, resourceName: 'ord', patternType: AclPatternType.PREFIXED }),
      binding({ principal: 'User:alice', operation: READ, resourceName: 'payments' }),
    ]);
    const removed = acls.delete([{ resourceType: AclResourceType.TOPIC, resourceName: 'orders', patternType: AclPatternType.MATCH, principal: null, host: null, operation: 1, permissionType: AclPermission.ANY }]);
    expect(removed[0].map((b) => b.resourceName)).toEqual(['ord']);
    expect(AclStore.open(temp.dir).applyingTo(AclResourceType.TOPIC, 'payments')).toHaveLength(1);
  });
});
