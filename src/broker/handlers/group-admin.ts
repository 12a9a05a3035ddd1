// DescribeGroups, ListGroups and DeleteGroups, as admin tools (kafka-consumer-groups, kafkajs
// admin) use them.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultDeletableGroupResult, defaultDeleteGroupsResponse } from '../../protocol/generated/delete-groups.js';
import { defaultDescribedGroup, defaultDescribeGroupsResponse } from '../../protocol/generated/describe-groups.js';
import { defaultListedGroup, defaultListGroupsResponse } from '../../protocol/generated/list-groups.js';
import { AclOperation } from '../authorization.js';
import { authorize, type Handler } from '../request-context.js';
import { CLUSTER_RESOURCE } from '../security/acls.js';
import { groupRefusal } from './group-membership.js';

/** Every group here is a classic group (ListGroups v5 group types). */
const CLASSIC_GROUP_TYPE = 'classic';

/**
 * State names are Kafka's own ("Stable", "PreparingRebalance", ...); an unknown group is "Dead"
 * with no error (v0-5). A group the client may not describe is GROUP_AUTHORIZATION_FAILED.
 */
export const describeGroupsHandler: Handler<typeof ApiKey.DescribeGroups> = (request, context) => {
  const { groups } = context.broker;
  return {
    ...defaultDescribeGroupsResponse(),
    groups: request.groups.map((groupId) => {
      const refusal = groupRefusal(context, groupId, AclOperation.DESCRIBE);
      if (refusal !== ErrorCode.NONE) return { ...defaultDescribedGroup(), groupId, errorCode: refusal };
      const summary = groups.describeGroup(groupId);
      return {
        ...defaultDescribedGroup(),
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: summary.state,
        protocolType: summary.protocolType,
        protocolData: summary.protocol,
        authorizedOperations: context.broker.authorizer.authorizedOperationsIf(request.includeAuthorizedOperations, context.connection, 'group', groupId),
        members: summary.members.map((member) => ({
          memberId: member.memberId,
          groupInstanceId: member.groupInstanceId,
          clientId: member.clientId,
          clientHost: member.clientHost,
          memberMetadata: member.metadata,
          memberAssignment: member.assignment,
        })),
      };
    }),
  };
};

/**
 * v4+ may filter by state (matched case-insensitively, as Kafka does), v5+ by group type. Without
 * DESCRIBE on the cluster, only the groups the client may describe are listed.
 */
export const listGroupsHandler: Handler<typeof ApiKey.ListGroups> = (request, context) => {
  const seesAll = authorize(context, 'cluster', CLUSTER_RESOURCE, AclOperation.DESCRIBE);
  const visible = (groupId: string) => seesAll || authorize(context, 'group', groupId, AclOperation.DESCRIBE);
  const states = new Set(context.apiVersion >= 4 ? request.statesFilter.map((state) => state.toLowerCase()) : []);
  const types = new Set(context.apiVersion >= 5 ? request.typesFilter.map((type) => type.toLowerCase()) : []);
  const wanted = (state: string) => (states.size === 0 || states.has(state.toLowerCase())) && (types.size === 0 || types.has(CLASSIC_GROUP_TYPE));
  return {
    ...defaultListGroupsResponse(),
    groups: context.broker.groups
      .listGroups()
      .filter((group) => wanted(group.state) && visible(group.groupId))
      .map((group) => ({ ...defaultListedGroup(), groupId: group.groupId, protocolType: group.protocolType, groupState: group.state, groupType: CLASSIC_GROUP_TYPE })),
  };
};

/** Only empty groups can be deleted (NON_EMPTY_GROUP otherwise), with DELETE on them; their committed offsets go too. */
export const deleteGroupsHandler: Handler<typeof ApiKey.DeleteGroups> = async (request, context) => {
  const results = [];
  for (const groupId of request.groupsNames) {
    const refusal = groupRefusal(context, groupId, AclOperation.DELETE);
    const errorCode = refusal !== ErrorCode.NONE ? refusal : await context.broker.groups.deleteGroup(groupId);
    results.push({ ...defaultDeletableGroupResult(), groupId, errorCode });
  }
  return { ...defaultDeleteGroupsResponse(), results };
};
