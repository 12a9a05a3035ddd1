// Tests that need a feature sluice does not have yet, each with the reason. Only missing features
// belong here (idempotence, transactions, TLS/SASL/ACLs, compaction, several brokers, KIP-848 or
// KIP-932 groups, ...): a test that fails for any other reason is a failure, however expected.
// librdkafka entries match test names (as in tests/test.c) by prefix; a test file whose every
// broker test is listed here is not run at all. kafkajs entries match the spec path and, when
// given, the test's full name ("describe > ... > test"); those tests run and are relabelled, and a
// listed test that passes anyway is pointed out in the report.

export interface NotApplicable {
  readonly suite: 'librdkafka' | 'kafkajs';
  /** librdkafka: test name prefix. kafkajs: spec path relative to the checkout, or '*' for any. */
  readonly test: string;
  /** kafkajs only: a pattern the test's full name must match (all tests of the spec when absent). */
  readonly name?: RegExp;
  readonly reason: string;
}

const IDEMPOTENCE = 'idempotent producer (InitProducerId) not built yet';
const TRANSACTIONS = 'transactions not built yet';
const TLS = 'TLS listeners not built yet';
const SASL = 'SASL not built yet';
const ACLS = 'ACLs not built yet';
const COMPACTION = 'log compaction (cleanup.policy=compact) not built yet';
const SEVERAL_BROKERS = 'needs several brokers (sluice is one node)';
const SHARE_GROUPS = 'KIP-932 share groups not built yet';
const OLD_FORMATS = 'message formats v0/v1 (message.format.version, Produce v0-2) not built; Kafka 4.0 removed them too';

