// A broker connection that survives socket drops: it opens a socket lazily, negotiates API
// versions on every new socket (ApiVersions v3, lower after an UNSUPPORTED_VERSION answer),
// and reconnects with exponential backoff and full jitter. Requests are built for the version
// negotiated with this broker. Calls that are safe to repeat (reads such as Metadata or Fetch)
// are retried on transient failures; others (Produce, CreateTopics) are retried only when the
// failure happened before anything was sent, and otherwise left to the caller.
import {
  API_CODECS,
  ApiKey,
  ErrorCode,
  SPLICE_RECORDS_FROM,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeRequestFramePieces,
  type ApiMessages,
  type ApiVersionsResponse,
} from '../protocol/index.js';
import { KafkaClientError, isRetriable, networkError, throwIfError } from './errors.js';
import { apiVersionsRetryVersion, brokerVersionsFrom, chooseVersion, type BrokerVersions, type VersionRange } from './negotiate.js';
import { resolveRetryOptions, withRetry, type ResolvedRetryOptions, type RetryOptions } from './retry.js';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { authenticateSasl, type SaslOptions, type SaslSend } from './sasl-client.js';
import { SocketSession } from './socket-session.js';

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId?: string | null;
  /** Time to establish the TCP connection (10000 ms). */
  readonly connectTimeoutMs?: number;
  /** Time to wait for a response (30000 ms); Fetch adds its maxWaitMs on top. */
  readonly requestTimeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Responses announcing more bytes are treated as a corrupt stream (256 MiB). */
  readonly maxResponseBytes?: number;
  /** TLS: true for the system's CAs, or node:tls options (ca, cert, key, rejectUnauthorized...). */
  readonly ssl?: boolean | TlsConnectionOptions;
  /** SASL authentication on every new socket, after ApiVersions. */
  readonly sasl?: SaslOptions;
}

export interface RequestOptions {
  /** Narrows the negotiated version, e.g. { max: 12 } for Fetch without topic ids. */
  readonly versions?: Partial<VersionRange>;
  /** Added to the request timeout (long polls). */
  readonly extraTimeoutMs?: number;
  /** False when the broker sends no response (Produce with acks=0). */
  readonly expectResponse?: boolean;
  /** Whether a failed call may be sent again; by default true for read-only APIs. */
  readonly idempotent?: boolean;
}

export interface Response<K extends ApiKey> {
  readonly version: number;
  readonly body: ApiMessages[K]['response'];
}

/** Builds the request body once the version is known (field sets differ between versions). */
export type RequestBuilder<K extends ApiKey> = (version: number) => ApiMessages[K]['request'];

/** APIs whose repetition changes nothing, so a dropped connection can be answered by resending. */
const IDEMPOTENT_APIS = new Set<number>([
  ApiKey.Fetch,
  ApiKey.ListOffsets,
  ApiKey.Metadata,
  ApiKey.OffsetFetch,
  ApiKey.FindCoordinator,
  ApiKey.DescribeGroups,
  ApiKey.ListGroups,
  ApiKey.ApiVersions,
  ApiKey.DeleteRecords,
  ApiKey.DescribeConfigs,
  ApiKey.DescribeCluster,
]);

/** The ApiVersions version tried first (flexible; librdkafka and platformatic do the same). */
const FIRST_API_VERSIONS_VERSION = 3;
const SOFTWARE_NAME = 'sluice';
const SOFTWARE_VERSION = '0.1.0';

export class Connection {
  readonly address: string;
  readonly host: string;
  readonly port: number;
  private readonly clientId: string | null;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly retry: ResolvedRetryOptions;
  private readonly tls: TlsConnectionOptions | null;
  private readonly sasl: SaslOptions | null;
  private session: SocketSession | null = null;
  private opening: Promise<SocketSession> | null = null;
  private versions: BrokerVersions | null = null;
  private closed = false;
  private socketsOpened = 0;

  constructor(options: ConnectionOptions) {
    this.address = `${options.host}:${options.port}`;
    this.host = options.host;
    this.port = options.port;
    this.clientId = options.clientId ?? null;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 256 * 1024 * 1024;
    this.retry = resolveRetryOptions(options.retry);
    this.tls = options.ssl === true ? {} : options.ssl === false || options.ssl === undefined ? null : options.ssl;
    this.sasl = options.sasl ?? null;
  }

  /** The ranges the broker advertised on the current socket, or null before the first connect. */
  get apiVersions(): BrokerVersions | null {
    return this.versions;
  }

  /** Sockets opened so far: 1 + reconnects (diagnostics). */
  get connectCount(): number {
    return this.socketsOpened;
  }

  get isConnected(): boolean {
    return this.session !== null && !this.session.isClosed;
  }

  /** Opens the socket and negotiates versions (retrying with backoff); a no-op when connected. */
  async connect(): Promise<void> {
    await this.ensureSession();
  }

  /** The version a request for `apiKey` would use now (connects first). */
  async versionFor(apiKey: ApiKey, limit?: Partial<VersionRange>): Promise<number> {
    await this.ensureSession();
    return chooseVersion(apiKey, this.negotiated(), limit);
  }

  /** Sends one request at the negotiated version and resolves with the decoded response. */
  async request<K extends ApiKey>(apiKey: K, build: RequestBuilder<K>, options: RequestOptions = {}): Promise<Response<K>> {
    const idempotent = options.idempotent ?? IDEMPOTENT_APIS.has(apiKey);
    let connectFailed = false;
    return withRetry(
      async () => {
        const session = await this.ensureSession().catch((error: unknown) => {
          connectFailed = true; // ensureSession already retried with backoff
          throw error;
        });
        return this.sendOnce(session, apiKey, build, options);
      },
      this.retry,
      { shouldRetry: (error) => !connectFailed && idempotent && isRetriable(error), aborted: () => this.closed },
    );
  }

