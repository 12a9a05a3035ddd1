// kafkajs's integration specs against sluice: one jest run per spec file, each against its own
// fresh broker configured as kafkajs's CI cluster (docker-compose.2_4.yml): num.partitions 2,
// group.initial.rebalance.delay.ms 0, auto-create on, advertised as localhost; a PLAINTEXT, an SSL
// and a SASL_SSL listener (its PLAINTEXT_HOST, SSL_HOST and SASL_SSL_HOST on 9092-9094), SASL
// PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 with the users of testHelpers/kafka/server-jaas.conf
// (PLAIN) and scripts/createScramCredentials.sh (SCRAM), an authorizer with
// allow.everyone.if.no.acl.found=true and no super users. Its JKS keystore becomes a certificate
// made with openssl at the start of the run (the clients do not verify it: rejectUnauthorized
// false). The jest config is kafkajs's own (jest.config.js) except that `testHelpers` (also when
// required by relative path) maps to kafkajs-test-helpers.cjs, which points the helpers at that
// broker; KAFKA_VERSION=2.4 as its CI sets it.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildBroker, type BrokerSecurity } from './broker.js';
import { classify, classifySuite, reported } from './classify.js';
import { gitIdentity, sluiceIdentity } from './git.js';
import { writeKafkaPath } from './kafka-path.js';
import type { FileResult, SuiteResult, TestResult } from './results.js';
import { runProcess } from './run-process.js';
import { makeSslSetup, type SslSetup } from './ssl.js';

export interface KafkajsOptions {
  readonly checkout: string;
  readonly sluiceDir: string;
  readonly logRoot: string;
  /** Spec paths to run (all integration specs when empty). */
  readonly only: readonly string[];
  readonly timeoutMs: number;
  readonly tsxLoader: string;
  /** The broker's --log-level (its log is kept with each test file's output). */
  readonly brokerLogLevel: string;
}

const NUM_PARTITIONS = 2;
const INITIAL_REBALANCE_DELAY_MS = 0;
const KAFKA_VERSION = '2.4';
/**
 * The users of kafkajs's CI cluster: PLAIN ones from testHelpers/kafka/server-jaas.conf
 * (user_test, user_bob, user_alice), SCRAM ones from scripts/createScramCredentials.sh (testscram,
 * a password per mechanism). sluice's PLAIN checks against the same store, so a user without a
 * mechanism serves PLAIN and both SCRAMs.
 */
const USERS: BrokerSecurity['users'] = [
  { name: 'test', password: 'testtest' },
  { name: 'bob', password: 'bobbob' },
  { name: 'alice', password: 'alicealice' },
  { name: 'testscram', password: 'testtestscram=256', mechanism: 'SCRAM-SHA-256' },
  { name: 'testscram', password: 'testtestscram=512', mechanism: 'SCRAM-SHA-512' },
];

function brokerSecurity(ssl: SslSetup): BrokerSecurity {
  return {
    listeners: ['PLAINTEXT', 'SSL', 'SASL_SSL'],
    // KAFKA_SSL_CLIENT_AUTH is not set: Kafka's default ssl.client.auth=none.
    tls: { certFile: ssl.brokerCert, keyFile: ssl.brokerKey, caFile: null, clientAuth: 'none' },
    users: USERS,
    superUsers: [],
    allowEveryoneIfNoAclFound: true,
    connectionsMaxReauthMs: 0,
  };
}

/** A spec is an integration spec when it reaches a broker through one of these helpers. */
const BROKER_HELPERS = /\b(createConnectionPool|createConnectionBuilder|createCluster|plainTextBrokers|createTopic|addPartitions|connectionOpts|sslConnectionOpts|saslEntries|saslConnectionOpts|sslBrokers|saslBrokers)\b/;

interface JestAssertion {
  readonly ancestorTitles: readonly string[];
  readonly title: string;
  readonly status: 'passed' | 'failed' | 'pending' | 'todo' | 'skipped' | 'disabled';
  readonly failureMessages: readonly string[];
}

