// A broker for handler tests: a real TopicRegistry in a temp dir, a silent logger, and a
// RequestContext per API version. Also round-trips responses through the wire codec, so a value a
// version cannot carry (a null where the field is not nullable) fails the test.
import { pino } from 'pino';
import { resolveBrokerConfig, type BrokerConfig, type BrokerConfigInput } from '../../../src/broker/config.js';
import type { RequestContext } from '../../../src/broker/request-context.js';
import { TopicRegistry } from '../../../src/broker/topic-registry.js';
import { GroupCoordinator } from '../../../src/group/coordinator.js';
import { GroupStore } from '../../../src/group/group-store.js';
import { ProducerIdAllocator } from '../../../src/group/producer-ids.js';
import { TransactionCoordinator } from '../../../src/group/txn-coordinator.js';
import { transactionEnds } from '../../../src/broker/transaction-ends.js';
import { SecuritySession } from '../../../src/broker/security/session.js';
import { UserStore } from '../../../src/broker/security/users.js';
import { AclStore } from '../../../src/broker/security/acls.js';
import { Authorizer } from '../../../src/broker/authorization.js';
import { DEFAULT_COORDINATOR_SETTINGS } from '../../../src/group/settings.js';
import { ReadBufferPool } from '../../../src/storage/index.js';
import { decodeResponseFrame, encodeResponseFrame, type ApiKey, type ApiMessages } from '../../../src/protocol/index.js';
import { jsHotPath } from '../../helpers/backends.js';
import { tempDir } from '../../helpers/batches.js';

/** Not 0, so a handler that assumes node 0 shows up. */
export const TEST_NODE_ID = 7;
export const TEST_CLUSTER_ID = 'sluice-test-cluster-0001';
export const ADVERTISED = { host: 'broker.test', port: 19092 } as const;
const TEST_LISTENER = { name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: '127.0.0.1', port: 0 } as const;

const quietStorage = { info: () => {}, warn: () => {} };

export interface TestBroker {
  readonly config: BrokerConfig;
  readonly dataDir: string;
  registry: TopicRegistry;
  groups: GroupCoordinator;
  /** A request of this version from `principal` (User:ANONYMOUS unless given). */
  context(apiVersion: number, principal?: string): RequestContext;
  /** Who may do what: add ACLs here to test refusals. */
  readonly authorizer: Authorizer;
  /** The memory Fetch reads borrow (what the connection gives back after writing, in a real broker). */
  readonly fetchMemory: ReadBufferPool;
  transactions: TransactionCoordinator;
  /** Closes the registry and opens it again from disk, as a restart would. */
  reopen(): Promise<void>;
  /** Closes the registry and removes the data directory. */
  close(): Promise<void>;
}

export async function openTestBroker(overrides: BrokerConfigInput = {}): Promise<TestBroker> {
  const temp = tempDir('sluice-handlers-');
  const config = resolveBrokerConfig({ nodeId: TEST_NODE_ID, numPartitions: 2, dataDir: temp.dir, ...overrides });
  const logger = pino({ level: 'silent' });
  const stopping = new AbortController().signal;
  const openRegistry = () => TopicRegistry.open({ dataDir: config.dataDir, logDefaults: config.log, hotpath: jsHotPath, logger: quietStorage });
  const openGroups = async () => GroupCoordinator.load(await GroupStore.open(config.dataDir, { hotpath: jsHotPath, logger: quietStorage }), DEFAULT_COORDINATOR_SETTINGS, logger);
  const fetchMemory = new ReadBufferPool(32 * 1024 * 1024);
  const producerIds = ProducerIdAllocator.open(config.dataDir);
  const users = UserStore.open(config.dataDir);
  const authorizer = new Authorizer(AclStore.open(config.dataDir), config, [TEST_LISTENER]);
  const sessionOf = (principal: string | undefined) => {
    const session = new SecuritySession(TEST_LISTENER, null);
    if (principal !== undefined) session.principal = principal;
    return session;
  };
  const openTransactions = () => TransactionCoordinator.open(config.dataDir, producerIds, transactionEnds(broker.registry, () => broker.groups), logger);
  const broker: TestBroker = {
    config,
    fetchMemory,
    dataDir: config.dataDir,
    registry: await openRegistry(),
    groups: await openGroups(),
    transactions: undefined as unknown as TransactionCoordinator,
    authorizer,
    context: (apiVersion, principal) => ({
      apiVersion,
      clientId: 'handler-test',
      connection: { id: 1, remoteAddress: '127.0.0.1', remotePort: 50000, session: sessionOf(principal) },
      broker: { config, registry: broker.registry, groups: broker.groups, producerIds, transactions: broker.transactions, clusterId: TEST_CLUSTER_ID, advertised: new Map([[TEST_LISTENER.name, ADVERTISED]]), users, authorizer, logger, stopping, fetchMemory },
    }),
    reopen: async () => {
      await broker.transactions.close();
      await broker.groups.close();
      await broker.registry.close();
      broker.registry = await openRegistry();
      broker.groups = await openGroups();
      broker.transactions = await openTransactions();
    },
    close: async () => {
      await broker.transactions.close();
      await broker.groups.close();
      await broker.registry.close();
      temp.cleanup();
    },
  };
  broker.transactions = await openTransactions();
  return broker;
}

/** The response as a client would decode it after it crossed the wire at `apiVersion`. */
export function overTheWire<K extends ApiKey>(apiKey: K, apiVersion: number, body: ApiMessages[K]['response'] | null): ApiMessages[K]['response'] {
  if (body === null) throw new Error('the handler answered nothing');
  const frame = encodeResponseFrame(apiKey, apiVersion, 42, body);
  // decodeResponseFrame reads from after the 4-byte size prefix.
  const decoded = decodeResponseFrame(frame.subarray(4), apiKey, apiVersion);
  if (decoded.correlationId !== 42) throw new Error(`correlation id ${decoded.correlationId} came back`);
  return decoded.body;
}
