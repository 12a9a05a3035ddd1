// A tiny in-memory Kafka broker for client tests, answering with our own codec: ApiVersions
// (with the v0 fallback above a configurable max), Metadata (optionally auto-creating topics),
// Produce (stores batches, assigns offsets), Fetch (from an offset, by name or topic id) and
// ListOffsets. Tests can intercept any request to answer differently, stay silent or hang up.
import { createServer, type Server, type Socket } from 'node:net';
import { FrameReader } from '../../src/client/frame-reader.js';
import {
  ApiKey,
  ErrorCode,
  advertisedApiVersions,
  apiVersionsResponse,
  decodeRequestBody,
  defaultApiVersionsResponse,
  defaultFetchResponse,
  defaultMetadataResponse,
  defaultProduceResponse,
  encodeResponseFrame,
  randomUuid,
  readRequestFrame,
  type AdvertisedApiVersion,
  type DecodedRequest,
  type FetchRequest,
  type FetchResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type MetadataRequest,
  type MetadataResponse,
  type ProduceRequest,
  type ProduceResponse,
} from '../../src/protocol/index.js';
import { BatchField, writeInt64 } from '../../src/records/index.js';

export type ReceivedRequest = DecodedRequest & { correlationId: number; connection: number };

/** What an interceptor wants done with a request; undefined = the default handling. */
export type Action = { respond: unknown } | 'close' | 'silent' | undefined;

interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly bytes: Buffer;
}

interface FakeTopic {
  readonly topicId: string;
  readonly partitions: StoredBatch[][];
  readonly nextOffsets: number[];
}