interface JestReport {
  readonly testResults: ReadonlyArray<{ readonly assertionResults: readonly JestAssertion[]; readonly message: string }>;
}

export async function runKafkajs(options: KafkajsOptions): Promise<SuiteResult> {
  const started = Date.now();
  const jest = join(options.checkout, 'node_modules/jest/bin/jest.js');
  if (!existsSync(jest)) throw new Error(`${jest} is missing: install kafkajs's devDependencies in its checkout first (npm install)`);
  const allSpecs = findSpecs(join(options.checkout, 'src')).map((file) => relative(options.checkout, file)).sort();
  const integration = allSpecs.filter((spec) => usesBroker(options.checkout, spec));
  const specs = integration.filter((spec) => options.only.length === 0 || options.only.includes(spec));
  const config = writeJestConfig(options);
  const { kafkaTopics } = writeKafkaPath(options.logRoot, options.tsxLoader);
  const ssl = makeSslSetup(join(options.logRoot, 'ssl-kafkajs'), 'kafkajs');
  const files: FileResult[] = [];
  for (const [index, spec] of specs.entries()) {
    const file = await runSpec(spec, options, jest, config, kafkaTopics, ssl);
    files.push(file);
    const count = (o: string): number => file.tests.filter((t) => t.outcome === o).length;
    process.stdout.write(
      `[kafkajs ${index + 1}/${specs.length}] ${spec}: ${count('passed')} passed, ${count('failed')} failed, ${count('not applicable')} n/a, ` +
        `${count('skipped by the suite')} skipped (${file.seconds.toFixed(1)} s), broker exit ${file.broker?.code ?? file.broker?.signal}` +
        `${file.broker?.problem ? ` PROBLEM: ${file.broker.problem}` : ''}\n`,
    );
  }
  return classifySuite({
    suite: 'kafkajs',
    checkout: resolve(options.checkout),
    ...gitIdentity(options.checkout),
    sluiceCommit: sluiceIdentity(options.sluiceDir),
    settings: [
      `KAFKA_VERSION=${KAFKA_VERSION} (kafkajs CI's), KAFKAJS_DEBUG_PROTOCOL_BUFFERS=1, NODE_ENV=test; jest --runInBand --forceExit per spec file, no retries`,
      `broker: numPartitions ${NUM_PARTITIONS}, groupInitialRebalanceDelayMs ${INITIAL_REBALANCE_DELAY_MS}, autoCreateTopics true, advertised host localhost; ` +
        'listeners PLAINTEXT, SSL and SASL_SSL (clientAuth none, a certificate made with openssl), users test/testtest, bob/bobbob, alice/alicealice and testscram ' +
        '(testtestscram=256 for SCRAM-SHA-256, testtestscram=512 for SCRAM-SHA-512), allowEveryoneIfNoAclFound true, no super users, as docker-compose.2_4.yml',
      'testHelpers: kafkajs\'s own, with the broker lists, connection options (plain, SSL and SASL), createTopic and addPartitions pointed at the one broker\'s listeners; ' +
        'its socket factory sends what specs address as localhost:9092-9100 to the matching listener',
    ],
    excluded: [{ what: 'spec files that reach no broker (unit specs: protocol encoding, mocks)', count: allSpecs.length - integration.length }],
    files,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
  });
}

function findSpecs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findSpecs(path);
    return /(\/__tests__\/.*\.spec\.js|[./]spec\.js)$/.test(path) ? [path] : [];
  });
}

