// The way to a group's coordinator: FindCoordinator (key type 0 = group; 1 = transactional id,
// for the transaction coordinator) on any broker, then the connection to the node it names. Group requests go there; an answer that says the coordinator
// moved or is gone (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, a dropped connection) makes the
// link look the coordinator up again before the next try.
import { ApiKey, ErrorCode } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import type { Connection, RequestBuilder, RequestOptions, Response } from './connection.js';
import { KafkaClientError, isRetriable, throwIfError } from './errors.js';
import { withRetry } from './retry.js';

/** FindCoordinator key types: consumer groups, transactional ids. */
export const CoordinatorKeyType = { GROUP: 0, TRANSACTION: 1 } as const;
type KeyType = (typeof CoordinatorKeyType)[keyof typeof CoordinatorKeyType];
/** From this version FindCoordinator takes a batch of keys and answers per key. */
const BATCHED_VERSION = 4;

/** Errors after which the coordinator has to be looked up again. */
const COORDINATOR_MOVED = new Set<number>([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.REQUEST_TIMED_OUT,
]);

export function isCoordinatorMoved(error: unknown): boolean {
  return error instanceof KafkaClientError && COORDINATOR_MOVED.has(error.code);
}

export class CoordinatorLink {
  private nodeId: number | null = null;

  constructor(
    readonly cluster: Cluster,
    /** The group id, or the transactional id with keyType TRANSACTION. */
    readonly groupId: string,
    private readonly keyType: KeyType = CoordinatorKeyType.GROUP,
  ) {}

  /** The coordinator's connection, looked up when not known. */
  async connection(): Promise<Connection> {
    if (this.nodeId === null) this.nodeId = await this.find();
    try {
      return this.cluster.connectionTo(this.nodeId);
    } catch {
      // The node is not in our metadata yet (a broker we have never heard of): ask again.
      await this.cluster.refreshMetadata([]);
      return this.cluster.connectionTo(this.nodeId);
    }
  }

  /** Forgets the coordinator, so the next request looks it up again. */
  forget(): void {
    this.nodeId = null;
  }

  /**
   * One request to the coordinator, without retries (group membership decides itself what a
   * failure means). `errorOf` reads the response's error code: a code saying the coordinator
   * moved is thrown (after forgetting it); any other code is left to the caller.
   */
  async send<K extends ApiKey>(apiKey: K, build: RequestBuilder<K>, errorOf: (response: Response<K>) => number, options: RequestOptions = {}): Promise<Response<K>> {
    try {
      const connection = await this.connection();
      const response = await connection.request(apiKey, build, options);
      const code = errorOf(response);
      if (COORDINATOR_MOVED.has(code)) throw KafkaClientError.fromCode(code, { broker: connection.address, detail: `group ${this.groupId}` });
      return response;
    } catch (error) {
      if (isCoordinatorMoved(error)) this.forget();
      throw error;
    }
  }

  /** Runs `operation` against the coordinator, retrying with backoff while errors are retriable. */
  retrying<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.cluster.retry, {
      shouldRetry: isRetriable,
      beforeRetry: (error) => {
        if (isCoordinatorMoved(error)) this.forget();
      },
      aborted: () => this.cluster.isClosed,
    });
  }

  private find(): Promise<number> {
    return withRetry(() => this.findOnce(), this.cluster.retry, { aborted: () => this.cluster.isClosed });
  }

  private async findOnce(): Promise<number> {
    const connection = await this.cluster.anyConnection();
    const { version, body } = await connection.request(ApiKey.FindCoordinator, (v) =>
      v >= BATCHED_VERSION ? { key: '', keyType: this.keyType, coordinatorKeys: [this.groupId] } : { key: this.groupId, keyType: this.keyType, coordinatorKeys: [] },
    );
    const answer = version >= BATCHED_VERSION ? body.coordinators.find((c) => c.key === this.groupId) : body;
    if (answer === undefined) throw new KafkaClientError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `FindCoordinator did not answer for group ${this.groupId}`, {}, true);
    throwIfError(answer.errorCode, { broker: connection.address, detail: answer.errorMessage ?? `group ${this.groupId}` });
    return answer.nodeId;
  }
}
