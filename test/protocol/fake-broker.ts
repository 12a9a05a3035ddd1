// A tiny stand-in broker on 127.0.0.1 for talking to kcat (librdkafka): it records every request
// frame it receives and answers the few requests a metadata listing or an idempotent produce
// needs (ApiVersions, Metadata, InitProducerId, Produce) using OUR codec, so a run both captures
// librdkafka's bytes and checks that librdkafka understands our responses.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { apiVersionsResponse, needsApiVersionsFallback, unsupportedApiVersionsResponseFrame } from '../../src/protocol/api-versions.js';
import { decodeRequestBody, encodeResponseFrame, readRequestFrame, type DecodedRequest } from '../../src/protocol/frame.js';
import { ApiKey, defaultInitProducerIdResponse, defaultMetadataResponse, defaultProduceResponse } from '../../src/protocol/generated/index.js';
import { defaultMetadataResponsePartition, defaultMetadataResponseTopic } from '../../src/protocol/generated/metadata.js';
import { defaultPartitionProduceResponse } from '../../src/protocol/generated/produce.js';

export const GOLDEN_TOPIC = 'golden-topic';
export const GOLDEN_PRODUCER_ID = 4242;
const NODE_ID = 1;

export interface CapturedFrame {
  apiKey: number;
  apiVersion: number;
  /** The request frame without its 4-byte size prefix. */
  frame: Buffer;
}

export interface KcatRun {
  frames: CapturedFrame[];
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface FakeBrokerOptions {
  /** Answer ApiVersions requests above this version with the UNSUPPORTED_VERSION fallback (default: our max). */
  apiVersionsMax?: number;
  timeoutMs?: number;
}

/** Runs kcat against a fresh fake broker; args receive the broker address. Bounded by timeoutMs. */
export async function runKcat(args: (broker: string) => string[], stdin: string, options: FakeBrokerOptions = {}): Promise<KcatRun> {
  const frames: CapturedFrame[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, frames, () => (server.address() as AddressInfo).port, options);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const result = await spawnBounded('kcat', args(`127.0.0.1:${port}`), stdin, options.timeoutMs ?? 20_000);
    return { frames, ...result };
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function serve(socket: Socket, frames: CapturedFrame[], port: () => number, options: FakeBrokerOptions): void {
  let pending = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const frame = Buffer.from(pending.subarray(4, 4 + pending.readInt32BE(0)));
      pending = pending.subarray(4 + frame.length);
      const reply = handle(frame, frames, port(), options);
      if (reply !== null) socket.write(reply);
    }
  });
}

function handle(frame: Buffer, frames: CapturedFrame[], port: number, options: FakeBrokerOptions): Buffer | null {
  const parsed = readRequestFrame(frame);
  const { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId } = parsed.header;
  frames.push({ apiKey, apiVersion, frame });
  const forcedFallback = apiKey === ApiKey.ApiVersions && apiVersion > (options.apiVersionsMax ?? Infinity);
  if (forcedFallback || needsApiVersionsFallback(apiKey, apiVersion)) return unsupportedApiVersionsResponseFrame(correlationId);
  const request = decodeRequestBody(parsed);
  const body = respond(request, port);
  return body === null ? null : encodeResponseFrame(request.apiKey, apiVersion, correlationId, body as never);
}

function respond(request: DecodedRequest, port: number): unknown {
  switch (request.apiKey) {
    case ApiKey.ApiVersions:
      return apiVersionsResponse();
    case ApiKey.Metadata:
      return {
        ...defaultMetadataResponse(),
        brokers: [{ nodeId: NODE_ID, host: '127.0.0.1', port, rack: null }],
        clusterId: 'sluice-golden-cluster',
        controllerId: NODE_ID,
        topics: [{
          ...defaultMetadataResponseTopic(),
          name: GOLDEN_TOPIC,
          partitions: [{ ...defaultMetadataResponsePartition(), partitionIndex: 0, leaderId: NODE_ID, replicaNodes: [NODE_ID], isrNodes: [NODE_ID] }],
        }],
      };
    case ApiKey.InitProducerId:
      return { ...defaultInitProducerIdResponse(), producerId: GOLDEN_PRODUCER_ID, producerEpoch: 0 };
    case ApiKey.Produce:
      if (request.body.acks === 0) return null;
      return {
        ...defaultProduceResponse(),
        responses: request.body.topicData.map((topic) => ({
          name: topic.name,
          partitionResponses: topic.partitionData.map((p) => ({ ...defaultPartitionProduceResponse(), index: p.index, baseOffset: 0 })),
        })),
      };
    default:
      return null; // not needed for the captures: the client times out on its own
  }
}

function spawnBounded(command: string, args: string[], stdin: string, timeoutMs: number): Promise<Omit<KcatRun, 'frames'>> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode });
    });
    child.stdin.end(stdin);
  });
}
