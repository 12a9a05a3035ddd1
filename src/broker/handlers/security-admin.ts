// ACLs and SCRAM users through Kafka's admin APIs, so Kafka's tools and admin clients (kafkajs
// createAcls, kafka-acls.sh, kafka-configs.sh --alter --add-config SCRAM-...) manage them:
// DescribeAcls, CreateAcls and DeleteAcls need DESCRIBE / ALTER on the cluster, as do
// DescribeUserScramCredentials and AlterUserScramCredentials.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultAlterUserScramCredentialsResponse } from '../../protocol/generated/alter-user-scram-credentials.js';
import { defaultCreateAclsResponse } from '../../protocol/generated/create-acls.js';
import { defaultDeleteAclsResponse } from '../../protocol/generated/delete-acls.js';
import { defaultDescribeAclsResponse, type DescribeAclsResource } from '../../protocol/generated/describe-acls.js';
import { defaultDescribeUserScramCredentialsResponse } from '../../protocol/generated/describe-user-scram-credentials.js';
import { AclOperation } from '../authorization.js';
import { authorize, type Handler, type RequestContext } from '../request-context.js';
import { AclPatternType, AclPermission, AclResourceType, CLUSTER_RESOURCE, type AclBinding } from '../security/acls.js';
import { MIN_ITERATIONS, type ScramMechanism } from '../security/scram.js';

/** Kafka's ScramMechanism codes. */
const SCRAM_CODES: Readonly<Record<number, ScramMechanism>> = { 1: 'SCRAM-SHA-256', 2: 'SCRAM-SHA-512' };
const MAX_ITERATIONS = 16_384;

const clusterAllows = (context: RequestContext, operation: 7 | 8): boolean => authorize(context, 'cluster', CLUSTER_RESOURCE, operation);

export const describeAclsHandler: Handler<typeof ApiKey.DescribeAcls> = (request, context) => {
  if (!clusterAllows(context, AclOperation.DESCRIBE)) return { ...defaultDescribeAclsResponse(), errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null };
  // UNKNOWN (0) in any field is a filter Kafka cannot match with.
  if ([request.resourceTypeFilter, request.patternTypeFilter, request.operation, request.permissionType].includes(0)) {
    return { ...defaultDescribeAclsResponse(), errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'the filter has an UNKNOWN field' };
  }
  const found = context.broker.authorizer.acls.list({
    resourceType: request.resourceTypeFilter,
    resourceName: request.resourceNameFilter,
    patternType: context.apiVersion >= 1 ? request.patternTypeFilter : AclPatternType.LITERAL,
    principal: request.principalFilter,
    host: request.hostFilter,
    operation: request.operation,
    permissionType: request.permissionType,
  });
  const resources = new Map<string, DescribeAclsResource>();
  for (const b of found) {
    const key = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
    const resource = resources.get(key) ?? { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] };
    resource.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType });
    resources.set(key, resource);
  }
  return { ...defaultDescribeAclsResponse(), errorCode: ErrorCode.NONE, errorMessage: null, resources: [...resources.values()] };
};

export const createAclsHandler: Handler<typeof ApiKey.CreateAcls> = (request, context) => {
  if (!clusterAllows(context, AclOperation.ALTER)) {
    return { ...defaultCreateAclsResponse(), results: request.creations.map(() => ({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null })) };
  }
  const valid: AclBinding[] = [];
  const results = request.creations.map((c) => {
    const binding: AclBinding = {
      resourceType: c.resourceType,
      resourceName: c.resourceName,
      patternType: context.apiVersion >= 1 ? c.resourcePatternType : AclPatternType.LITERAL,
      principal: c.principal,
      host: c.host,
      operation: c.operation,
      permissionType: c.permissionType,
    };
    const problem = bindingProblem(binding);
    if (problem === null) valid.push(binding);
    return { errorCode: problem === null ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST, errorMessage: problem };
  });
  context.broker.authorizer.acls.add(valid);
  return { ...defaultCreateAclsResponse(), results };
};

