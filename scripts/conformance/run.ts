// Runs librdkafka's and kafkajs's own test suites against sluice and writes docs/compatibility.md.
// See --help. Not part of `npm test`: it needs local checkouts of both clients.
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { classifySuite } from './classify.js';
import { runKafkajs } from './kafkajs.js';
import { DEFAULT_KAFKA_VERSION, parseSetup, PLAINTEXT, runLibrdkafka } from './librdkafka.js';
import { renderReport } from './report.js';
import type { SuiteResult } from './results.js';

const HELP = `Usage: node --import tsx scripts/conformance/run.ts [--librdkafka DIR] [--kafkajs DIR] [options]

Runs the clients' own test suites against sluice, one fresh broker (a child
\`node dist/cli/sluice.cjs broker\` on 127.0.0.1, port 0, temp data dir) per test file,
and writes docs/compatibility.md. Give at least one checkout. Each broker has the listeners,
users and ACL settings of the suite's own CI cluster (PLAINTEXT, SASL and TLS listeners;
certificates are made with openssl at the start of the run, so openssl must be installed).

  --librdkafka DIR   a librdkafka checkout whose test runner is already built, by
                     librdkafka's own steps: ./configure && make && make -C tests build
                     (see its README.md and tests/README.md). This script builds nothing.
  --kafkajs DIR      a kafkajs checkout with its devDependencies installed (npm install
                     or yarn in that checkout; jest comes from there).
  --sluice DIR       the sluice build to test (default: this repository); it must have
                     dist/ built (npm ci or npm run build).
  --only LIST        comma-separated librdkafka test numbers or kafkajs spec paths.
  --quick            librdkafka in quick mode (-Q: only the subtests marked quick; faster,
                     but many tests then check little).
  --run-not-applicable  run the librdkafka tests mapped to not applicable too (by default they
                     are not run); any that pass are pointed out as stale mappings.
  --kafka-version V  TEST_KAFKA_VERSION for librdkafka (default ${DEFAULT_KAFKA_VERSION}).
  --librdkafka-security P[:M]  run librdkafka's test files as clients of protocol P (PLAINTEXT,
                     SSL, SASL_PLAINTEXT, SASL_SSL) and SASL mechanism M (PLAIN, SCRAM-SHA-256,
                     SCRAM-SHA-512), like librdkafka's SSL and SASL CI jobs (default PLAINTEXT;
                     the security tests keep their own setups either way).
  --timeout S        limit per test file in seconds (default 900).
  --out FILE         the report (default docs/compatibility.md; "-" for none).
  --results FILE     also write the raw results as JSON (default <logs>/results.json).
  --from-results F   skip running; render the report from earlier results JSON files
                     (comma-separated).
  --logs DIR         where suite output and broker logs go (default a new dir in /tmp).
  --broker-log-level L  the brokers' --log-level (default info; debug logs each request).
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      librdkafka: { type: 'string' },
      kafkajs: { type: 'string' },
      sluice: { type: 'string' },
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'run-not-applicable': { type: 'boolean', default: false },
      'kafka-version': { type: 'string', default: DEFAULT_KAFKA_VERSION },
      'librdkafka-security': { type: 'string' },
      timeout: { type: 'string', default: '900' },
      out: { type: 'string' },
      results: { type: 'string' },
      'from-results': { type: 'string' },
      logs: { type: 'string' },
      'broker-log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  const out = values.out ?? join(repo, 'docs/compatibility.md');
  if (values['from-results'] !== undefined) {
    const suites = values['from-results'].split(',').flatMap((file) => (JSON.parse(readFileSync(file, 'utf8')) as SuiteResult[]).map(classifySuite));
    writeReport(out, suites);
    return;
  }
  if (values.librdkafka === undefined && values.kafkajs === undefined) {
    process.stderr.write(HELP);
    process.exit(2);
  }
  const sluiceDir = resolve(values.sluice ?? repo);
  if (!existsSync(join(sluiceDir, 'dist/cli/sluice.cjs'))) throw new Error(`${sluiceDir}/dist/cli/sluice.cjs is missing: build sluice there first (npm ci)`);
  const logRoot = resolve(values.logs ?? join('/tmp', `sluice-conformance-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  mkdirSync(logRoot, { recursive: true });
  const only = (values.only ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const timeoutMs = Number(values.timeout) * 1000;
  process.stdout.write(`sluice: ${sluiceDir}\nlogs:   ${logRoot}\n`);

  const suites: SuiteResult[] = [];
  const resultsFile = values.results ?? join(logRoot, 'results.json');
  const save = (): void => writeFileSync(resultsFile, `${JSON.stringify(suites, null, 2)}\n`);
  const tsxLoader = import.meta.resolve('tsx');
  const defaultSetup = values['librdkafka-security'] === undefined ? PLAINTEXT : parseSetup(values['librdkafka-security']);
  if (values.librdkafka !== undefined) {
    suites.push(await runLibrdkafka({
      checkout: resolve(values.librdkafka), sluiceDir, logRoot, only, quick: values.quick, runNotApplicable: values['run-not-applicable'], kafkaVersion: values['kafka-version'], timeoutMs, tsxLoader, brokerLogLevel: values['broker-log-level'], defaultSetup,
    }));
    save();
  }
  if (values.kafkajs !== undefined) {
    suites.push(await runKafkajs({ checkout: resolve(values.kafkajs), sluiceDir, logRoot, only, timeoutMs, tsxLoader, brokerLogLevel: values['broker-log-level'] }));
    save();
  }
  process.stdout.write(`results: ${resultsFile}\n`);
  writeReport(out, suites);
}

function writeReport(out: string, suites: readonly SuiteResult[]): void {
  const text = renderReport(suites);
  if (out === '-') {
    process.stdout.write(text);
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(`report: ${out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
