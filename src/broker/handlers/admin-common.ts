// Pieces the admin handlers share: a refusal that carries its Kafka error code, and finding the
// names a request repeats (Kafka refuses every repeated entry rather than guessing which one wins),
// and the one replica layout a single node can have.
import { ErrorCode } from '../../protocol/index.js';
import { errorCodeOf, errorMessageOf } from '../error-codes.js';

/** A request entry refused with a specific Kafka error code and message. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export function invalidRequest(message: string): Refusal {
  return new Refusal(ErrorCode.INVALID_REQUEST, message);
}

/** The error code and message to answer with for anything thrown while serving one entry. */
export function failureOf(error: unknown): { errorCode: number; errorMessage: string } {
  const errorCode = error instanceof Refusal ? error.code : errorCodeOf(error);
  return { errorCode, errorMessage: errorMessageOf(error) };
}

/** The values that occur more than once. */
export function repeated<T>(values: readonly T[]): Set<T> {
  const seen = new Set<T>();
  const twice = new Set<T>();
  for (const value of values) {
    if (seen.has(value)) twice.add(value);
    seen.add(value);
  }
  return twice;
}

/** The replicas of one partition: exactly this node. */
export function checkReplicas(replicas: readonly number[], node: number): void {
  if (replicas.length === 0) throw new Refusal(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.');
  const stranger = replicas.find((broker) => broker !== node);
  if (stranger !== undefined) {
    throw new Refusal(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${stranger}, but no such broker is registered.`);
  }
  if (replicas.length > 1) {
    throw new Refusal(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes the broker ${node} more than once.`);
  }
}
