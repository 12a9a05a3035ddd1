// Emits generated/index.ts: the API table (apiKey -> versions + codec functions), the ApiKey
// constants, a type map from API key to its request/response types, and re-exports of every
// top-level message type and function. Nested struct types stay in their own module because
// two APIs may define structs with the same name (LeaderIdAndEpoch in Produce and Fetch).
import { GENERATED_HEADER } from './emit-file.js';

export interface IndexEntry {
  apiKey: number;
  /** e.g. 'ListOffsets'. */
  name: string;
  /** Module name without extension, e.g. 'list-offsets'. */
  module: string;
  minVersion: number;
  maxVersion: number;
  advertisedMinVersion: number;
  flexibleFrom: number | null;
}

export function emitIndex(entries: IndexEntry[]): string {
  const lines = [
    GENERATED_HEADER,
    "import type { AnyApiCodec, ApiCodec } from '../api-codec.js';",
    ...entries.map((e) => `import * as ${camel(e.name)} from './${e.module}.js';`),
    '',
    "export * from './headers.js';",
    ...entries.map((e) => `export { ${topLevelNames(e.name).join(', ')} } from './${e.module}.js';`),
    ...entries.map((e) => `export type { ${e.name}Request, ${e.name}Response } from './${e.module}.js';`),
    '',
    '/** Kafka API keys of the APIs we serve. */',
    'export const ApiKey = {',
    ...entries.map((e) => `  ${e.name}: ${e.apiKey},`),
    '} as const;',
    'export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];',
    '',
    '/** Request and response type of each supported API, by key. */',
    'export interface ApiMessages {',
    ...entries.map((e) => `  ${e.apiKey}: { request: ${camel(e.name)}.${e.name}Request; response: ${camel(e.name)}.${e.name}Response };`),
    '}',
    '',
    '/** The codec entry of each supported API, typed by key. */',
    'export const API_CODECS: { readonly [K in ApiKey]: ApiCodec<ApiMessages[K][\'request\'], ApiMessages[K][\'response\']> } = {',
    ...entries.flatMap(entryLines),
    '};',
    '',
    '/** Every entry, by ascending API key. */',
    `export const API_CODEC_LIST: readonly AnyApiCodec[] = [${entries.map((e) => `API_CODECS[${e.apiKey}]`).join(', ')}];`,
    '',
  ];
  return lines.join('\n');
}

function entryLines(e: IndexEntry): string[] {
  const m = camel(e.name);
  const full = (kind: string, side: string): string => `${m}.${kind}${e.name}${side}`;
  return [
    `  ${e.apiKey}: {`,
    `    apiKey: ${e.apiKey},`,
    `    name: '${e.name}',`,
    `    minVersion: ${e.minVersion},`,
    `    maxVersion: ${e.maxVersion},`,
    `    advertisedMinVersion: ${e.advertisedMinVersion},`,
    `    flexibleFrom: ${e.flexibleFrom === null ? 'null' : e.flexibleFrom},`,
    `    decodeRequest: ${full('decode', 'Request')},`,
    `    sizeRequest: ${full('size', 'Request')},`,
    `    encodeRequest: ${full('encode', 'Request')},`,
    `    decodeResponse: ${full('decode', 'Response')},`,
    `    sizeResponse: ${full('size', 'Response')},`,
    `    encodeResponse: ${full('encode', 'Response')},`,
    `    splicedRequest: ${full('spliced', 'Request')},`,
    `    splicedResponse: ${full('spliced', 'Response')},`,
    '  },',
  ];
}

function topLevelNames(name: string): string[] {
  return ['Request', 'Response'].flatMap((side) =>
    ['decode', 'size', 'encode', 'spliced', 'default'].map((kind) => `${kind}${name}${side}`),
  );
}

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
