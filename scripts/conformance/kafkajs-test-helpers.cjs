// @ts-check
// Stand-in for kafkajs's `testHelpers` module (its specs `require('testHelpers')`, which its jest
// config maps to testHelpers/index.js; src/network/connection.spec.js requires it by path). The
// jest config written by kafkajs.ts maps both here instead. Everything is kafkajs's own helper,
// except where a helper names its docker-compose cluster: the brokers' PLAINTEXT_HOST, SSL_HOST
// and SASL_SSL_HOST listeners (localhost:9092/9095/9098, 9093/9096/9099, 9094/9097/9100) and
// kafka-topics.sh through docker. Those point at the listeners of this spec file's one sluice
// broker: SLUICE_BOOTSTRAP, SLUICE_SSL_BOOTSTRAP and SLUICE_SASL_SSL_BOOTSTRAP
// ("localhost:<port>"). Connection options keep kafkajs's own ssl settings (its CA file,
// rejectUnauthorized false) and SASL credentials; their socket factory also sends a connection to
// one of the docker-compose ports to the matching listener, for the specs that set `port: 9094`
// themselves. Plain CommonJS because jest (kafkajs's, v25) loads it as is.
const path = require('path')
const { execFileSync } = require('child_process')

const checkout = process.env.KAFKAJS_CHECKOUT
const bootstrap = process.env.SLUICE_BOOTSTRAP
const sslBootstrap = process.env.SLUICE_SSL_BOOTSTRAP
const saslBootstrap = process.env.SLUICE_SASL_SSL_BOOTSTRAP
if (!checkout || !bootstrap || !sslBootstrap || !saslBootstrap) {
  throw new Error('KAFKAJS_CHECKOUT, SLUICE_BOOTSTRAP, SLUICE_SSL_BOOTSTRAP and SLUICE_SASL_SSL_BOOTSTRAP must be set')
}
/** @param {string} address */
const hostPort = address => {
  const [h, p] = address.split(':')
  return { host: h, port: Number(p) }
}
const plain = hostPort(bootstrap)
const ssl = hostPort(sslBootstrap)
const sasl = hostPort(saslBootstrap)
const host = plain.host

/** docker-compose.2_4.yml's host ports, by listener (three brokers: 9092-9094, 9095-9097, 9098-9100). */
/** @type {Record<number, number>} */
const COMPOSE_PORTS = {}
for (const base of [9092, 9095, 9098]) {
  COMPOSE_PORTS[base] = plain.port
  COMPOSE_PORTS[base + 1] = ssl.port
  COMPOSE_PORTS[base + 2] = sasl.port
}
/** @param {number} port */
const mapPort = port => COMPOSE_PORTS[port] ?? port

const original = require(path.join(checkout, 'testHelpers/index.js'))
const Cluster = require(path.join(checkout, 'src/cluster'))
const ConnectionPool = require(path.join(checkout, 'src/network/connectionPool'))
const connectionBuilder = require(path.join(checkout, 'src/cluster/connectionPoolBuilder'))
const waitFor = require(path.join(checkout, 'src/utils/waitFor'))
const defaultSocketFactory = require(path.join(checkout, 'src/network/socketFactory'))
const { Kafka } = require(path.join(checkout, 'index'))

const connect = defaultSocketFactory()
/** kafkajs's socket factory, with the docker-compose ports mapped to this broker's listeners. */
/** @param {{ host: string, port: number, ssl: any, onConnect: () => void }} args */
const socketFactory = args =>
  connect({ ...args, port: args.host === host ? mapPort(args.port) : args.port })

/**
 * One of kafkajs's connection option sets, pointed at this broker: the port its helper chose
 * (9092, 9093 or 9094) becomes the matching listener's, and the socket factory maps the rest.
 * @param {Record<string, any>} opts
 */
const remap = opts => ({ ...opts, socketFactory, port: opts.host === host ? mapPort(opts.port) : opts.port })

const plainTextBrokers = () => [bootstrap]
const sslBrokers = () => [sslBootstrap]
const saslBrokers = () => [saslBootstrap]

/** @param {object} [opts] */
const connectionOpts = (opts = {}) => remap(original.connectionOpts(opts))
const sslConnectionOpts = () => remap(original.sslConnectionOpts())
const saslConnectionOpts = () => remap(original.saslConnectionOpts())
const saslSCRAM256ConnectionOpts = () => remap(original.saslSCRAM256ConnectionOpts())
const saslSCRAM512ConnectionOpts = () => remap(original.saslSCRAM512ConnectionOpts())
const saslOAuthBearerConnectionOpts = () => remap(original.saslOAuthBearerConnectionOpts())

/** kafkajs's list of SASL setups (PLAIN, SCRAM 256, SCRAM 512; OAUTHBEARER alone when enabled), with the options pointed here. */
const saslEntries = original.saslEntries.map(
  /** @param {{ opts: () => object, wrongOpts?: () => object }} entry */
  entry => ({
    ...entry,
    opts: () => remap(entry.opts()),
    ...(entry.wrongOpts ? { wrongOpts: () => remap(/** @type {() => object} */ (entry.wrongOpts)()) } : {}),
  })
)

/** @param {object} [opts] */
const createConnectionPool = (opts = {}) => new ConnectionPool({ ...connectionOpts(), ...opts })

/** @param {object} [opts] @param {string[]} [brokers] */
const createConnectionBuilder = (opts = {}, brokers = plainTextBrokers()) =>
  connectionBuilder({
    logger: original.newLogger(),
    brokers,
    connectionTimeout: 1000,
    ...connectionOpts(),
    ...opts,
  })

/** @param {object} [opts] @param {string[]} [brokers] */
const createCluster = (opts = {}, brokers = plainTextBrokers()) => new Cluster({ ...connectionOpts(), ...opts, brokers })

/** @param {{ topic: string, partitions?: number, replicas?: number, config?: object[] }} args */
const createTopic = async ({ topic, partitions = 1, replicas = 1, config = [] }) => {
  const admin = new Kafka({ clientId: 'testHelpers', brokers: plainTextBrokers() }).admin()
  try {
    await admin.connect()
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, replicationFactor: replicas, configEntries: config }],
    })
  } finally {
    await admin.disconnect()
  }
}

// kafkajs runs scripts/addPartitions.sh (kafka-topics.sh --alter in its docker container); the
// conformance script's kafka-topics.sh stand-in does the same against sluice.
/** @param {{ topic: string, partitions: number }} args */
const addPartitions = async ({ topic, partitions }) => {
  const cluster = createCluster()
  await cluster.connect()
  await cluster.addTargetTopic(topic)
  const standIn = process.env.SLUICE_KAFKA_TOPICS
  if (!standIn) throw new Error('SLUICE_KAFKA_TOPICS must be set')
  execFileSync(standIn, ['--bootstrap-server', bootstrap, '--alter', '--topic', topic, '--partitions', String(partitions)], { stdio: 'inherit' })
  // Like the original, this wait is not awaited.
  waitFor(async () => {
    await cluster.refreshMetadata()
    return cluster.findTopicPartitionMetadata(topic).length === partitions
  })
}

module.exports = {
  ...original,
  connectionOpts,
  sslConnectionOpts,
  saslConnectionOpts,
  saslSCRAM256ConnectionOpts,
  saslSCRAM512ConnectionOpts,
  saslOAuthBearerConnectionOpts,
  saslEntries,
  createConnectionPool,
  createConnectionBuilder,
  createCluster,
  plainTextBrokers,
  sslBrokers,
  saslBrokers,
  createTopic,
  addPartitions,
}
