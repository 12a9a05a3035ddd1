// How bad input to the hot path is reported: a TypeError or RangeError with code
// ERR_SLUICE_INVALID_ARGUMENT that names the argument (`records[3].headers[1].key`) and what
// it got. Used by the argument-checking wrapper (checked.ts) and the record checks the
// encodeBatch kernels run as they read each record (record-checks.ts).

export const INVALID_ARGUMENT = 'ERR_SLUICE_INVALID_ARGUMENT';

export interface InvalidArgumentError extends Error {
  readonly code: typeof INVALID_ARGUMENT;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

export function invalid(ErrorType: typeof TypeError | typeof RangeError, method: string, argument: string, expected: string, value: unknown): InvalidArgumentError {
  const error = new ErrorType(`hotpath.${method}: ${argument} must be ${expected} (got ${describe(value)})`);
  return Object.assign(error, { code: INVALID_ARGUMENT } as const);
}

export function requireBytes(method: string, argument: string, value: unknown): void {
  if (!(value instanceof Uint8Array)) throw invalid(TypeError, method, argument, 'a Uint8Array', value);
}

export function requireNullableBytes(method: string, argument: string, value: unknown): void {
  if (value !== null && !(value instanceof Uint8Array)) throw invalid(TypeError, method, argument, 'a Uint8Array or null', value);
}

/** An integer number in [min, max]; TypeError for a non-number, RangeError otherwise. */
export function requireInteger(method: string, argument: string, value: unknown, min: number, max: number, expected: string): void {
  if (typeof value !== 'number') throw invalid(TypeError, method, argument, expected, value);
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(RangeError, method, argument, expected, value);
}

export function requireSafeInteger(method: string, argument: string, value: unknown): void {
  requireInteger(method, argument, value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'a safe integer');
}

export function requireObject(method: string, argument: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) throw invalid(TypeError, method, argument, 'an object', value);
}

export function requireArray(method: string, argument: string, value: unknown): void {
  if (!Array.isArray(value)) throw invalid(TypeError, method, argument, 'an array', value);
}
