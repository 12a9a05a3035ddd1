// FindCoordinator, JoinGroup, SyncGroup, Heartbeat and LeaveGroup: decoding the version
// differences and mapping the coordinator's answers back (src/group/ holds the rules).
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultCoordinator, defaultFindCoordinatorResponse, type Coordinator } from '../../protocol/generated/find-coordinator.js';
import { defaultHeartbeatResponse } from '../../protocol/generated/heartbeat.js';
import { defaultJoinGroupResponse } from '../../protocol/generated/join-group.js';
import { defaultLeaveGroupResponse } from '../../protocol/generated/leave-group.js';
import { defaultSyncGroupResponse } from '../../protocol/generated/sync-group.js';
import { AclOperation, type AclOperationCode } from '../authorization.js';
import type { ConnectionContext } from '../connection.js';
import { advertisedFor, authorize, type Handler, type RequestContext } from '../request-context.js';

/** FindCoordinator key types: consumer groups and transactional ids. */
const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

/**
 * Every coordinator is this node (a one-node cluster). Transactional ids get this node too: a
 * transactional client then fails clearly on the transaction APIs we do not advertise, instead
 * of retrying COORDINATOR_NOT_AVAILABLE until it times out.
 */
export const findCoordinatorHandler: Handler<typeof ApiKey.FindCoordinator> = (request, context) => {
  const { broker, apiVersion } = context;
  const known = request.keyType === KEY_TYPE_GROUP || request.keyType === KEY_TYPE_TRANSACTION;
  const here = { nodeId: broker.config.nodeId, ...advertisedFor(context), errorCode: ErrorCode.NONE, errorMessage: null };
  const locate = (key: string) => {
    if (!known) return { nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unknown coordinator key type ${request.keyType}.` };
    const refusal = request.keyType === KEY_TYPE_GROUP ? groupRefusal(context, key, AclOperation.DESCRIBE) : transactionRefusal(context, key);
    return refusal === ErrorCode.NONE ? here : { nodeId: -1, host: '', port: -1, errorCode: refusal, errorMessage: null };
  };
  if (apiVersion < 4) return { ...defaultFindCoordinatorResponse(), ...locate(request.key) };
  const coordinators: Coordinator[] = request.coordinatorKeys.map((key) => ({ ...defaultCoordinator(), key, ...locate(key) }));
  return { ...defaultFindCoordinatorResponse(), coordinators };
};

/** GROUP_AUTHORIZATION_FAILED unless the client may perform `operation` on the group, NONE otherwise. */
export function groupRefusal(context: RequestContext, groupId: string, operation: AclOperationCode): number {
  return authorize(context, 'group', groupId, operation) ? ErrorCode.NONE : ErrorCode.GROUP_AUTHORIZATION_FAILED;
}

function transactionRefusal(context: RequestContext, transactionalId: string): number {
  return authorize(context, 'transactionalId', transactionalId, AclOperation.DESCRIBE) ? ErrorCode.NONE : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
}

export const joinGroupHandler: Handler<typeof ApiKey.JoinGroup> = async (request, context) => {
  const { apiVersion } = context;
  const refusal = groupRefusal(context, request.groupId, AclOperation.READ);
  if (refusal !== ErrorCode.NONE) return { ...defaultJoinGroupResponse(), errorCode: refusal, protocolName: apiVersion >= 7 ? null : '' };
  const result = await context.broker.groups.joinGroup({
    groupId: request.groupId,
    memberId: request.memberId,
    groupInstanceId: apiVersion >= 5 ? request.groupInstanceId : null,
    clientId: context.clientId ?? '',
    clientHost: clientHostOf(context.connection),
    sessionTimeoutMs: request.sessionTimeoutMs,
    // v0 has no rebalance timeout: the session timeout stands in for it.
    rebalanceTimeoutMs: apiVersion >= 1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
    protocolType: request.protocolType,
    // Copied: decoded bytes are views into the request frame, and members outlive it.
    protocols: request.protocols.map((protocol) => ({ name: protocol.name, metadata: Buffer.from(protocol.metadata) })),
    requireKnownMemberId: apiVersion >= 4,
  });
  return {
    ...defaultJoinGroupResponse(),
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    // Not nullable before v7.
    protocolName: apiVersion >= 7 ? result.protocolName : (result.protocolName ?? ''),
    leader: result.leaderId,
    memberId: result.memberId,
    members: result.members.map((member) => ({ memberId: member.memberId, groupInstanceId: member.groupInstanceId, metadata: member.metadata })),
  };
};

export const syncGroupHandler: Handler<typeof ApiKey.SyncGroup> = async (request, context) => {
  const refusal = groupRefusal(context, request.groupId, AclOperation.READ);
  if (refusal !== ErrorCode.NONE) return { ...defaultSyncGroupResponse(), errorCode: refusal };
  const result = await context.broker.groups.syncGroup(request.groupId, {
    memberId: request.memberId,
    generationId: request.generationId,
    groupInstanceId: context.apiVersion >= 3 ? request.groupInstanceId : null,
    protocolType: context.apiVersion >= 5 ? request.protocolType : null,
    protocolName: context.apiVersion >= 5 ? request.protocolName : null,
    assignments: request.assignments,
  });
  return { ...defaultSyncGroupResponse(), ...result };
};

export const heartbeatHandler: Handler<typeof ApiKey.Heartbeat> = (request, context) => {
  const refusal = groupRefusal(context, request.groupId, AclOperation.READ);
  if (refusal !== ErrorCode.NONE) return { ...defaultHeartbeatResponse(), errorCode: refusal };
  const errorCode = context.broker.groups.heartbeat(request.groupId, {
    memberId: request.memberId,
    generationId: request.generationId,
    groupInstanceId: context.apiVersion >= 3 ? request.groupInstanceId : null,
  });
  return { ...defaultHeartbeatResponse(), errorCode };
};

/** v0-2 name one member and answer with one error; v3+ name a batch and answer per member. */
export const leaveGroupHandler: Handler<typeof ApiKey.LeaveGroup> = (request, context) => {
  const batched = context.apiVersion >= 3;
  const refusal = groupRefusal(context, request.groupId, AclOperation.READ);
  if (refusal !== ErrorCode.NONE) return { ...defaultLeaveGroupResponse(), errorCode: refusal };
  const leaving = batched ? request.members.map(({ memberId, groupInstanceId }) => ({ memberId, groupInstanceId })) : [{ memberId: request.memberId, groupInstanceId: null }];
  const result = context.broker.groups.leaveGroup(request.groupId, leaving);
  if (batched) return { ...defaultLeaveGroupResponse(), errorCode: result.errorCode, members: [...result.members] };
  const memberError = result.members[0]?.errorCode ?? ErrorCode.NONE;
  return { ...defaultLeaveGroupResponse(), errorCode: result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError };
};

/** The client's address as Kafka shows it in DescribeGroups ("/127.0.0.1"), IPv4-mapped IPv6 unwrapped. */
export function clientHostOf(connection: ConnectionContext): string {
  return `/${connection.remoteAddress.replace(/^::ffff:/, '')}`;
}
