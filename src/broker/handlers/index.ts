// The handler table: which APIs this broker answers. ApiVersions advertises exactly these.
import { ApiKey } from '../../protocol/index.js';
import type { HandlerTable } from '../request-context.js';
import { apiVersionsHandler } from './api-versions.js';
import { describeClusterHandler } from './cluster.js';
import { alterConfigsHandler, describeConfigsHandler, incrementalAlterConfigsHandler } from './configs.js';
import { fetchHandler } from './fetch.js';
import { deleteGroupsHandler, describeGroupsHandler, listGroupsHandler } from './group-admin.js';
import { findCoordinatorHandler, heartbeatHandler, joinGroupHandler, leaveGroupHandler, syncGroupHandler } from './group-membership.js';
import { offsetCommitHandler, offsetDeleteHandler, offsetFetchHandler } from './group-offsets.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { createPartitionsHandler, deleteRecordsHandler } from './partition-admin.js';
import { produceHandler } from './produce.js';
import { initProducerIdHandler } from './producer-id.js';
import { saslAuthenticateHandler, saslHandshakeHandler } from './sasl.js';
import { alterUserScramCredentialsHandler, createAclsHandler, deleteAclsHandler, describeAclsHandler, describeUserScramCredentialsHandler } from './security-admin.js';
import { describeProducersHandler, describeTransactionsHandler, listTransactionsHandler } from './transaction-admin.js';
import { addOffsetsToTxnHandler, addPartitionsToTxnHandler, endTxnHandler, txnOffsetCommitHandler } from './transactions.js';
import { createTopicsHandler, deleteTopicsHandler } from './topic-admin.js';

export function createHandlerTable(): HandlerTable {
  const table: HandlerTable = {
    [ApiKey.ApiVersions]: apiVersionsHandler(() => table),
    [ApiKey.Metadata]: metadataHandler,
    [ApiKey.SaslHandshake]: saslHandshakeHandler,
    [ApiKey.SaslAuthenticate]: saslAuthenticateHandler,
    [ApiKey.DescribeAcls]: describeAclsHandler,
    [ApiKey.CreateAcls]: createAclsHandler,
    [ApiKey.DeleteAcls]: deleteAclsHandler,
    [ApiKey.DescribeUserScramCredentials]: describeUserScramCredentialsHandler,
    [ApiKey.AlterUserScramCredentials]: alterUserScramCredentialsHandler,
    [ApiKey.Produce]: produceHandler,
    [ApiKey.InitProducerId]: initProducerIdHandler,
    [ApiKey.AddPartitionsToTxn]: addPartitionsToTxnHandler,
    [ApiKey.AddOffsetsToTxn]: addOffsetsToTxnHandler,
    [ApiKey.EndTxn]: endTxnHandler,
    [ApiKey.TxnOffsetCommit]: txnOffsetCommitHandler,
    [ApiKey.DescribeProducers]: describeProducersHandler,
    [ApiKey.ListTransactions]: listTransactionsHandler,
    [ApiKey.DescribeTransactions]: describeTransactionsHandler,
    [ApiKey.Fetch]: fetchHandler,
    [ApiKey.ListOffsets]: listOffsetsHandler,
    [ApiKey.CreateTopics]: createTopicsHandler,
    [ApiKey.DeleteTopics]: deleteTopicsHandler,
    [ApiKey.CreatePartitions]: createPartitionsHandler,
    [ApiKey.DeleteRecords]: deleteRecordsHandler,
    [ApiKey.DescribeConfigs]: describeConfigsHandler,
    [ApiKey.AlterConfigs]: alterConfigsHandler,
    [ApiKey.IncrementalAlterConfigs]: incrementalAlterConfigsHandler,
    [ApiKey.DescribeCluster]: describeClusterHandler,
    [ApiKey.FindCoordinator]: findCoordinatorHandler,
    [ApiKey.JoinGroup]: joinGroupHandler,
    [ApiKey.SyncGroup]: syncGroupHandler,
    [ApiKey.Heartbeat]: heartbeatHandler,
    [ApiKey.LeaveGroup]: leaveGroupHandler,
    [ApiKey.OffsetCommit]: offsetCommitHandler,
    [ApiKey.OffsetFetch]: offsetFetchHandler,
    [ApiKey.OffsetDelete]: offsetDeleteHandler,
    [ApiKey.DescribeGroups]: describeGroupsHandler,
    [ApiKey.ListGroups]: listGroupsHandler,
    [ApiKey.DeleteGroups]: deleteGroupsHandler,
  };
  return table;
}
