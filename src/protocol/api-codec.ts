// The shape of one API's entry in the generated codec table (src/protocol/generated/index.ts).
// Decoders read from a Reader and leave errors in it (check `reader.error` afterwards); size and
// encode work as a pair: size first, allocate once, then encode into a Writer.
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

export interface ApiCodec<Request, Response> {
  readonly apiKey: number;
  readonly name: string;
  /** Lowest version the codec handles and the broker serves. */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Lowest version advertised in ApiVersions (below minVersion only for Produce; see supported-apis.ts). */
  readonly advertisedMinVersion: number;
  /** First flexible version (compact encodings, tagged fields, request header v2), or null if none. */
  readonly flexibleFrom: number | null;
  // Method syntax on purpose: it lets ApiCodec<ProduceRequest, ...> stand in for ApiCodec<unknown, unknown>.
  decodeRequest(reader: Reader, version: number): Request;
  sizeRequest(message: Request, version: number): number;
  encodeRequest(writer: Writer, message: Request, version: number): void;
  decodeResponse(reader: Reader, version: number): Response;
  sizeResponse(message: Response, version: number): number;
  encodeResponse(writer: Writer, message: Response, version: number): void;
  /** Bytes of the records fields of at least `min` bytes in the message: what a splicing Writer leaves out of its buffer. */
  splicedRequest(message: Request, version: number, min: number): number;
  splicedResponse(message: Response, version: number, min: number): number;
}

/** An entry whose message types are not known statically (looked up by API key at run time). */
export type AnyApiCodec = ApiCodec<unknown, unknown>;

export function isFlexible(codec: Pick<AnyApiCodec, 'flexibleFrom'>, version: number): boolean {
  return codec.flexibleFrom !== null && version >= codec.flexibleFrom;
}
