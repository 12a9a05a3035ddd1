// librdkafka's test suite against sluice: one test-runner run per test file (TESTS=<number>) and
// setup, each against its own fresh broker, configured as librdkafka's CI cluster (trivup 0.15.0's
// KafkaCluster and KafkaBrokerApp, scenarios/*.json): num.partitions 4, topic auto-creation on
// except in the noautocreate scenario, Kafka's default group.initial.rebalance.delay.ms (3000;
// trivup does not change it), and trivup's security settings: a PLAINTEXT and a SASL_PLAINTEXT
// listener (trivup always enables PLAIN), SSL and SASL_SSL listeners too when the cluster has TLS
// (ssl.client.auth=required), the users testuser/testpass and admin/admin for PLAIN and SCRAM,
// super.users=User:admin and allow.everyone.if.no.acl.found=true with an authorizer. trivup's
// broker takes only TLS 1.2 and older (ssl.enabled.protocols=TLSv1.2,TLSv1.1,TLSv1); sluice has no
// such setting, so the test runner's OpenSSL is capped at TLS 1.2 instead (OPENSSL_CONF), for the
// same handshakes (0097 expects a refused client certificate to fail the handshake, which under
// TLS 1.3 fails only after it). Most test files run once, as a PLAINTEXT client; the security tests run as the clients librdkafka's CI
// makes them (SECURITY_SETUPS). Tests that call kafka-topics.sh or kafka-acls.sh get the
// stand-ins in kafka-topics.ts and kafka-acls.ts through KAFKA_PATH.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startChildBroker, type BrokerSecurity, type SecurityProtocol } from './broker.js';
import { classify, classifySuite, reported } from './classify.js';
import { gitIdentity, sluiceIdentity } from './git.js';
import { writeKafkaPath } from './kafka-path.js';
import { needsBroker, readTestTable, usesMockCluster, type DeclaredTest } from './librdkafka-tests.js';
import { notRunReason } from './not-applicable.js';
import type { FileResult, SuiteResult, TestResult } from './results.js';
import { runProcess, type ProcessResult } from './run-process.js';
import { makeSslSetup, type SslSetup } from './ssl.js';

export interface LibrdkafkaOptions {
  readonly checkout: string;
  readonly sluiceDir: string;
  readonly logRoot: string;
  /** Test numbers to run (all when empty). */
  readonly only: readonly string[];
  readonly quick: boolean;
  /** Run the tests mapped to not applicable too (they stay not applicable; the report says which passed). */
  readonly runNotApplicable: boolean;
  readonly kafkaVersion: string;
  readonly timeoutMs: number;
  readonly tsxLoader: string;
  /** The broker's --log-level (its log is kept with each test file's output). */
  readonly brokerLogLevel: string;
  /** The client setup of every test file without its own in SECURITY_SETUPS (default PLAINTEXT). */
  readonly defaultSetup: ClientSetup;
}

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

/** How the test runner's clients connect (test.conf), and what the broker needs for that. */
export interface ClientSetup {
  readonly protocol: SecurityProtocol;
  readonly mechanism?: SaslMechanism;
  /** connections.max.reauth.ms of the broker (librdkafka's SASL CI job sets 10000). */
  readonly reauthMs?: number;
}

export const PLAINTEXT: ClientSetup = { protocol: 'PLAINTEXT' };
const SSL_SETUP: ClientSetup = { protocol: 'SSL' };
const sasl = (protocol: 'SASL_PLAINTEXT' | 'SASL_SSL', mechanism: SaslMechanism, reauthMs?: number): ClientSetup => ({ protocol, mechanism, ...(reauthMs === undefined ? {} : { reauthMs }) });
/** librdkafka's .semaphore/run-sasl-tests.yml: TEST_SASL=PLAIN on a plaintext and an SSL cluster, connections.max.reauth.ms=10000. */
const SASL_CI = [sasl('SASL_PLAINTEXT', 'PLAIN', 10_000), sasl('SASL_SSL', 'PLAIN', 10_000)];

