// The entry point: createClient() holds the shared settings and makes producers, consumers and
// admins. Each gets its own connections (a Cluster), because a broker answers one
// connection's requests in order and a consumer's long poll must not delay a producer.
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { SaslOptions } from './sasl-client.js';
import { Admin, type AdminOptions } from './admin.js';
import { Cluster } from './cluster.js';
import { Consumer, type ConsumerOptions } from './consumer.js';
import { Producer, type ProducerOptions } from './producer.js';
import type { RetryOptions } from './retry.js';

export interface ClientOptions {
  /** Bootstrap brokers, e.g. ['127.0.0.1:9092']. */
  readonly brokers: readonly string[];
  /** Sent with every request; shows up in broker logs. */
  readonly clientId?: string;
  /** TCP connect timeout (10000 ms). */
  readonly connectTimeoutMs?: number;
  /** Time to wait for any response (30000 ms; Fetch adds its maxWaitMs). */
  readonly requestTimeoutMs?: number;
  /** Backoff for reconnects and retriable errors: initialRetryTime 100, maxRetryTime 30000, retries 5. */
  readonly retry?: RetryOptions;
  /** Topic metadata older than this is fetched again (300000 ms). */
  readonly metadataMaxAgeMs?: number;
  /** TLS, as kafkajs takes it: true for the system's CAs, or node:tls options ({ ca, cert, key, ... }). */
  readonly ssl?: boolean | TlsConnectionOptions;
  /** SASL, as kafkajs takes it: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username, password }. */
  readonly sasl?: SaslOptions;
}

export interface Client {
  /** A producer; `allowAutoTopicCreation` (default true) lets the broker create topics on first use. */
  producer(options?: ProducerOptions & { allowAutoTopicCreation?: boolean }): Producer;
  consumer(options?: ConsumerOptions): Consumer;
  admin(options?: AdminOptions): Admin;
  /** Closes everything this client made (producers are flushed first). */
  close(): Promise<void>;
}

export function createClient(options: ClientOptions): Client {
  if (!Array.isArray(options.brokers) || options.brokers.length === 0) throw new TypeError('createClient needs brokers: ["host:port", ...]');
  const made: Array<{ close(): Promise<void> }> = [];
  const cluster = (allowAutoTopicCreation: boolean): Cluster =>
    new Cluster({
      brokers: options.brokers,
      clientId: options.clientId ?? 'sluice',
      connectTimeoutMs: options.connectTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs,
      retry: options.retry,
      metadataMaxAgeMs: options.metadataMaxAgeMs,
      ssl: options.ssl,
      sasl: options.sasl,
      allowAutoTopicCreation,
    });
  const remember = <T extends { close(): Promise<void> }>(instance: T): T => {
    made.push(instance);
    return instance;
  };
  return {
    producer: (producerOptions = {}) => remember(new Producer(cluster(producerOptions.allowAutoTopicCreation ?? true), producerOptions)),
    consumer: (consumerOptions = {}) => {
      const fetching = cluster(false);
      // Group requests get their own connections: a JoinGroup parked for a rebalance must not hold up fetches.
      const coordinator = consumerOptions.groupId === undefined ? fetching : cluster(false);
      return remember(new Consumer(fetching, consumerOptions, coordinator));
    },
    admin: (adminOptions = {}) => remember(new Admin(cluster(false), adminOptions)),
    close: async () => {
      await Promise.allSettled(made.splice(0).map((instance) => instance.close()));
    },
  };
}
