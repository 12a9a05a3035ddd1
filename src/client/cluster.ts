// The client's view of a cluster: bootstrap addresses, the metadata cache, and one Connection
// per broker (keyed by host:port, so the bootstrap connection is reused once the broker shows
// up in Metadata under its node id). Producer, consumer and admin each own a Cluster, because
// the broker answers a connection's requests in order: a consumer's long-polling Fetch must
// not hold up a producer's acknowledgements.
import { ApiKey, ErrorCode, ZERO_UUID, type MetadataRequest } from '../protocol/index.js';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { Connection, type ConnectionOptions } from './connection.js';
import type { SaslOptions } from './sasl-client.js';
import { KafkaClientError, networkError } from './errors.js';
import { MetadataCache, topicUsabilityError, type TopicMetadata } from './metadata-cache.js';
import { resolveRetryOptions, withRetry, type ResolvedRetryOptions, type RetryOptions } from './retry.js';

export interface ClusterOptions {
  /** Bootstrap addresses, 'host:port'. */
  readonly brokers: readonly string[];
  readonly clientId?: string | null;
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly retry?: RetryOptions;
  readonly ssl?: boolean | TlsConnectionOptions;
  readonly sasl?: SaslOptions;
  /** Ask the broker to create topics we ask about (producers: true; kafkajs does the same). */
  readonly allowAutoTopicCreation?: boolean;
  /** Cached topic metadata older than this is fetched again (300000 ms, Kafka's metadata.max.age.ms). */
  readonly metadataMaxAgeMs?: number;
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export class Cluster {
  readonly metadata = new MetadataCache();
  readonly retry: ResolvedRetryOptions;
  private readonly bootstrap: readonly HostPort[];
  private readonly connections = new Map<string, Connection>();
  private readonly refreshes = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: ClusterOptions) {
    if (options.brokers.length === 0) throw new RangeError('at least one bootstrap broker is needed');
    this.bootstrap = options.brokers.map(parseHostPort);
    this.retry = resolveRetryOptions(options.retry);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A connected broker: one already connected, else the known brokers and bootstrap addresses in turn. */
  async anyConnection(): Promise<Connection> {
    this.assertOpen();
    const connected = [...this.connections.values()].find((connection) => connection.isConnected);
    if (connected !== undefined) return connected;
    let lastError: unknown = networkError('no broker address to connect to');
    for (const address of this.candidates()) {
      const connection = this.connectionAt(address);
      try {
        await connection.connect();
        return connection;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  /** The connection to a node from the metadata; LEADER_NOT_AVAILABLE (retriable) for an unknown node. */
  connectionTo(nodeId: number): Connection {
    this.assertOpen();
    const broker = this.metadata.broker(nodeId);
    if (broker === undefined) {
      throw new KafkaClientError(ErrorCode.LEADER_NOT_AVAILABLE, `broker node ${nodeId} is not in the metadata`, {}, true);
    }
    return this.connectionAt(broker);
  }

  /** The controller (for topic creation and deletion), or any broker when it is not known. */
  async controllerConnection(): Promise<Connection> {
    if (this.metadata.controllerId < 0) await this.refreshMetadata([]);
    const controller = this.metadata.controllerId;
    return controller >= 0 && this.metadata.broker(controller) !== undefined ? this.connectionTo(controller) : this.anyConnection();
  }

  /**
   * Fetches metadata for the given topics (null = all topics, [] = just brokers/controller).
   * Concurrent refreshes of the same topic list share one request.
   */
  refreshMetadata(topics: readonly string[] | null): Promise<void> {
    const key = topics === null ? '\u0000all' : [...topics].sort().join('\u0000');
    let refresh = this.refreshes.get(key);
    if (refresh === undefined) {
      refresh = this.fetchMetadata(topics).finally(() => this.refreshes.delete(key));
      this.refreshes.set(key, refresh);
    }
    return refresh;
  }

  /**
   * Metadata of a usable topic (known, every partition with a leader), from the cache when
   * fresh. Retries with backoff while the broker reports retriable errors, e.g. right after
   * auto-creation (LEADER_NOT_AVAILABLE) or creation by another client.
   */
  async topic(name: string): Promise<TopicMetadata> {
    const maxAge = this.options.metadataMaxAgeMs ?? 300_000;
    const cached = this.metadata.topic(name);
    if (cached !== undefined && topicUsabilityError(cached) === ErrorCode.NONE && Date.now() - cached.updatedAt < maxAge) return cached;
    return withRetry(
      async () => {
        await this.refreshMetadata([name]);
        return this.usableTopic(name);
      },
      this.retry,
      { aborted: () => this.closed },
    );
  }

  /** The topic's metadata as cached, without asking the broker (undefined when unknown). */
  cachedTopic(name: string): TopicMetadata | undefined {
    return this.metadata.topic(name);
  }

  /** The leader connection of a partition (metadata fetched when needed). */
  async leaderFor(topic: string, partition: number): Promise<{ nodeId: number; connection: Connection }> {
    const metadata = await this.topic(topic);
    const entry = metadata.partitions.find((p) => p.partition === partition);
    if (entry === undefined) {
      throw new KafkaClientError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${partition} does not exist`, { topic, partition }, true);
    }
    return { nodeId: entry.leader, connection: this.connectionTo(entry.leader) };
  }

  /** Closes every connection; requests in flight fail with NETWORK_EXCEPTION. */
  close(): void {
    this.closed = true;
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }

  private async fetchMetadata(topics: readonly string[] | null): Promise<void> {
    const connection = await this.anyConnection();
    const response = await connection.request(ApiKey.Metadata, (version) => this.metadataRequest(topics, version));
    this.metadata.update(response.body, topics === null);
  }

  private metadataRequest(topics: readonly string[] | null, version: number): MetadataRequest {
    return {
      // v0 has no null: there an empty list means all topics (NOTES.md §5).
      topics: topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation: this.options.allowAutoTopicCreation ?? false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    };
  }

  private usableTopic(name: string): TopicMetadata {
    const topic = this.metadata.topic(name);
    const code = topic === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : topicUsabilityError(topic);
    if (topic !== undefined && code === ErrorCode.NONE) return topic;
    throw KafkaClientError.fromCode(code, { topic: name });
  }

  private candidates(): HostPort[] {
    const seen = new Set<string>();
    const all = [...this.metadata.brokers(), ...this.bootstrap];
    return all.filter((address) => {
      const key = `${address.host}:${address.port}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private connectionAt(address: HostPort): Connection {
    const key = `${address.host}:${address.port}`;
    let connection = this.connections.get(key);
    if (connection === undefined) {
      const options: ConnectionOptions = {
        host: address.host,
        port: address.port,
        clientId: this.options.clientId ?? null,
        connectTimeoutMs: this.options.connectTimeoutMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
        retry: this.options.retry,
        ssl: this.options.ssl,
        sasl: this.options.sasl,
      };
      connection = new Connection(options);
      this.connections.set(key, connection);
    }
    return connection;
  }

  private assertOpen(): void {
    if (this.closed) throw networkError('the client is closed');
  }
}

/** 'host:port' (IPv6 as '[::1]:9092') to its parts. */
export function parseHostPort(address: string): HostPort {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new RangeError(`broker address must look like 'host:port', not '${address}'`);
  }
  return { host: match[1], port };
}
