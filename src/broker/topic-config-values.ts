// What a topic config definition is, and the checks its values go through.
import type { LogConfig } from '../storage/index.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ConfigDefinition {
  readonly name: string;
  readonly defaultValue: string;
  /** Returns why the value is refused, or null. */
  readonly problem: (value: string) => string | null;
  /** Writes the value into a LogConfig under construction (configs with no storage effect leave it alone). */
  readonly apply: (value: string, target: Mutable<Partial<LogConfig>>) => void;
  /** The LogConfig field a broker-wide setting can give this config a default through. */
  readonly field?: keyof LogConfig;
}

/** An integer the storage layer takes as a number: a safe integer, at least `min`. */
export const safeIntegerAtLeast = (min: number) => (value: string) =>
  /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value)) && Number(value) >= min ? null : `must be an integer >= ${min}`;
/** Any int64 at least `min` (configs with no storage effect keep Kafka's full range). */
export const longAtLeast = (min: number) => (value: string) =>
  /^-?\d+$/.test(value) && BigInt(value) >= BigInt(min) && BigInt(value) <= 9223372036854775807n ? null : `must be an integer >= ${min}`;
export const oneOf = (...allowed: string[]) => (value: string) => (allowed.includes(value) ? null : `must be one of ${allowed.join(', ')}`);
export const noEffect = (): void => {};
