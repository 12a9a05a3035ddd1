// @ts-check
// Stand-in for kafkajs's `testHelpers` module (its specs `require('testHelpers')`, which its jest
// config maps to testHelpers/index.js). The jest config written by kafkajs.ts maps it here instead.
// Everything is kafkajs's own helper, except where a helper names its docker-compose cluster
// (localhost:9092, 9095, 9098, or kafka-topics.sh through docker): those point at the one sluice
// broker of this spec file, SLUICE_BOOTSTRAP ("localhost:<port>"). Plain CommonJS because jest
// (kafkajs's, v25) loads it as is.
const path = require('path')
const { execFileSync } = require('child_process')

const checkout = process.env.KAFKAJS_CHECKOUT
const bootstrap = process.env.SLUICE_BOOTSTRAP
if (!checkout || !bootstrap) throw new Error('KAFKAJS_CHECKOUT and SLUICE_BOOTSTRAP must be set')
const [host, portText] = bootstrap.split(':')
const port = Number(portText)

const original = require(path.join(checkout, 'testHelpers/index.js'))
const Cluster = require(path.join(checkout, 'src/cluster'))
const ConnectionPool = require(path.join(checkout, 'src/network/connectionPool'))
const connectionBuilder = require(path.join(checkout, 'src/cluster/connectionPoolBuilder'))
const waitFor = require(path.join(checkout, 'src/utils/waitFor'))
const { Kafka } = require(path.join(checkout, 'index'))

const plainTextBrokers = () => [bootstrap]

/** @param {object} [opts] */
const connectionOpts = (opts = {}) => ({ ...original.connectionOpts(), host, port, ...opts })

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
  createConnectionPool,
  createConnectionBuilder,
  createCluster,
  plainTextBrokers,
  createTopic,
  addPartitions,
}
