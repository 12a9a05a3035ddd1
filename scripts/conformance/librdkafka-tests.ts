// Reads librdkafka's test table (`struct test tests[] = { _TEST(name, flags, ...), ... }` in
// tests/test.c) and groups the tests by test file (their number), with what each declares:
// TEST_F_LOCAL (needs no broker: mock cluster or client-only), TEST_F_MANUAL, TEST_F_KNOWN_ISSUE,
// and its scenario (noautocreate needs a broker with auto.create.topics.enable=false).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DeclaredTest {
  readonly name: string;
  readonly number: string;
  readonly flags: readonly string[];
  /** Scenarios the test runs in (test.c matches the runner's -s against this list). */
  readonly scenarios: readonly string[];
}

export function readTestTable(checkout: string): DeclaredTest[] {
  const source = readFileSync(join(checkout, 'tests/test.c'), 'utf8');
  const start = source.indexOf('struct test tests[] = {');
  if (start < 0) throw new Error('tests/test.c: no `struct test tests[]` table found');
  const end = source.indexOf('{NULL}', start);
  const table = source.slice(start, end);
  const tests: DeclaredTest[] = [];
  for (const entry of macroCalls(table, '_TEST(')) {
    const name = /^\s*(\w+)/.exec(entry)?.[1];
    if (name === undefined) continue;
    const afterName = entry.slice(entry.indexOf(',') + 1);
    const flagsText = afterName.split(/,(?![^(]*\))/)[0] ?? '';
    const flags = flagsText.split('|').map((f) => f.trim()).filter((f) => f !== '' && f !== '0');
    const scenario = /\.scenario\s*=\s*"([^"]*)"/.exec(entry)?.[1] ?? 'default';
    tests.push({ name, number: name.slice(0, 4), flags, scenarios: scenario.split(',') });
  }
  return tests;
}

/** The argument text of every `NAME(...)` call, with nested parentheses kept. */
function macroCalls(text: string, opener: string): string[] {
  const calls: string[] = [];
  let at = text.indexOf(opener);
  while (at >= 0) {
    let depth = 1;
    let i = at + opener.length;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
    }
    calls.push(text.slice(at + opener.length, i - 1));
    at = text.indexOf(opener, i);
  }
  return calls;
}

/** Tests named *_mock run librdkafka's mock cluster even when not flagged TEST_F_LOCAL (0139, 0150). */
export const usesMockCluster = (test: DeclaredTest): boolean => !test.flags.includes('TEST_F_LOCAL') && test.name.endsWith('_mock');

export const needsBroker = (test: DeclaredTest): boolean =>
  !test.flags.includes('TEST_F_LOCAL') && !test.flags.includes('TEST_F_MANUAL') && !usesMockCluster(test);