/**
 * Test files run as other clients than PLAINTEXT ones, as librdkafka's CI runs them: 0022, 0135 and
 * 0142 by run-sasl-tests.yml (0128 is a local test); 0097 by the SSL cluster job of
 * run-all-tests.yml (TEST_SSL=True; trivup exports the SSL_* variables it needs) and by
 * tests/sasl_test.py's SASL_SSL PLAIN suite (which runs every test; 0097 checks that a SASL_SSL
 * listener takes a client certificate it does not trust, as Kafka applies ssl.client.auth to SSL
 * listeners only); 0001 by sasl_test.py's suites (SASL PLAIN, SASL SCRAM-SHA-512, SSL, SASL_SSL
 * PLAIN), plus SCRAM-SHA-256, which sluice offers too. 0135 and 0142 skip themselves without
 * SASL, 0097 without TLS, so they run in these setups only.
 */
export const SECURITY_SETUPS: Readonly<Record<string, readonly ClientSetup[]>> = {
  '0001': [PLAINTEXT, sasl('SASL_PLAINTEXT', 'PLAIN'), sasl('SASL_PLAINTEXT', 'SCRAM-SHA-512'), SSL_SETUP, sasl('SASL_SSL', 'PLAIN'), sasl('SASL_SSL', 'SCRAM-SHA-256')],
  '0022': [PLAINTEXT, ...SASL_CI],
  '0097': [SSL_SETUP, sasl('SASL_SSL', 'PLAIN')],
  '0135': SASL_CI,
  '0142': SASL_CI,
};

/** trivup's sasl_users default (the client's user) and the admin it always adds. */
const CLIENT_USER = { name: 'testuser', password: 'testpass' };
const TRIVUP_USERS = [CLIENT_USER, { name: 'admin', password: 'admin' }];

export function setupLabel(setup: ClientSetup): string {
  return [setup.protocol, setup.mechanism].filter(Boolean).join(' ');
}