export const NOT_APPLICABLE: readonly NotApplicable[] = [
  // librdkafka. The runner stops a test at its first failing subtest, so a test whose later
  // subtests need a missing feature is listed too; the reason says which subtests.
  { suite: 'librdkafka', test: '0011_produce_batch', reason: `${COMPACTION}: test_message_single_partition_record_fail expects a compacted topic to reject keyless records (INVALID_RECORD); the four subtests before it pass` },
  { suite: 'librdkafka', test: '0055_producer_latency', reason: `${IDEMPOTENCE}: its idempotence subtests (the acks/linger subtests before them pass)` },
  { suite: 'librdkafka', test: '0061_consumer_lag', reason: `${TRANSACTIONS}: its "consumer lag with transactions" subtest (the one without transactions passes)` },
  { suite: 'librdkafka', test: '0076_produce_retry', reason: `${IDEMPOTENCE}: its first subtests run with enable.idempotence=true, so its idempotence=false ones are never reached` },
  { suite: 'librdkafka', test: '0086_purge_remote', reason: `${IDEMPOTENCE}: its "remote,idempotence" subtests (the plain remote purge subtest before them passes)` },
  { suite: 'librdkafka', test: '0092_mixed_msgver', reason: OLD_FORMATS },
  { suite: 'librdkafka', test: '0107_topic_recreate', reason: `${SEVERAL_BROKERS}: creates its topics with replication factor 3` },
  { suite: 'librdkafka', test: '0109_auto_create_topics', reason: `${ACLS}: its unauthorized-topic subtest runs kafka-acls.sh` },
  { suite: 'librdkafka', test: '0111_delay_create_topics', reason: `${SEVERAL_BROKERS}: creates its topic with replication factor 3` },
  { suite: 'librdkafka', test: '0077_compaction', reason: COMPACTION },
  { suite: 'librdkafka', test: '0090_idempotence', reason: IDEMPOTENCE },
  { suite: 'librdkafka', test: '0094_idempotence_msg_timeout', reason: IDEMPOTENCE },
  { suite: 'librdkafka', test: '0097_ssl_verify', reason: TLS },
  { suite: 'librdkafka', test: '0098_consumer_txn', reason: TRANSACTIONS },
  { suite: 'librdkafka', test: '0101_fetch_from_follower', reason: `${SEVERAL_BROKERS}: follower fetching across racks` },
  { suite: 'librdkafka', test: '0103_transactions', reason: TRANSACTIONS },
  { suite: 'librdkafka', test: '0115_producer_auth', reason: ACLS },
  { suite: 'librdkafka', test: '0119_consumer_auth', reason: ACLS },
  { suite: 'librdkafka', test: '0137_barrier_batch_consume', reason: `${TRANSACTIONS}: its last subtest, "Testing control msgs flow" (the batch-consume subtests before it pass)` },
  { suite: 'librdkafka', test: '0126_oauthbearer_oidc', reason: `${SASL} (OAUTHBEARER/OIDC)` },
  { suite: 'librdkafka', test: '0129_fetch_aborted_msgs', reason: TRANSACTIONS },
  { suite: 'librdkafka', test: '0135_sasl_credentials', reason: SASL },
  { suite: 'librdkafka', test: '0142_reauthentication', reason: `${SASL} (KIP-368 re-authentication)` },
  ...['0170', '0171', '0172', '0173', '0174', '0175', '0176', '0177', '0178', '0179', '0180', '0181', '0184', '0185', '0190'].map(
    (number): NotApplicable => ({ suite: 'librdkafka', test: `${number}_share_consumer`, reason: SHARE_GROUPS }),
  ),

  // kafkajs: whole specs
  ...['src/admin/__tests__/createAcls.spec.js', 'src/admin/__tests__/deleteAcls.spec.js', 'src/admin/__tests__/describeAcls.spec.js',
    'src/broker/__tests__/createAcls.spec.js', 'src/broker/__tests__/deleteAcls.spec.js', 'src/broker/__tests__/describeAcls.spec.js'].map(
    (test): NotApplicable => ({ suite: 'kafkajs', test, reason: `${ACLS} (and these specs connect over SASL)` }),
  ),
  ...['src/broker/__tests__/addOffsetsToTxn.spec.js', 'src/broker/__tests__/addPartitionsToTxn.spec.js', 'src/broker/__tests__/endTxn.spec.js',
    'src/broker/__tests__/txnOffsetCommit.spec.js', 'src/producer/__tests__/concurrentTransaction.spec.js'].map(
    (test): NotApplicable => ({ suite: 'kafkajs', test, reason: TRANSACTIONS }),
  ),
  { suite: 'kafkajs', test: 'src/broker/__tests__/initProducerId.spec.js', reason: IDEMPOTENCE },
  { suite: 'kafkajs', test: 'src/producer/__tests__/idempotentProduceMessages.spec.js', reason: IDEMPOTENCE },
  { suite: 'kafkajs', test: 'src/broker/__tests__/reauthenticate.spec.js', reason: `${SASL} (re-authentication)` },
  { suite: 'kafkajs', test: 'src/broker/__tests__/listOffsets.spec.js', name: /ListOffsets > v0 > request/, reason: 'ListOffsets v0 not built (sluice serves v1-7, as Kafka 4.0 does); the test forces v0 past the advertised range' },
  ...['src/broker/__tests__/alterPartitionReassignments.spec.js', 'src/broker/__tests__/listPartitionReassignments.spec.js'].map(
    (test): NotApplicable => ({ suite: 'kafkajs', test, reason: `${SEVERAL_BROKERS}: partition reassignment moves replicas between brokers` }),
  ),
  // kafkajs: tests by name, in one spec
  { suite: 'kafkajs', test: 'src/admin/__tests__/alterPartitionReassignments.spec.js', name: /reassign partitions|invalid broker|does not exist/, reason: `${SEVERAL_BROKERS}: reassigns replicas to brokers 0-2` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/listPartitionReassignments.spec.js', name: /list reassignments/, reason: `${SEVERAL_BROKERS}: reassigns replicas to brokers 0-2` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/createTopics.spec.js', name: /manual replica assignment/, reason: `${SEVERAL_BROKERS}: replicas [0, 1]` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/alterConfigs.spec.js', name: /alter broker configs/, reason: `${SEVERAL_BROKERS}: alters the configs of broker 1` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/alterConfigs.spec.js', name: /alterConfigs > (alter configs|does not alter configs with validateOnly)/, reason: `${COMPACTION}: sets cleanup.policy=compact` },
  { suite: 'kafkajs', test: 'src/broker/__tests__/alterConfigs.spec.js', name: /alterConfigs > request/, reason: `${COMPACTION}: sets cleanup.policy=compact` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/describeConfigs.spec.js', name: /describe broker configs/, reason: `${SEVERAL_BROKERS}: describes broker 1` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/describeCluster.spec.js', name: /all brokers in the cluster/, reason: `${SEVERAL_BROKERS}: expects 3` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/deleteTopicRecords.spec.js', name: /tries again from the last successful partition|at least 1 broker error is non-retriable|all broker errors are retriable/, reason: `${SEVERAL_BROKERS}: partitions led by different brokers, one DeleteRecords request each` },
  { suite: 'kafkajs', test: 'src/broker/__tests__/deleteRecords.spec.js', name: /not the partition leader/, reason: `${SEVERAL_BROKERS}: sends to a broker that does not lead the partition` },
  { suite: 'kafkajs', test: 'src/cluster/__tests__/brokerPool.spec.js', name: /different seed broker|does not connect to the seed broker if it has connected brokers|#removeBroker|returns true if any of the brokers are connected|updates the list of brokers|cleans up unused brokers|connects the broker if it is not connected/, reason: `${SEVERAL_BROKERS}: expects brokers 0, 1 and 2` },
  { suite: 'kafkajs', test: 'src/cluster/__tests__/findGroupCoordinator.spec.js', name: /across all brokers|retry on ECONNREFUSED/, reason: `${SEVERAL_BROKERS}: the only broker is made to fail, and another one is expected to answer` },
  // kafkajs: tests by name, in any spec (after the per-spec ones: the first match gives the reason)
  { suite: 'kafkajs', test: '*', name: /\bSSL\b/, reason: TLS },
  { suite: 'kafkajs', test: '*', name: /SASL (PLAIN|SCRAM|OAUTHBEARER)|SaslAuthenticate|SASL SCRAM|when PLAIN is configured|mechanism isn't supported/, reason: SASL },
  { suite: 'kafkajs', test: '*', name: /idempotent producer|when idempotent=true > (?!sets the default retry value|throws an error if retries < 1)/, reason: IDEMPOTENCE },
  { suite: 'kafkajs', test: '*', name: /> transactions >|> transactional >|Transactional producer|control batches|process transactions/, reason: TRANSACTIONS },
];

export function notApplicableReason(suite: NotApplicable['suite'], test: string, fullName?: string): string | null {
  for (const entry of NOT_APPLICABLE) {
    if (entry.suite !== suite) continue;
    const specMatches = entry.test === '*' || test === entry.test;
    if (suite === 'librdkafka' ? test.startsWith(entry.test) : specMatches && (entry.name === undefined || entry.name.test(fullName ?? ''))) {
      return entry.reason;
    }
  }
  return null;
}
