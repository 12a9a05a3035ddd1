// Tests that need a feature sluice does not have yet, each with the reason. Only missing features
// belong here (compaction, several brokers, KIP-932 share groups, SASL OAUTHBEARER, ...): a test
// that fails for any other reason is a failure, however expected. librdkafka entries match test
// names (as in tests/test.c) by prefix; a test file whose every broker test is listed here is not
// run at all, unless the entry has `whenFailing`: such a test runs, and is not applicable only when
// it fails with a message matching it (the runner stops a test at its first failing subtest, so
// this names the subtest that needs the missing feature; a failure anywhere else stays a failure).
// kafkajs entries match the spec path and, when given, the test's full name ("describe > ... >
// test"); those tests run and are relabelled, and a listed test that passes anyway is pointed out
// in the report.

export interface NotApplicable {
  readonly suite: 'librdkafka' | 'kafkajs';
  /** librdkafka: test name prefix. kafkajs: spec path relative to the checkout, or '*' for any. */
  readonly test: string;
  /** kafkajs only: a pattern the test's full name must match (all tests of the spec when absent). */
  readonly name?: RegExp;
  /** Applies only to a failure whose message matches (librdkafka: the failing subtest's name is in it). */
  readonly whenFailing?: RegExp;
  readonly reason: string;
}

const COMPACTION = 'log compaction (cleanup.policy=compact) not built yet';
const SEVERAL_BROKERS = 'needs several brokers (sluice is one node)';
const SHARE_GROUPS = 'KIP-932 share groups not built yet';
const OLD_FORMATS = 'message formats v0/v1 (message.format.version, Produce v0-2) not built; Kafka 4.0 removed them too';
const OAUTHBEARER = 'SASL OAUTHBEARER not built (sluice offers PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512)';