  /** Closes the socket for good; requests in flight fail with NETWORK_EXCEPTION. */
  close(): void {
    this.closed = true;
    this.session?.destroy();
    this.session = null;
  }

  private async sendOnce<K extends ApiKey>(session: SocketSession, apiKey: K, build: RequestBuilder<K>, options: RequestOptions): Promise<Response<K>> {
    const version = chooseVersion(apiKey, this.negotiated(), options.versions);
    const body = build(version);
    const expectResponse = options.expectResponse ?? true;
    const response = await session.send({
      encode: (correlationId) => encodeRequestFramePieces(apiKey, version, correlationId, this.clientId, body, SPLICE_RECORDS_FROM),
      decode: (frame) => decodeResponseFrame(frame, apiKey, version).body,
      expectResponse,
      timeoutMs: this.requestTimeoutMs + (options.extraTimeoutMs ?? 0),
      label: `${API_CODECS[apiKey].name} v${version}`,
    });
    return { version, body: response as ApiMessages[K]['response'] };
  }

  private negotiated(): BrokerVersions {
    if (this.versions === null) throw networkError('not connected', { broker: this.address });
    return this.versions;
  }

  private ensureSession(): Promise<SocketSession> {
    if (this.closed) return Promise.reject(networkError('connection closed by the client', { broker: this.address }));
    if (this.session !== null && !this.session.isClosed) return Promise.resolve(this.session);
    this.opening ??= withRetry(() => this.openOnce(), this.retry, { aborted: () => this.closed }).finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async openOnce(): Promise<SocketSession> {
    const session = await SocketSession.open(this.host, this.port, this.connectTimeoutMs, this.maxResponseBytes, this.tls);
    this.socketsOpened++;
    try {
      this.versions = await this.negotiate(session);
      if (this.sasl !== null) await authenticateSasl(this.sasl, this.saslSend(session, this.versions), this.address);
    } catch (error) {
      session.destroy();
      throw error;
    }
    if (this.closed) {
      session.destroy();
      throw networkError('connection closed by the client', { broker: this.address });
    }
    this.session = session;
    session.onClose(() => {
      if (this.session === session) this.session = null;
    });
    return session;
  }

  /** Sends SASL requests on a socket that is not yet this connection's session. */
  private saslSend(session: SocketSession, versions: BrokerVersions): SaslSend {
    return async (apiKey, body) => {
      // SaslHandshake v0 would switch the socket to raw tokens; every broker since Kafka 1.0 has v1.
      const version = chooseVersion(apiKey, versions, apiKey === ApiKey.SaslHandshake ? { min: 1 } : undefined);
      const response = await session.send({
        encode: (correlationId) => [encodeRequestFrame(apiKey, version, correlationId, this.clientId, body)],
        decode: (frame) => decodeResponseFrame(frame, apiKey, version).body,
        expectResponse: true,
        timeoutMs: this.requestTimeoutMs,
        label: `${API_CODECS[apiKey].name} v${version}`,
      });
      if (response === undefined) throw new KafkaClientError(ErrorCode.UNKNOWN_SERVER_ERROR, `empty ${API_CODECS[apiKey].name} response`);
      return response as never;
    };
  }

  /** ApiVersions at v3, then lower while the broker answers UNSUPPORTED_VERSION (NOTES.md §2). */
  private async negotiate(session: SocketSession): Promise<BrokerVersions> {
    let version = FIRST_API_VERSIONS_VERSION;
    for (;;) {
      const response = await this.sendApiVersions(session, version);
      if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION && version > 0) {
        version = apiVersionsRetryVersion(brokerVersionsFrom(response), version);
        continue;
      }
      throwIfError(response.errorCode, { broker: this.address });
      return brokerVersionsFrom(response);
    }
  }

  private async sendApiVersions(session: SocketSession, version: number): Promise<ApiVersionsResponse> {
    const body = { clientSoftwareName: SOFTWARE_NAME, clientSoftwareVersion: SOFTWARE_VERSION };
    const response = await session.send({
      encode: (correlationId) => [encodeRequestFrame(ApiKey.ApiVersions, version, correlationId, this.clientId, body)],
      decode: (frame) => decodeApiVersionsResponse(frame, version),
      expectResponse: true,
      timeoutMs: this.requestTimeoutMs,
      label: `ApiVersions v${version}`,
    });
    if (response === undefined) throw new KafkaClientError(ErrorCode.UNKNOWN_SERVER_ERROR, 'empty ApiVersions response');
    return response;
  }
}

/**
 * Decodes an ApiVersions response. A broker that does not know the version we asked for
 * answers in the v0 layout with error 35 (NOTES.md §3.1); the error code is the first field
 * in every version, so it tells which layout to decode.
 */
export function decodeApiVersionsResponse(frame: Buffer, version: number): ApiVersionsResponse {
  const ERROR_CODE_POSITION = 4; // after the correlation id of the (always v0) response header
  const fallback = frame.length >= ERROR_CODE_POSITION + 2 && frame.readInt16BE(ERROR_CODE_POSITION) === ErrorCode.UNSUPPORTED_VERSION;
  return decodeResponseFrame(frame, ApiKey.ApiVersions, fallback ? 0 : version).body;
}
