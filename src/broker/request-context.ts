// What a request handler gets besides its decoded body: the version it must answer in, who
// asked, and the broker's shared state.
import type { Logger } from 'pino';
import type { GroupCoordinator } from '../group/coordinator.js';
import type { ProducerIdAllocator } from '../group/producer-ids.js';
import type { TransactionCoordinator } from '../group/txn-coordinator.js';
import type { ApiKey, ApiMessages } from '../protocol/index.js';
import type { BrokerConfig } from './config.js';
import type { ConnectionContext } from './connection.js';
import type { ReadMemory } from '../storage/index.js';
import type { TopicRegistry } from './topic-registry.js';
import type { Address } from './listeners.js';
import type { UserStore } from './security/users.js';
import { AuthorizationFailed, type AclOperationCode, type Authorizer, type ResourceType } from './authorization.js';

/** The broker as handlers see it. */
export interface BrokerState {
  readonly config: BrokerConfig;
  readonly registry: TopicRegistry;
  /** Consumer groups and their committed offsets. */
  readonly groups: GroupCoordinator;
  /** Ids for idempotent producers (InitProducerId). */
  readonly producerIds: ProducerIdAllocator;
  /** Transactional ids, their producers and open transactions. */
  readonly transactions: TransactionCoordinator;
  readonly clusterId: string;
  /** Host and port clients are told to connect to, by listener name: the one a client came in on is the one it is told of. */
  readonly advertised: ReadonlyMap<string, Address>;
  /** SCRAM users. */
  readonly users: UserStore;
  /** Who may do what (ACLs); every handler asks it. */
  readonly authorizer: Authorizer;
  readonly logger: Logger;
  /** Aborted when the broker begins to shut down: long polls end at once. */
  readonly stopping: AbortSignal;
  /** Memory Fetch reads land in; the connection gives it back once the response is written. */
  readonly fetchMemory: ReadMemory;
}

export interface RequestContext {
  readonly apiVersion: number;
  readonly clientId: string | null;
  readonly connection: ConnectionContext;
  readonly broker: BrokerState;
}

/** Answers one API; null means "send no response" (Produce with acks=0). */
export type Handler<K extends ApiKey> = (
  request: ApiMessages[K]['request'],
  context: RequestContext,
) => Promise<ApiMessages[K]['response'] | null> | ApiMessages[K]['response'] | null;

export type HandlerTable = { readonly [K in ApiKey]?: Handler<K> };

/** Where this client reaches the broker: the address advertised for the listener it came in on. */
export function advertisedFor(context: RequestContext): Address {
  return context.broker.advertised.get(context.connection.session.listener.name) ?? { host: '127.0.0.1', port: 0 };
}

/** Whether the client of this request may perform `operation` on the resource. */
export function authorize(context: RequestContext, type: ResourceType, name: string, operation: AclOperationCode): boolean {
  return context.broker.authorizer.authorize(context.connection, type, name, operation);
}

/** authorize(), or a Refusal with the error Kafka answers for the resource type. */
export function requireAuthorized(context: RequestContext, type: ResourceType, name: string, operation: AclOperationCode): void {
  if (!authorize(context, type, name, operation)) throw new AuthorizationFailed(type, name);
}