/** "SASL_SSL" or "SASL_SSL:SCRAM-SHA-512" (the --librdkafka-security option). */
export function parseSetup(text: string): ClientSetup {
  const [protocol, mechanism] = text.toUpperCase().split(':');
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) throw new Error(`--librdkafka-security: unknown protocol ${protocol}`);
  const isSasl = protocol.startsWith('SASL_');
  if (isSasl && !['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism ?? '')) throw new Error('--librdkafka-security: SASL_* needs :PLAIN, :SCRAM-SHA-256 or :SCRAM-SHA-512');
  if (!isSasl && mechanism !== undefined) throw new Error(`--librdkafka-security: ${protocol} takes no mechanism`);
  return isSasl ? { protocol: protocol as SecurityProtocol, mechanism: mechanism as SaslMechanism } : { protocol: protocol as SecurityProtocol };
}

const usesTls = (setup: ClientSetup): boolean => setup.protocol === 'SSL' || setup.protocol === 'SASL_SSL';

/** The broker trivup would start for a client of this setup. */
function brokerSecurity(setup: ClientSetup, ssl: SslSetup | null): BrokerSecurity {
  return {
    listeners: ssl === null ? ['PLAINTEXT', 'SASL_PLAINTEXT'] : ['PLAINTEXT', 'SASL_PLAINTEXT', 'SSL', 'SASL_SSL'],
    ...(ssl === null ? {} : { tls: { certFile: ssl.brokerCert, keyFile: ssl.brokerKey, caFile: ssl.caPem, clientAuth: 'required' as const } }),
    users: TRIVUP_USERS,
    superUsers: ['User:admin'],
    allowEveryoneIfNoAclFound: true,
    connectionsMaxReauthMs: setup.reauthMs ?? 0,
  };
}

/** test.conf as trivup's LibrdkafkaTestApp writes it for this setup (bootstrap: the setup's listener). */
function testConf(setup: ClientSetup, bootstrap: string, ssl: SslSetup | null): string {
  const lines = [`bootstrap.servers=${bootstrap}`, 'broker.address.family=v4'];
  if (setup.protocol !== 'PLAINTEXT') lines.push(`security.protocol=${setup.protocol}`);
  if (setup.mechanism !== undefined) lines.push(`sasl.mechanisms=${setup.mechanism}`, `sasl.username=${CLIENT_USER.name}`, `sasl.password=${CLIENT_USER.password}`);
  if (ssl !== null) lines.push(`ssl.ca.location=${ssl.caPem}`, `ssl.certificate.location=${ssl.clientCert}`, `ssl.key.location=${ssl.clientKey}`, `ssl.key.password=${ssl.password}`);
  return `${lines.join('\n')}\n`;
}

/** What TEST_KAFKA_VERSION tells the tests; see docs/compatibility.md for why this one. */
export const DEFAULT_KAFKA_VERSION = '3.9.0';
const NUM_PARTITIONS = 4;
const INITIAL_REBALANCE_DELAY_MS = 3000;

export async function runLibrdkafka(options: LibrdkafkaOptions): Promise<SuiteResult> {
  const started = Date.now();
  const testsDir = join(options.checkout, 'tests');
  const runner = join(testsDir, 'test-runner');
  if (!existsSync(runner)) {
    throw new Error(
      `${runner} is missing. Build librdkafka and its test runner first, by librdkafka's own steps ` +
        `(./configure && make && make -C tests build, see its README.md and tests/README.md); this script does not build it.`,
    );
  }
  const declared = readTestTable(options.checkout);
  const { kafkaPath } = writeKafkaPath(options.logRoot, options.tsxLoader);
  const groups = groupByFile(declared.filter(needsBroker), options.defaultSetup).filter((g) => options.only.length === 0 || options.only.includes(g.number));
  let ssl: SslSetup | null = null;
  const sslFor = (setup: ClientSetup): SslSetup | null => {
    if (!usesTls(setup)) return null;
    ssl ??= makeSslSetup(join(options.logRoot, 'ssl'));
    return ssl;
  };
  const files: FileResult[] = [];
  for (const [index, group] of groups.entries()) {
    const file = await runFile(group, options, runner, kafkaPath, sslFor(group.setup));
    files.push(file);
    const counts = file.tests.map((t) => t.outcome);
    const count = (o: string): number => counts.filter((c) => c === o).length;
    process.stdout.write(
      `[librdkafka ${index + 1}/${groups.length}] ${file.file}: ${count('passed')} passed, ${count('failed')} failed, ` +
        `${count('not applicable')} n/a, ${count('skipped by the suite')} skipped (${file.seconds.toFixed(1)} s)` +
        `${file.broker === null ? '' : `, broker exit ${file.broker.code ?? file.broker.signal}`}${file.broker?.problem ? ` PROBLEM: ${file.broker.problem}` : ''}\n`,
    );
  }
  const git = gitIdentity(options.checkout);
  return classifySuite({
    suite: 'librdkafka',
    checkout: resolve(options.checkout),
    ...git,
    sluiceCommit: sluiceIdentity(options.sluiceDir),
    settings: [
      `TEST_KAFKA_VERSION=${options.kafkaVersion}` +
        (options.kafkaVersion === DEFAULT_KAFKA_VERSION
          ? ': sluice answers ApiVersions like Kafka 3.x (Fetch up to 17, Produce 11, ListGroups 5 with its type filter); 3.9 is the last 3.x release, so ' +
            'the tests gated on 3.x features run (MAX_TIMESTAMP offsets, ListConsumerGroups by type) and none expect 4.0 behaviour (group configs, 4.0 authorized-operation sets)'
          : ''),
      `test-runner -L${options.quick ? ' -Q' : ''} (broker tests only${options.quick ? ', quick mode' : ''}), TESTS=<number>, one run per test file, scenario and client setup`,
      `broker: numPartitions ${NUM_PARTITIONS}, groupInitialRebalanceDelayMs ${INITIAL_REBALANCE_DELAY_MS}, autoCreateTopics true (false for the noautocreate scenario); ` +
        'as trivup\'s: PLAINTEXT and SASL_PLAINTEXT listeners, plus SSL and SASL_SSL ones (ssl.client.auth=required, a CA, broker and client certificates made with openssl as trivup\'s SslApp makes them) for a TLS client setup; ' +
        'users testuser/testpass and admin/admin (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), superUsers User:admin, allowEveryoneIfNoAclFound true',
      `client setups: ${setupLabel(options.defaultSetup)} for every test file but these, run as librdkafka's CI runs them: ` +
        Object.entries(SECURITY_SETUPS).map(([number, setups]) => `${number} as ${setups.map((s) => `${setupLabel(s)}${s.reauthMs ? ` (connectionsMaxReauthMs ${s.reauthMs})` : ''}`).join(', ')}`).join('; '),
      'test.conf: bootstrap.servers=localhost:<port of the setup\'s listener>, broker.address.family=v4, security.protocol, sasl.mechanisms, sasl.username=testuser, sasl.password=testpass, ' +
        'ssl.ca.location, ssl.certificate.location, ssl.key.location, ssl.key.password as the setup needs (trivup\'s LibrdkafkaTestApp); with TLS, trivup\'s SSL_* variables ' +
        'and OPENSSL_CONF capping the test runner at TLS 1.2 (trivup\'s broker enables only ssl.enabled.protocols=TLSv1.2,TLSv1.1,TLSv1; sluice has no such setting); ' +
        'BROKERS=localhost:<PLAINTEXT port>; KAFKA_PATH=<stand-ins whose bin/kafka-topics.sh and bin/kafka-acls.sh run sluice\'s CLI>',
    ],
    excluded: [
      { what: 'TEST_F_LOCAL tests (mock cluster or client only: no broker involved)', count: declared.filter((t) => t.flags.includes('TEST_F_LOCAL')).length },
      { what: 'TEST_F_MANUAL tests', count: declared.filter((t) => t.flags.includes('TEST_F_MANUAL') && !t.flags.includes('TEST_F_LOCAL')).length },
      { what: `*_mock tests not flagged TEST_F_LOCAL (they run librdkafka's mock cluster: ${declared.filter(usesMockCluster).map((t) => t.name).join(', ')})`, count: declared.filter(usesMockCluster).length },
    ],
    files,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
  });
}

interface FileGroup {
  readonly number: string;
  readonly scenario: string;
  readonly setup: ClientSetup;
  readonly tests: readonly DeclaredTest[];
}

/** One group per test file, scenario and client setup, in test-number order. */
function groupByFile(tests: readonly DeclaredTest[], defaultSetup: ClientSetup): FileGroup[] {
  const groups = new Map<string, Omit<FileGroup, 'setup'>>();
  for (const test of tests) {
    const scenario = test.scenarios.includes('default') ? 'default' : test.scenarios[0];
    const key = `${test.number} ${scenario}`;
    const group = groups.get(key) ?? { number: test.number, scenario, tests: [] };
    groups.set(key, { ...group, tests: [...group.tests, test] });
  }
  return [...groups.values()]
    .sort((a, b) => a.number.localeCompare(b.number) || a.scenario.localeCompare(b.scenario))
    .flatMap((group) => (SECURITY_SETUPS[group.number] ?? [defaultSetup]).map((setup) => ({ ...group, setup })));
}

/** "0107 (noautocreate)", "0135 (SASL_SSL PLAIN)": the plain number for the default scenario as a PLAINTEXT client. */
function fileLabel(group: FileGroup): string {
  const notes = [group.scenario === 'default' ? '' : group.scenario, group.setup.protocol === 'PLAINTEXT' ? '' : setupLabel(group.setup)].filter(Boolean);
  return notes.length === 0 ? group.number : `${group.number} (${notes.join(', ')})`;
}

async function runFile(group: FileGroup, options: LibrdkafkaOptions, runner: string, kafkaPath: string, ssl: SslSetup | null): Promise<FileResult> {
  const label = fileLabel(group);
  const decided = new Map<string, TestResult>();
  for (const test of group.tests) {
    const reason = notRunReason('librdkafka', test.name);
    if (reason !== null && !options.runNotApplicable) decided.set(test.name, reported(test.name, 'not run', reason));
    else if (test.flags.includes('TEST_F_KNOWN_ISSUE')) {
      decided.set(test.name, reported(test.name, 'skipped by the suite', 'TEST_F_KNOWN_ISSUE: the suite skips it by default'));
    }
  }
  if (decided.size === group.tests.length) return { file: label, tests: [...decided.values()], seconds: 0, broker: null, logDir: null };

  const logDir = join(options.logRoot, 'librdkafka', label.replace(/\W+/g, '-'));
  mkdirSync(logDir, { recursive: true });
  const broker = await startChildBroker(
    options.sluiceDir,
    {
      numPartitions: NUM_PARTITIONS,
      groupInitialRebalanceDelayMs: INITIAL_REBALANCE_DELAY_MS,
      autoCreateTopics: group.scenario !== 'noautocreate',
      advertisedHost: 'localhost',
      logLevel: options.brokerLogLevel,
      security: brokerSecurity(group.setup, ssl),
    },
    join(logDir, 'broker.log'),
  );
  const bootstrap = broker.addresses.get(group.setup.protocol);
  if (bootstrap === undefined) {
    await broker.stop();
    throw new Error(`the broker printed no ${group.setup.protocol} listener`);
  }
  const conf = join(logDir, 'test.conf');
  writeFileSync(conf, testConf(group.setup, bootstrap, ssl));
  const report = join(logDir, 'report.json');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(ssl === null ? {} : { ...ssl.env, OPENSSL_CONF: ssl.tls12ClientConf }),
    TESTS: group.number,
    TEST_KAFKA_VERSION: options.kafkaVersion,
    RDKAFKA_TEST_CONF: conf,
    KAFKA_PATH: kafkaPath,
    BROKERS: broker.bootstrap,
    TEST_REPORT: report,
    SLUICE_DIR: options.sluiceDir,
    LD_LIBRARY_PATH: [process.env.LD_LIBRARY_PATH, '../src', '../src-cpp'].filter(Boolean).join(':'),
  };
  const args = ['-L', ...(options.quick ? ['-Q'] : []), ...(group.scenario === 'default' ? [] : ['-s', group.scenario])];
  const run = await runProcess(runner, args, { cwd: join(options.checkout, 'tests'), env, timeoutMs: options.timeoutMs, logFile: join(logDir, 'test-runner.log') });
  const died = broker.diedEarly();
  const exit = await broker.stop();
  const results = readResults(run.output, report);
  const tests = group.tests.map((test) => classify('librdkafka', label, decided.get(test.name) ?? resultOf(test, results, run, died)));
  return { file: label, tests, seconds: run.seconds, broker: exit, logDir };
}