export const deleteAclsHandler: Handler<typeof ApiKey.DeleteAcls> = (request, context) => {
  if (!clusterAllows(context, AclOperation.ALTER)) {
    return { ...defaultDeleteAclsResponse(), filterResults: request.filters.map(() => ({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null, matchingAcls: [] })) };
  }
  const removed = context.broker.authorizer.acls.delete(
    request.filters.map((f) => ({
      resourceType: f.resourceTypeFilter,
      resourceName: f.resourceNameFilter,
      patternType: context.apiVersion >= 1 ? f.patternTypeFilter : AclPatternType.LITERAL,
      principal: f.principalFilter,
      host: f.hostFilter,
      operation: f.operation,
      permissionType: f.permissionType,
    })),
  );
  return {
    ...defaultDeleteAclsResponse(),
    filterResults: removed.map((bindings) => ({ errorCode: ErrorCode.NONE, errorMessage: null, matchingAcls: bindings.map((b) => ({ errorCode: ErrorCode.NONE, errorMessage: null, ...b })) })),
  };
};

export const describeUserScramCredentialsHandler: Handler<typeof ApiKey.DescribeUserScramCredentials> = (request, context) => {
  if (!clusterAllows(context, AclOperation.DESCRIBE)) return { ...defaultDescribeUserScramCredentialsResponse(), errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null };
  const listed = context.broker.users.list();
  const names = request.users === null || request.users.length === 0 ? listed.map((u) => u.name) : request.users.map((u) => u.name);
  const results = names.map((user) => {
    const found = listed.find((u) => u.name === user);
    if (found === undefined) return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: [] };
    const credentialInfos = found.mechanisms.map((m) => ({ mechanism: m.mechanism === 'SCRAM-SHA-256' ? 1 : 2, iterations: m.iterations }));
    return { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos };
  });
  return { ...defaultDescribeUserScramCredentialsResponse(), errorCode: ErrorCode.NONE, errorMessage: null, results };
};

export const alterUserScramCredentialsHandler: Handler<typeof ApiKey.AlterUserScramCredentials> = (request, context) => {
  const users = context.broker.users;
  const allowed = clusterAllows(context, AclOperation.ALTER);
  const results = [
    ...request.deletions.map((d) => {
      const mechanism = SCRAM_CODES[d.mechanism];
      if (!allowed) return refused(d.name);
      if (mechanism === undefined) return { user: d.name, errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, errorMessage: `unknown SCRAM mechanism ${d.mechanism}` };
      return users.delete(d.name, mechanism) ? ok(d.name) : { user: d.name, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `no ${mechanism} credential for ${d.name}` };
    }),
    ...request.upsertions.map((u) => {
      const mechanism = SCRAM_CODES[u.mechanism];
      if (!allowed) return refused(u.name);
      if (mechanism === undefined) return { user: u.name, errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, errorMessage: `unknown SCRAM mechanism ${u.mechanism}` };
      if (u.iterations < MIN_ITERATIONS || u.iterations > MAX_ITERATIONS) {
        return { user: u.name, errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: `iterations must be ${MIN_ITERATIONS}..${MAX_ITERATIONS}` };
      }
      users.setSaltedPassword(u.name, mechanism, u.iterations, u.salt, u.saltedPassword);
      return ok(u.name);
    }),
  ];
  return { ...defaultAlterUserScramCredentialsResponse(), results };
};

function ok(user: string): { user: string; errorCode: number; errorMessage: null } {
  return { user, errorCode: ErrorCode.NONE, errorMessage: null };
}

function refused(user: string): { user: string; errorCode: number; errorMessage: null } {
  return { user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null };
}

/** Why Kafka would refuse to create the binding; null when it would not. */
function bindingProblem(b: AclBinding): string | null {
  const types: number[] = [AclResourceType.TOPIC, AclResourceType.GROUP, AclResourceType.CLUSTER, AclResourceType.TRANSACTIONAL_ID];
  if (!types.includes(b.resourceType)) return `resource type ${b.resourceType} is not one ACLs are given for`;
  if (b.patternType !== AclPatternType.LITERAL && b.patternType !== AclPatternType.PREFIXED) return 'the pattern type must be LITERAL or PREFIXED';
  if (b.resourceType === AclResourceType.CLUSTER && b.resourceName !== CLUSTER_RESOURCE) return `the cluster resource is named ${CLUSTER_RESOURCE}`;
  if (!/^User:.+/.test(b.principal)) return 'the principal must be User:<name> or User:*';
  if (b.operation < 2 || b.operation > 14) return `operation ${b.operation} is not a concrete operation`;
  if (b.permissionType !== AclPermission.ALLOW && b.permissionType !== AclPermission.DENY) return 'the permission type must be ALLOW or DENY';
  return null;
}