export class FakeBroker {
  readonly requests: ReceivedRequest[] = [];
  readonly topics = new Map<string, FakeTopic>();
  /** ApiVersions above this get the v0 UNSUPPORTED_VERSION answer. */
  apiVersionsMax = 4;
  /** Ranges advertised in ApiVersions. */
  advertised: AdvertisedApiVersion[] = advertisedApiVersions();
  autoCreatePartitions = 0;
  intercept: (request: ReceivedRequest) => Action = () => undefined;
  connections = 0;
  port = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((socket) => this.accept(socket));
  }

  static async start(): Promise<FakeBroker> {
    const broker = new FakeBroker();
    await new Promise<void>((resolve) => broker.server.listen(0, '127.0.0.1', resolve));
    const address = broker.server.address();
    broker.port = typeof address === 'object' && address !== null ? address.port : 0;
    return broker;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  createTopic(name: string, partitions: number): void {
    this.topics.set(name, { topicId: randomUuid(), partitions: Array.from({ length: partitions }, () => []), nextOffsets: new Array<number>(partitions).fill(0) });
  }

  /** Stores a batch as if produced (offset assigned); returns its base offset. */
  append(topic: string, partition: number, batch: Buffer): number {
    const t = this.topics.get(topic);
    if (t === undefined) throw new Error(`no topic ${topic}`);
    const baseOffset = t.nextOffsets[partition];
    const bytes = Buffer.from(batch);
    writeInt64(bytes, BatchField.BASE_OFFSET, baseOffset);
    const lastOffset = baseOffset + bytes.readInt32BE(BatchField.LAST_OFFSET_DELTA);
    t.partitions[partition].push({ baseOffset, lastOffset, bytes });
    t.nextOffsets[partition] = lastOffset + 1;
    return baseOffset;
  }

  requestsOf(apiKey: number): ReceivedRequest[] {
    return this.requests.filter((r) => r.apiKey === apiKey);
  }

  /** Drops every client connection (the server keeps listening). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const connection = ++this.connections;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const frames = new FrameReader(64 * 1024 * 1024);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of frames.push(chunk)) this.onFrame(socket, connection, frame);
    });
  }

  private onFrame(socket: Socket, connection: number, frame: Buffer): void {
    const parsed = readRequestFrame(frame);
    const { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId } = parsed.header;
    if (apiKey === ApiKey.ApiVersions && apiVersion > this.apiVersionsMax) {
      this.requests.push({ apiKey, apiVersion, body: {}, correlationId, connection } as ReceivedRequest);
      const body = { ...defaultApiVersionsResponse(), errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: this.apiVersionsMax }] };
      socket.write(encodeResponseFrame(ApiKey.ApiVersions, 0, correlationId, body));
      return;
    }
    const request = { ...decodeRequestBody(parsed), correlationId, connection } as ReceivedRequest;
    this.requests.push(request);
    const action = this.intercept(request) ?? this.defaultAction(request);
    if (action === 'close') socket.destroy();
    else if (action !== 'silent' && action !== undefined) socket.write(encodeResponseFrame(apiKey as ApiKey, apiVersion, correlationId, action.respond as never));
  }

  private defaultAction(request: ReceivedRequest): Action {
    switch (request.apiKey) {
      case ApiKey.ApiVersions:
        return { respond: { ...apiVersionsResponse(), apiKeys: this.advertised } };
      case ApiKey.Metadata:
        return { respond: this.metadata(request.body) };
      case ApiKey.Produce:
        return request.body.acks === 0 ? (this.produce(request.body), 'silent') : { respond: this.produce(request.body) };
      case ApiKey.Fetch:
        return { respond: this.fetch(request.body, request.apiVersion) };
      case ApiKey.ListOffsets:
        return { respond: this.listOffsets(request.body) };
      case ApiKey.InitProducerId:
        return { respond: { throttleTimeMs: 0, errorCode: 0, producerId: 1000 + this.requestsOf(ApiKey.InitProducerId).length, producerEpoch: 0 } };
      default:
        return 'close';
    }
  }

  private metadata(body: MetadataRequest): MetadataResponse {
    const all = body.topics === null ? [...this.topics.keys()] : body.topics.map((t) => t.name as string);
    const topics = all.map((name) => {
      if (!this.topics.has(name) && body.allowAutoTopicCreation && this.autoCreatePartitions > 0) {
        this.createTopic(name, this.autoCreatePartitions);
        return { ...metadataTopic(name, this.topics.get(name) as FakeTopic), errorCode: ErrorCode.LEADER_NOT_AVAILABLE, partitions: [] };
      }
      const topic = this.topics.get(name);
      if (topic === undefined) return { ...metadataTopic(name, { topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [], nextOffsets: [] }), errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      return metadataTopic(name, topic);
    });
    return { ...defaultMetadataResponse(), brokers: [{ nodeId: 0, host: '127.0.0.1', port: this.port, rack: null }], controllerId: 0, clusterId: 'fake', topics };
  }

  private produce(body: ProduceRequest): ProduceResponse {
    const responses = body.topicData.map((topicData) => ({
      name: topicData.name,
      partitionResponses: topicData.partitionData.map((p) => {
        const base = { index: p.index, errorCode: 0, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: 0, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } };
        if (!this.topics.has(topicData.name)) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        return { ...base, baseOffset: this.append(topicData.name, p.index, p.records as Buffer) };
      }),
    }));
    return { ...defaultProduceResponse(), responses };
  }

  private fetch(body: FetchRequest, version: number): FetchResponse {
    const responses = body.topics.map((t) => {
      const name = version >= 13 ? [...this.topics].find(([, topic]) => topic.topicId === t.topicId)?.[0] : t.topic;
      const topic = name === undefined ? undefined : this.topics.get(name);
      return {
        topic: t.topic,
        topicId: t.topicId,
        partitions: t.partitions.map((p) => {
          const base = { partitionIndex: p.partition, errorCode: 0, highWatermark: -1, lastStableOffset: -1, logStartOffset: 0, divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: -1, leaderEpoch: -1 }, snapshotId: { endOffset: -1, epoch: -1 }, abortedTransactions: null, preferredReadReplica: -1, records: null };
          if (topic === undefined) return { ...base, errorCode: version >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          const end = topic.nextOffsets[p.partition];
          if (p.fetchOffset > end) return { ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: end };
          const batches = topic.partitions[p.partition].filter((b) => b.lastOffset >= p.fetchOffset);
          const chosen: Buffer[] = [];
          let size = 0;
          for (const batch of batches) {
            if (chosen.length > 0 && size + batch.bytes.length > p.partitionMaxBytes) break;
            chosen.push(batch.bytes);
            size += batch.bytes.length;
          }
          return { ...base, highWatermark: end, lastStableOffset: end, records: chosen.length === 0 ? null : Buffer.concat(chosen) };
        }),
      };
    });
    return { ...defaultFetchResponse(), responses };
  }

  private listOffsets(body: ListOffsetsRequest): ListOffsetsResponse {
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const topic = this.topics.get(t.name);
          const base = { partitionIndex: p.partitionIndex, errorCode: 0, oldStyleOffsets: [], timestamp: -1, offset: -1, leaderEpoch: -1 };
          if (topic === undefined) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          const first = topic.partitions[p.partitionIndex][0]?.baseOffset ?? topic.nextOffsets[p.partitionIndex];
          return { ...base, offset: p.timestamp === -2 ? first : topic.nextOffsets[p.partitionIndex] };
        }),
      })),
    };
  }
}

function metadataTopic(name: string, topic: FakeTopic): MetadataResponse['topics'][number] {
  return {
    errorCode: 0,
    name,
    topicId: topic.topicId,
    isInternal: false,
    topicAuthorizedOperations: -2147483648,
    partitions: topic.partitions.map((_, partitionIndex) => ({ errorCode: 0, partitionIndex, leaderId: 0, leaderEpoch: 0, replicaNodes: [0], isrNodes: [0], offlineReplicas: [] })),
  };
}

/** Waits for something the broker side does asynchronously (no time limit: the test timeout is the limit). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}