export const NOT_APPLICABLE: readonly NotApplicable[] = [
  // librdkafka. The runner stops a test at its first failing subtest, so a test whose later
  // subtests need a missing feature is listed too; the reason says which subtests.
  { suite: 'librdkafka', test: '0011_produce_batch', reason: `${COMPACTION}: test_message_single_partition_record_fail expects a compacted topic to reject keyless records (INVALID_RECORD); the four subtests before it pass` },
  { suite: 'librdkafka', test: '0092_mixed_msgver', reason: OLD_FORMATS },
  { suite: 'librdkafka', test: '0107_topic_recreate', reason: `${SEVERAL_BROKERS}: creates its topics with replication factor 3` },
  { suite: 'librdkafka', test: '0111_delay_create_topics', reason: `${SEVERAL_BROKERS}: creates its topic with replication factor 3` },
  { suite: 'librdkafka', test: '0077_compaction', reason: COMPACTION },
  { suite: 'librdkafka', test: '0098_consumer_txn', reason: `${SEVERAL_BROKERS}: creates its topic with replication factor 3 (CreateTopics: "Unable to replicate the partition 3 time(s)"), before any transaction` },
  { suite: 'librdkafka', test: '0101_fetch_from_follower', reason: `${SEVERAL_BROKERS}: follower fetching across racks` },
  { suite: 'librdkafka', test: '0103_transactions', reason: `${SEVERAL_BROKERS}: its first subtest creates its topic with replication factor 3 (CreateTopics: "Unable to replicate the partition 3 time(s)")` },
  {
    suite: 'librdkafka', test: '0126_oauthbearer_oidc',
    reason: `${OAUTHBEARER}: the test needs sasl.oauthbearer.method=OIDC against a token endpoint; librdkafka's CI runs it only in its OAUTHBEARER job (trivup --oidc)`,
  },
  {
    suite: 'librdkafka', test: '0135_sasl_credentials', whenFailing: /Share consumer/,
    reason: `${SHARE_GROUPS}: its last two subtests (do_test_share_consumer) give a KIP-932 share consumer its credentials after the fact, on a topic they create with replication factor 3 (${SEVERAL_BROKERS}); the two producer subtests before them pass`,
  },
  {
    suite: 'librdkafka', test: '0142_reauthentication', whenFailing: /share consumer/i,
    reason: `${SHARE_GROUPS}: its second subtest (do_test_share_consumer) consumes through a KIP-932 share consumer while re-authenticating; the consumer subtest before it runs, the producer and transactional ones after it are never reached`,
  },
  ...['0170', '0171', '0172', '0173', '0174', '0175', '0176', '0177', '0178', '0179', '0180', '0181', '0184', '0185', '0190'].map(
    (number): NotApplicable => ({ suite: 'librdkafka', test: `${number}_share_consumer`, reason: SHARE_GROUPS }),
  ),

  // kafkajs: whole specs
  {
    suite: 'kafkajs', test: 'src/broker/__tests__/reauthenticate.spec.js',
    reason: `${OAUTHBEARER}: the spec runs only with OAUTHBEARER_ENABLED=1, in kafkajs's OAUTHBEARER CI job (docker-compose.2_4_oauthbearer.yml); otherwise jest skips it`,
  },
  { suite: 'kafkajs', test: 'src/broker/__tests__/listOffsets.spec.js', name: /ListOffsets > v0 > request/, reason: 'ListOffsets v0 not built (sluice serves v1-7, as Kafka 4.0 does); the test forces v0 past the advertised range' },
  ...['src/broker/__tests__/alterPartitionReassignments.spec.js', 'src/broker/__tests__/listPartitionReassignments.spec.js'].map(
    (test): NotApplicable => ({ suite: 'kafkajs', test, reason: `${SEVERAL_BROKERS}: partition reassignment moves replicas between brokers` }),
  ),
  // kafkajs: tests by name, in one spec
  { suite: 'kafkajs', test: 'src/admin/__tests__/alterPartitionReassignments.spec.js', name: /reassign partitions|invalid broker|does not exist/, reason: `${SEVERAL_BROKERS}: reassigns replicas to brokers 0-2` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/listPartitionReassignments.spec.js', name: /list reassignments/, reason: `${SEVERAL_BROKERS}: reassigns replicas to brokers 0-2` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/createTopics.spec.js', name: /manual replica assignment/, reason: `${SEVERAL_BROKERS}: replicas [0, 1]` },
  ...([
    ['src/admin/__tests__/createAcls.spec.js', /checks topic access/],
    ['src/admin/__tests__/deleteAcls.spec.js', /applies and deletes acl/],
    ['src/admin/__tests__/describeAcls.spec.js', /creates and queries acl/],
  ] as const).map(([test, name]): NotApplicable => ({ suite: 'kafkajs', test, name, reason: `${SEVERAL_BROKERS}: creates its topic with replicationFactor 2 (CreateTopics answers INVALID_REPLICATION_FACTOR) before any ACL` })),
  { suite: 'kafkajs', test: 'src/admin/__tests__/alterConfigs.spec.js', name: /alter broker configs/, reason: `${SEVERAL_BROKERS}: alters the configs of broker 1` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/alterConfigs.spec.js', name: /alterConfigs > (alter configs|does not alter configs with validateOnly)/, reason: `${COMPACTION}: sets cleanup.policy=compact` },
  { suite: 'kafkajs', test: 'src/broker/__tests__/alterConfigs.spec.js', name: /alterConfigs > request/, reason: `${COMPACTION}: sets cleanup.policy=compact` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/describeConfigs.spec.js', name: /describe broker configs/, reason: `${SEVERAL_BROKERS}: describes broker 1` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/describeCluster.spec.js', name: /all brokers in the cluster/, reason: `${SEVERAL_BROKERS}: expects 3` },
  { suite: 'kafkajs', test: 'src/admin/__tests__/deleteTopicRecords.spec.js', name: /tries again from the last successful partition|at least 1 broker error is non-retriable|all broker errors are retriable/, reason: `${SEVERAL_BROKERS}: partitions led by different brokers, one DeleteRecords request each` },
  { suite: 'kafkajs', test: 'src/broker/__tests__/deleteRecords.spec.js', name: /not the partition leader/, reason: `${SEVERAL_BROKERS}: sends to a broker that does not lead the partition` },
  { suite: 'kafkajs', test: 'src/cluster/__tests__/brokerPool.spec.js', name: /different seed broker|does not connect to the seed broker if it has connected brokers|#removeBroker|returns true if any of the brokers are connected|updates the list of brokers|cleans up unused brokers|connects the broker if it is not connected/, reason: `${SEVERAL_BROKERS}: expects brokers 0, 1 and 2` },
  { suite: 'kafkajs', test: 'src/cluster/__tests__/findGroupCoordinator.spec.js', name: /across all brokers|retry on ECONNREFUSED/, reason: `${SEVERAL_BROKERS}: the only broker is made to fail, and another one is expected to answer` },
];

/** The reason a test is not applicable, given how it ended (failure: its message; null when it did not fail). */
export function notApplicableReason(suite: NotApplicable['suite'], test: string, fullName: string | undefined, failure: string | null): string | null {
  return matching(suite, test, fullName, failure)?.reason ?? null;
}

/** The reason not to run a librdkafka test at all: an entry that applies whatever the test does. */
export function notRunReason(suite: NotApplicable['suite'], test: string): string | null {
  return matching(suite, test, undefined, null)?.reason ?? null;
}

function matching(suite: NotApplicable['suite'], test: string, fullName: string | undefined, failure: string | null): NotApplicable | null {
  for (const entry of NOT_APPLICABLE) {
    if (entry.suite !== suite) continue;
    const specMatches = entry.test === '*' || test === entry.test;
    const testMatches = suite === 'librdkafka' ? test.startsWith(entry.test) : specMatches && (entry.name === undefined || entry.name.test(fullName ?? ''));
    if (!testMatches) continue;
    if (entry.whenFailing !== undefined && (failure === null || !entry.whenFailing.test(failure))) continue;
    return entry;
  }
  return null;
}
