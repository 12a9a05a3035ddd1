// Turns what a suite said about each test into the report's outcome: a test matched by
// not-applicable.ts is not applicable whatever it did (noting when it passed anyway); a failure gets
// its cause from known-failures.ts (and so does a suite's skip that sluice caused). Applied after each run and again by --from-results, so edits to
// either data file show in a re-rendered report without running the suites again.
import { knownFailure } from './known-failures.js';
import { notApplicableReason } from './not-applicable.js';
import type { SuiteResult, TestResult } from './results.js';

export function classify(suite: SuiteResult['suite'], file: string, test: TestResult): TestResult {
  const { name, suiteOutcome, suiteReason } = test;
  const failure = suiteOutcome === 'failed' ? suiteReason : null;
  const notApplicable = suite === 'librdkafka' ? notApplicableReason(suite, name, undefined, failure) : notApplicableReason(suite, file, name, failure);
  if (notApplicable !== null) return { name, suiteOutcome, suiteReason, outcome: 'not applicable', reason: notApplicable, passedAnyway: suiteOutcome === 'passed' };
  if (suiteOutcome === 'not run') return { name, suiteOutcome, suiteReason, outcome: 'not applicable', reason: suiteReason };
  const triage = suiteOutcome === 'failed' || suiteOutcome === 'skipped by the suite' ? knownFailure(suite, suite === 'librdkafka' ? name : file, suiteReason, name, suiteOutcome) ?? undefined : undefined;
  return { name, suiteOutcome, suiteReason, outcome: suiteOutcome, reason: suiteReason, triage };
}

export function classifySuite(suite: SuiteResult): SuiteResult {
  return { ...suite, files: suite.files.map((file) => ({ ...file, tests: file.tests.map((test) => classify(suite.suite, file.file, test)) })) };
}

/** A test as the suite reported it, before classification. */
export function reported(name: string, suiteOutcome: TestResult['suiteOutcome'], suiteReason: string): TestResult {
  return { name, suiteOutcome, suiteReason, outcome: suiteOutcome === 'not run' ? 'not applicable' : suiteOutcome, reason: suiteReason };
}