interface Reported {
  readonly state: string;
  readonly message: string;
}

/**
 * Each test's state from the runner's JSON report (TEST_REPORT), else from its closing table on
 * stdout, which an abort can lose (stdout is a pipe, so buffered); the failure or skip message
 * from the unbuffered log lines: `### Test "NAME (subtest)" failed at ...: ###` + the message,
 * and `[NAME / 1.2s] WARN: SKIPPING TEST: reason`.
 */
function readResults(output: string, report: string): Map<string, Reported> {
  const text = output.replace(/\u001b\[[0-9;]*m/g, '');
  const states = new Map<string, string>();
  for (const match of text.matchAll(/^\|\s*(\d{4}_\w+)\s*\|\s*([A-Z]+)\s*\|/gm)) states.set(match[1], match[2]);
  for (const [name, state] of reportStates(report)) states.set(name, state);
  const messages = new Map<string, string>();
  for (const match of text.matchAll(/^### Test "(\d{4}_\w+)([^"]*)" failed at ([^\n]*?): ###\n([^\n]*)/gm)) {
    if (!messages.has(match[1])) messages.set(match[1], `${match[4]}${match[2]} (at ${match[3]})`);
  }
  for (const match of text.matchAll(/^\[(\d{4}_\w+)\s*\/\s*[\d.]+s\] WARN: SKIPPING TEST: ([^\n]*)/gm)) {
    if (!messages.has(match[1])) messages.set(match[1], match[2]);
  }
  const results = new Map<string, Reported>();
  for (const [name, state] of states) results.set(name, { state, message: messages.get(name) ?? '' });
  for (const [name, message] of messages) if (!results.has(name)) results.set(name, { state: 'FAILED', message });
  return results;
}

function reportStates(report: string): Map<string, string> {
  const states = new Map<string, string>();
  if (!existsSync(report)) return states;
  try {
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as { tests?: Record<string, { state?: string }> };
    for (const [name, entry] of Object.entries(parsed.tests ?? {})) if (entry.state !== undefined) states.set(name, entry.state);
  } catch {
    // a report cut short by a crash: the log lines still tell
  }
  return states;
}

function resultOf(test: DeclaredTest, results: Map<string, Reported>, run: ProcessResult, died: string | null): TestResult {
  const found = results.get(test.name);
  if (found?.state === 'PASSED') return reported(test.name, 'passed', '');
  if (found?.state === 'SKIPPED') return reported(test.name, 'skipped by the suite', found.message);
  const reason =
    found?.message ||
    (run.timedOut ? `no result: the test-runner was still running after ${run.seconds.toFixed(0)} s and was stopped` : '') ||
    `no result (state ${found?.state ?? 'none'}): the test-runner exited (code ${run.code}, signal ${run.signal}); last output: ${lastFailure(run.output)}`;
  const withBroker = died === null ? reason : `${reason} [${died}]`;
  return reported(test.name, 'failed', withBroker);
}

function lastFailure(output: string): string {
  const lines = output.split('\n').filter((l) => /FAIL|failed|assert|Assert/.test(l));
  return (lines.at(-1) ?? output.split('\n').filter(Boolean).at(-1) ?? '').slice(0, 400);
}
