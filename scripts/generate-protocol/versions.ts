// Version ranges as the specs write them ("3+", "0-7", "5", "none") and the version tests the
// generated code needs. Conditions are simplified against the range being generated, so a field
// present in every supported version costs no `if` at all.

export interface Range {
  lo: number;
  /** Inclusive; Infinity for "N+". */
  hi: number;
}

/** Parses a spec range; "none" (or an empty string) is null. */
export function parseRange(text: string): Range | null {
  const t = text.trim();
  if (t === '' || t === 'none') return null;
  let m = /^(\d+)\+$/.exec(t);
  if (m) return { lo: Number(m[1]), hi: Infinity };
  m = /^(\d+)-(\d+)$/.exec(t);
  if (m) return { lo: Number(m[1]), hi: Number(m[2]) };
  m = /^(\d+)$/.exec(t);
  if (m) return { lo: Number(m[1]), hi: Number(m[1]) };
  throw new Error(`bad version range ${JSON.stringify(text)}`);
}

export function intersect(a: Range | null, b: Range | null): Range | null {
  if (a === null || b === null) return null;
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { lo, hi } : null;
}

export function contains(range: Range | null, version: number): boolean {
  return range !== null && version >= range.lo && version <= range.hi;
}

/** The versions being generated for one message. */
export interface Span {
  min: number;
  max: number;
}

export function spanRange(span: Span): Range {
  return { lo: span.min, hi: span.max };
}

/**
 * A TypeScript boolean expression over `version` that is true exactly for the versions of
 * `range` inside the span: 'true' / 'false' when that does not depend on the version.
 */
export function versionCondition(range: Range | null, span: Span): string {
  const r = intersect(range, spanRange(span));
  if (r === null) return 'false';
  const needLo = r.lo > span.min;
  const needHi = r.hi < span.max;
  if (!needLo && !needHi) return 'true';
  if (r.lo === r.hi) return `version === ${r.lo}`;
  if (needLo && needHi) return `version >= ${r.lo} && version <= ${r.hi}`;
  return needLo ? `version >= ${r.lo}` : `version <= ${r.hi}`;
}

/** Versions of `outer` not in `inner`, where inner must be empty or a suffix of outer (how taggedVersions relate to versions). */
export function subtractSuffix(outer: Range, inner: Range | null, where: string): Range | null {
  const overlap = intersect(outer, inner);
  if (overlap === null) return outer;
  if (overlap.hi !== outer.hi) throw new Error(`${where}: taggedVersions must be a suffix of versions`);
  return overlap.lo > outer.lo ? { lo: outer.lo, hi: overlap.lo - 1 } : null;
}

/** Wraps statements in `if (condition)`, dropping the test or the whole block when it is constant. */
export function guarded(condition: string, body: string[], indent: string): string[] {
  if (condition === 'false' || body.length === 0) return [];
  if (condition === 'true') return body.map((line) => indent + line);
  if (body.length === 1) return [`${indent}if (${condition}) ${body[0]}`];
  return [`${indent}if (${condition}) {`, ...body.map((line) => `${indent}  ${line}`), `${indent}}`];
}

/** `condition ? whenTrue : whenFalse`, folded when the condition is constant. */
export function choose(condition: string, whenTrue: string, whenFalse: string): string {
  if (condition === 'true') return whenTrue;
  if (condition === 'false') return whenFalse;
  if (whenTrue === whenFalse) return whenTrue;
  return `${condition} ? ${parenthesizeTernary(whenTrue)} : ${parenthesizeTernary(whenFalse)}`;
}

/** Nested conditionals read badly without parentheses. */
function parenthesizeTernary(expression: string): string {
  return expression.includes(' ? ') ? `(${expression})` : expression;
}
