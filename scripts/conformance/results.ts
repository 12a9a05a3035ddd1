// What a suite run produces: one outcome per test, grouped by the test file it came from, plus
// how each file's broker ended. report.ts turns a list of these into docs/compatibility.md.

export type Outcome = 'passed' | 'failed' | 'not applicable' | 'skipped by the suite';

export interface TestResult {
  /** The suite's own name for the test (librdkafka: 0081_admin; kafkajs: describe titles > test title). */
  readonly name: string;
  /** What the suite reported ('not run': the script did not run it, see suiteReason). */
  readonly suiteOutcome: 'passed' | 'failed' | 'skipped by the suite' | 'not run';
  /** The suite's failure or skip message. */
  readonly suiteReason: string;
  readonly outcome: Outcome;
  /** Why: the failure message, the not-applicable reason, or the suite's skip reason. */
  readonly reason: string;
  /** For a failure: its triage (feature not built yet, several brokers, sluice bug ...), when known; for a suite's skip, what in sluice made the suite skip. */
  readonly triage?: string;
  /** A test mapped to not applicable that passed anyway (the mapping may be stale). */
  readonly passedAnyway?: boolean;
}

export interface BrokerExit {
  /** Exit code after SIGTERM; null when it had to be killed or died from a signal. */
  readonly code: number | null;
  readonly signal: string | null;
  /** Set when the broker did not exit 0 after SIGTERM, or died during the test file. */
  readonly problem: string | null;
}

export interface FileResult {
  /** Test file (librdkafka: test number and scenario; kafkajs: spec path). */
  readonly file: string;
  readonly tests: readonly TestResult[];
  readonly seconds: number;
  /** null when no broker was started (every test of the file is not applicable). */
  readonly broker: BrokerExit | null;
  /** Where the suite's output and the broker's log for this file were kept. */
  readonly logDir: string | null;
}

export interface SuiteResult {
  readonly suite: 'librdkafka' | 'kafkajs';
  readonly checkout: string;
  readonly commit: string;
  readonly describe: string;
  /** The sluice build that was tested: its checkout's commit (and whether its tree had changes). */
  readonly sluiceCommit: string;
  /** How the suite was run: version told to the tests, broker settings, flags. */
  readonly settings: readonly string[];
  /** Tests the script did not run at all, and why (no broker needed, manual ...). */
  readonly excluded: readonly { readonly what: string; readonly count: number }[];
  readonly files: readonly FileResult[];
  readonly startedAt: string;
  readonly seconds: number;
}

export function tally(suite: SuiteResult): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { passed: 0, failed: 0, 'not applicable': 0, 'skipped by the suite': 0 };
  for (const file of suite.files) for (const test of file.tests) counts[test.outcome] += 1;
  return counts;
}

/** The first lines of a long message, on one line, for a table cell. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\u001b\[[0-9;]*m/g, '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