/** src/network/connection.spec.js requires '../../testHelpers' by path, the others 'testHelpers'. */
function usesBroker(checkout: string, spec: string): boolean {
  const text = readFileSync(join(checkout, spec), 'utf8');
  return /require\(['"](?:\.\.\/)*testHelpers['"]\)/.test(text) && BROKER_HELPERS.test(text);
}

async function runSpec(spec: string, options: KafkajsOptions, jest: string, config: string, kafkaTopics: string, ssl: SslSetup): Promise<FileResult> {
  const logDir = join(options.logRoot, 'kafkajs', spec.replace(/\W+/g, '-'));
  mkdirSync(logDir, { recursive: true });
  const broker = await startChildBroker(
    options.sluiceDir,
    {
      numPartitions: NUM_PARTITIONS,
      groupInitialRebalanceDelayMs: INITIAL_REBALANCE_DELAY_MS,
      autoCreateTopics: true,
      advertisedHost: 'localhost',
      logLevel: options.brokerLogLevel,
      security: brokerSecurity(ssl),
    },
    join(logDir, 'broker.log'),
  );
  const report = join(logDir, 'jest.json');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_VERSION,
    KAFKAJS_DEBUG_PROTOCOL_BUFFERS: '1',
    NODE_ENV: 'test',
    KAFKAJS_CHECKOUT: options.checkout,
    SLUICE_BOOTSTRAP: broker.bootstrap,
    SLUICE_SSL_BOOTSTRAP: broker.addresses.get('SSL'),
    SLUICE_SASL_SSL_BOOTSTRAP: broker.addresses.get('SASL_SSL'),
    SLUICE_KAFKA_TOPICS: kafkaTopics,
    SLUICE_DIR: options.sluiceDir,
  };
  const args = [jest, '--config', config, '--runInBand', '--forceExit', '--ci', '--json', '--outputFile', report, '--runTestsByPath', spec];
  const run = await runProcess(process.execPath, args, { cwd: options.checkout, env, timeoutMs: options.timeoutMs, logFile: join(logDir, 'jest.log') });
  const died = broker.diedEarly();
  const exit = await broker.stop();
  const tests = readResults(report).map((assertion) => classify('kafkajs', spec, reportedBy(assertion, died)));
  if (tests.length === 0) {
    const why = run.timedOut ? `jest was still running after ${run.seconds.toFixed(0)} s and was stopped` : `jest exited (code ${run.code}) without results`;
    tests.push(reported('(whole spec file)', 'failed', `${why}: ${run.output.slice(-600)}`));
  }
  return { file: spec, tests, seconds: run.seconds, broker: exit, logDir };
}

function readResults(report: string): JestAssertion[] {
  if (!existsSync(report)) return [];
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as JestReport;
  return parsed.testResults.flatMap((file) => file.assertionResults);
}

function reportedBy(assertion: JestAssertion, died: string | null): TestResult {
  const name = [...assertion.ancestorTitles, assertion.title].join(' > ');
  if (assertion.status === 'passed') return reported(name, 'passed', '');
  if (assertion.status !== 'failed') return reported(name, 'skipped by the suite', `${assertion.status} in the spec (test.skip, a version or environment gate)`);
  return reported(name, 'failed', assertion.failureMessages.join('\n') + (died === null ? '' : ` [${died}]`));
}

/** kafkajs's jest.config.js with `testHelpers` (and '../../testHelpers') mapped to the stand-in helpers. */
function writeJestConfig(options: KafkajsOptions): string {
  const helpers = fileURLToPath(new URL('./kafkajs-test-helpers.cjs', import.meta.url));
  const config = {
    rootDir: options.checkout,
    moduleNameMapper: { '^(\\.\\./)*testHelpers$': helpers },
    setupFilesAfterEnv: ['<rootDir>/testHelpers/setup.js'],
    testPathIgnorePatterns: ['/node_modules/'],
    testRunner: 'jest-circus/runner',
    testEnvironment: 'node',
    testRegex: '(/__tests__/.*\\.spec\\.js|(\\.|/)spec)\\.jsx?$',
    reporters: ['default'],
    bail: false,
  };
  const path = join(options.logRoot, 'kafkajs-jest.config.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}
