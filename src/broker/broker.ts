// startBroker(): a whole broker in this process. It opens the topics of the data directory,
// listens, and answers Kafka clients; close() stops accepting, lets in-flight requests finish,
// flushes every log and marks a clean shutdown. Tests start it on port 0 with a temp directory.
import { rmSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { GroupCoordinator } from '../group/coordinator.js';
import { GroupStore } from '../group/group-store.js';
import { ProducerIdAllocator } from '../group/producer-ids.js';
import { TransactionCoordinator } from '../group/txn-coordinator.js';
import { DEFAULT_COORDINATOR_SETTINGS, type CoordinatorSettings } from '../group/settings.js';
import { backend, describeBackend, type BackendName } from '../hotpath/index.js';
import { ReadBufferPool, type StorageLogger } from '../storage/index.js';
import { loadOrCreateClusterId } from './cluster-identity.js';
import { resolveBrokerConfig, temporaryDataDir, type BrokerConfig, type BrokerConfigInput } from './config.js';
import { createHandlerTable } from './handlers/index.js';
import type { BrokerState } from './request-context.js';
import { createDispatch } from './router.js';
import { BrokerServer } from './server.js';
import { TopicRegistry } from './topic-registry.js';
import { advertisedAddresses, listenersOf, type Address, type ListenerSpec } from './listeners.js';
import { UserStore } from './security/users.js';
import { AclStore } from './security/acls.js';
import { Authorizer } from './authorization.js';
import { transactionEnds } from './transaction-ends.js';

/** How often retention runs over every log (log.retention.check.interval.ms). */
const RETENTION_CHECK_MS = 5 * 60 * 1000;
/** Memory kept for Fetch reads between requests: four 8 MiB partition reads (max.partition.fetch.bytes is 1 MiB by default). */
const FETCH_READ_POOL_BYTES = 32 * 1024 * 1024;

export interface StartBrokerOptions extends BrokerConfigInput {
  /** A pino logger to use instead of one made from logLevel. */
  readonly logger?: Logger;
}

export interface RunningBroker {
  /** The first listener's address. */
  readonly host: string;
  readonly port: number;
  /** "host:port" of the first listener, what clients take as their bootstrap server. */
  readonly bootstrap: string;
  /** Every listener with the port it got. */
  readonly listeners: ReadonlyArray<ListenerSpec & { readonly bootstrap: string }>;
  readonly dataDir: string;
  readonly clusterId: string;
  readonly backend: BackendName;
  readonly config: BrokerConfig;
  readonly registry: TopicRegistry;
  readonly groups: GroupCoordinator;
  /** SCRAM users (users.json): add and remove them at run time. */
  readonly users: UserStore;
  /** ACLs (acls.json): add and remove them at run time; they act at once. */
  readonly acls: AclStore;
  /** Reads the TLS certificate, key and CA files again (on SIGHUP, say). */
  reloadTls(): void;
  close(): Promise<void>;
}

/**
 * Starts a broker. Unlike the CLI, the embeddable default is port 0 (a free port) and a fresh
 * temp data directory that close() removes; pass dataDir to keep the data.
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const { logger: givenLogger, ...input } = options;
  const ownsDataDir = input.dataDir === undefined;
  const config = resolveBrokerConfig({ port: 0, logLevel: 'warn' }, input, { dataDir: input.dataDir ?? temporaryDataDir() });
  const logger = givenLogger ?? pino({ level: config.logLevel, base: { broker: config.nodeId } });
  const registry = await TopicRegistry.open({ dataDir: config.dataDir, logDefaults: config.log, logger: storageLogger(logger) });
  const clusterId = loadOrCreateClusterId(config.dataDir);
  // Groups are loaded before listening, so no request ever sees a half-loaded coordinator.
  const groupStore = await GroupStore.open(config.dataDir, { logger: storageLogger(logger) });
  const groups = GroupCoordinator.load(groupStore, coordinatorSettings(config), logger.child({ component: 'groups' }));
  const stopping = new AbortController();
  const listeners = listenersOf(config);
  const users = UserStore.open(config.dataDir);
  for (const seed of config.users) await users.setPassword(seed.name, seed.password, seed.mechanism === undefined ? undefined : [seed.mechanism]);
  // Filled in once the listeners have their ports.
  const advertised = new Map<string, Address>();
  // Fetch reads borrow their memory and give it back once the socket has taken the response.
  const fetchMemory = new ReadBufferPool(FETCH_READ_POOL_BYTES);
  const producerIds = ProducerIdAllocator.open(config.dataDir);
  // Opened after the logs and groups: it finishes transactions a crash left half-way through their markers.
  const transactions = await TransactionCoordinator.open(config.dataDir, producerIds, transactionEnds(registry, () => groups), logger.child({ component: 'transactions' }), storageLogger(logger));
  const acls = AclStore.open(config.dataDir);
  const authorizer = new Authorizer(acls, config, listeners);
  const state: BrokerState = { config, registry, groups, producerIds, transactions, clusterId, advertised, users, authorizer, logger, stopping: stopping.signal, fetchMemory };
  const giveBack = (pieces: readonly Buffer[]): void => pieces.forEach((piece) => fetchMemory.giveBack(piece));
  const server = new BrokerServer(createDispatch(createHandlerTable(), state), config, logger, config.tls, giveBack);
  const ports = await listenOrClose(server, listeners, async () => {
    await transactions.close();
    await groups.close();
    await registry.close();
  });
  for (const [name, address] of advertisedAddresses(config, listeners, ports)) advertised.set(name, address);
  const bound = listeners.map((listener) => {
    const port = ports.get(listener.name) as number;
    return { ...listener, port, bootstrap: `${listener.host === '0.0.0.0' ? '127.0.0.1' : listener.host}:${port}` };
  });
  const retention = setInterval(() => applyRetention(registry, logger), RETENTION_CHECK_MS).unref();
  logger.info({ listeners: bound.map((l) => `${l.name}://${l.bootstrap}`), dataDir: config.dataDir, backend: describeBackend() }, 'sluice broker listening');

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(retention);
      stopping.abort();
      // Parked JoinGroup/SyncGroup requests are answered first, so connections can drain.
      groups.shutdown();
      await server.close();
      await transactions.close();
      await groups.close();
      await registry.close();
      if (ownsDataDir) rmSync(config.dataDir, { recursive: true, force: true });
      logger.info('sluice broker stopped');
    })();
    return closing;
  };
  const [first] = bound;
  const reloadTls = (): void => server.reloadTls();
  return { host: first.host, port: first.port, bootstrap: first.bootstrap, listeners: bound, dataDir: config.dataDir, clusterId, backend, config, registry, groups, users, acls, reloadTls, close };
}

async function listenOrClose(server: BrokerServer, listeners: readonly ListenerSpec[], closeStores: () => Promise<void>): Promise<Map<string, number>> {
  try {
    return await server.listen(listeners);
  } catch (error) {
    await closeStores();
    throw error;
  }
}

function coordinatorSettings(config: BrokerConfig): CoordinatorSettings {
  return {
    initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
    minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
    maxGroupSize: config.groupMaxSize,
    newMemberJoinTimeoutMs: DEFAULT_COORDINATOR_SETTINGS.newMemberJoinTimeoutMs,
  };
}

function applyRetention(registry: TopicRegistry, logger: Logger): void {
  for (const topic of registry.list()) {
    for (const log of topic.logs) {
      try {
        log.applyRetention();
      } catch (error) {
        logger.warn({ err: error, dir: log.dir }, 'retention failed');
      }
    }
  }
}

function storageLogger(logger: Logger): StorageLogger {
  const child = logger.child({ component: 'storage' });
  return {
    info: (message, fields) => child.info(fields ?? {}, message),
    warn: (message, fields) => child.warn(fields ?? {}, message),
  };
}
