// From a request frame to a response frame: parse the header, answer ApiVersions fallbacks,
// refuse what we do not serve by closing the connection (as Kafka does: there is no generic
// error response), decode the body, run the handler, encode its answer.
import {
  ProtocolError,
  SPLICE_RECORDS_FROM,
  apiCodec,
  decodeRequestBody,
  encodeResponseFramePieces,
  needsApiVersionsFallback,
  readRequestFrame,
  unsupportedApiVersionsResponseFrame,
  type ApiKey,
  type RequestFrame,
} from '../protocol/index.js';
import { CloseConnection, type ConnectionContext, type Dispatch, type OutgoingFrame } from './connection.js';
import { rawSaslToken } from './handlers/sasl.js';
import type { BrokerState, Handler, HandlerTable } from './request-context.js';

export function createDispatch(handlers: HandlerTable, broker: BrokerState): Dispatch {
  return async (frame: Buffer, connection: ConnectionContext): Promise<OutgoingFrame | null> => {
    const { session } = connection;
    // Only while authenticating: an authenticated connection's requests must start without awaiting (append order).
    if (session.isStepping) await session.settled();
    if (session.rawTokens) return rawSaslToken(frame, connection, broker);
    const request = parseFrame(frame);
    const { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId } = request.header;
    if (!session.mayServe(apiKey, Date.now())) {
      const why = session.authenticated ? 'its authentication expired (connections.max.reauth.ms)' : 'it has not authenticated';
      throw new CloseConnection(`API key ${apiKey} from ${session.principal} on ${session.listener.name} refused: ${why}`);
    }
    if (needsApiVersionsFallback(apiKey, apiVersion)) return unsupportedApiVersionsResponseFrame(correlationId);
    const handler = handlers[apiKey as ApiKey] as Handler<ApiKey> | undefined;
    if (handler === undefined) throw new CloseConnection(`unsupported API key ${apiKey} (v${apiVersion}) from client ${clientId ?? '-'}`);
    const decoded = decodeBody(request, apiKey, apiVersion);
    const response = await handler(decoded, { apiVersion, clientId, connection, broker });
    if (response === null) return null;
    return encodeResponseFramePieces(apiKey as ApiKey, apiVersion, correlationId, response as never, SPLICE_RECORDS_FROM);
  };
}

function parseFrame(frame: Buffer): RequestFrame {
  try {
    return readRequestFrame(frame);
  } catch (error) {
    throw new CloseConnection(`malformed request header: ${describe(error)}`);
  }
}

function decodeBody(request: RequestFrame, apiKey: number, apiVersion: number): never {
  const codec = apiCodec(apiKey);
  if (codec === undefined || apiVersion < codec.minVersion || apiVersion > codec.maxVersion) {
    throw new CloseConnection(`unsupported version ${apiVersion} of API ${codec?.name ?? apiKey}`);
  }
  try {
    return decodeRequestBody(request).body as never;
  } catch (error) {
    throw new CloseConnection(`malformed ${codec.name} v${apiVersion} request: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  return error instanceof ProtocolError || error instanceof Error ? error.message : String(error);
}
