// librdkafka's test suite against sluice: one test-runner run per test file (TESTS=<number>), each
// against its own fresh broker, configured as librdkafka's CI cluster (trivup, scenarios/*.json):
// num.partitions 4, topic auto-creation on except in the noautocreate scenario, Kafka's default
// group.initial.rebalance.delay.ms (3000; trivup does not change it). Tests that call
// kafka-topics.sh get the stand-in in kafka-topics.ts through KAFKA_PATH.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startChildBroker } from './broker.js';
import { classify, classifySuite, reported } from './classify.js';
import { gitIdentity, sluiceIdentity } from './git.js';
import { writeKafkaPath } from './kafka-path.js';
import { needsBroker, readTestTable, usesMockCluster, type DeclaredTest } from './librdkafka-tests.js';
import { notApplicableReason } from './not-applicable.js';
import type { FileResult, SuiteResult, TestResult } from './results.js';
import { runProcess, type ProcessResult } from './run-process.js';

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
  const groups = groupByFile(declared.filter(needsBroker)).filter((g) => options.only.length === 0 || options.only.includes(g.number));
  const files: FileResult[] = [];
  for (const [index, group] of groups.entries()) {
    const file = await runFile(group, options, runner, kafkaPath);
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
      `test-runner -L${options.quick ? ' -Q' : ''} (broker tests only${options.quick ? ', quick mode' : ''}), TESTS=<number>, one run per test file and scenario`,
      `broker: numPartitions ${NUM_PARTITIONS}, groupInitialRebalanceDelayMs ${INITIAL_REBALANCE_DELAY_MS}, autoCreateTopics true (false for the noautocreate scenario)`,
      `test.conf: bootstrap.servers=localhost:<port>, broker.address.family=v4; KAFKA_PATH=<stand-in whose bin/kafka-topics.sh runs sluice's CLI>`,
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
  readonly tests: readonly DeclaredTest[];
}

function groupByFile(tests: readonly DeclaredTest[]): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  for (const test of tests) {
    const scenario = test.scenarios.includes('default') ? 'default' : test.scenarios[0];
    const key = `${test.number} ${scenario}`;
    const group = groups.get(key) ?? { number: test.number, scenario, tests: [] };
    groups.set(key, { ...group, tests: [...group.tests, test] });
  }
  return [...groups.values()].sort((a, b) => a.number.localeCompare(b.number) || a.scenario.localeCompare(b.scenario));
}

async function runFile(group: FileGroup, options: LibrdkafkaOptions, runner: string, kafkaPath: string): Promise<FileResult> {
  const label = group.scenario === 'default' ? group.number : `${group.number} (${group.scenario})`;
  const decided = new Map<string, TestResult>();
  for (const test of group.tests) {
    const reason = notApplicableReason('librdkafka', test.name);
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
    { numPartitions: NUM_PARTITIONS, groupInitialRebalanceDelayMs: INITIAL_REBALANCE_DELAY_MS, autoCreateTopics: group.scenario !== 'noautocreate', advertisedHost: 'localhost', logLevel: options.brokerLogLevel },
    join(logDir, 'broker.log'),
  );
  const conf = join(logDir, 'test.conf');
  writeFileSync(conf, `bootstrap.servers=${broker.bootstrap}\nbroker.address.family=v4\n`);
  const report = join(logDir, 'report.json');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
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
