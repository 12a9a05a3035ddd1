// DescribeGroups, ListGroups and DeleteGroups, as admin tools (kafka-consumer-groups, kafkajs
// admin) use them.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultDeletableGroupResult, defaultDeleteGroupsResponse } from '../../protocol/generated/delete-groups.js';
import { defaultDescribedGroup, defaultDescribeGroupsResponse } from '../../protocol/generated/describe-groups.js';
import { defaultListedGroup, defaultListGroupsResponse } from '../../protocol/generated/list-groups.js';
import { authorizedOperationsIf } from '../authorization.js';
import type { Handler } from '../request-context.js';

/** Every group here is a classic group (ListGroups v5 group types). */
const CLASSIC_GROUP_TYPE = 'classic';

/** State names are Kafka's own ("Stable", "PreparingRebalance", ...); an unknown group is "Dead" with no error (v0-5). */
export const describeGroupsHandler: Handler<typeof ApiKey.DescribeGroups> = (request, context) => {
  const { groups } = context.broker;
  return {
    ...defaultDescribeGroupsResponse(),
    groups: request.groups.map((groupId) => {
      const summary = groups.describeGroup(groupId);
      return {
        ...defaultDescribedGroup(),
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: summary.state,
        protocolType: summary.protocolType,
        protocolData: summary.protocol,
        authorizedOperations: authorizedOperationsIf(request.includeAuthorizedOperations, context.connection, 'group', groupId),
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

/** v4+ may filter by state (matched case-insensitively, as Kafka does), v5+ by group type. */
export const listGroupsHandler: Handler<typeof ApiKey.ListGroups> = (request, context) => {
  const states = new Set(context.apiVersion >= 4 ? request.statesFilter.map((state) => state.toLowerCase()) : []);
  const types = new Set(context.apiVersion >= 5 ? request.typesFilter.map((type) => type.toLowerCase()) : []);
  const wanted = (state: string) => (states.size === 0 || states.has(state.toLowerCase())) && (types.size === 0 || types.has(CLASSIC_GROUP_TYPE));
  return {
    ...defaultListGroupsResponse(),
    groups: context.broker.groups
      .listGroups()
      .filter((group) => wanted(group.state))
      .map((group) => ({ ...defaultListedGroup(), groupId: group.groupId, protocolType: group.protocolType, groupState: group.state, groupType: CLASSIC_GROUP_TYPE })),
  };
};

/** Only empty groups can be deleted (NON_EMPTY_GROUP otherwise); their committed offsets go too. */
export const deleteGroupsHandler: Handler<typeof ApiKey.DeleteGroups> = async (request, context) => {
  const results = [];
  for (const groupId of request.groupsNames) {
    results.push({ ...defaultDeletableGroupResult(), groupId, errorCode: await context.broker.groups.deleteGroup(groupId) });
  }
  return { ...defaultDeleteGroupsResponse(), results };
};
