// Generates src/protocol/generated/ from Kafka's JSON message specs (scripts/kafka-specs/) for the
// APIs and version ranges in src/protocol/supported-apis.ts: one module per API with the request
// and response types plus decode/size/encode, headers.ts for the request/response headers, and
// index.ts with the API table. The output is committed; test/protocol/generated-fresh.test.ts
// fails when it is stale.
//
// Run: node --import tsx scripts/generate-protocol.ts [outDir]
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SUPPORTED_APIS, SUPPORTED_HEADERS } from '../src/protocol/supported-apis.js';
import { emitFile } from './generate-protocol/emit-file.js';
import { emitIndex, type IndexEntry } from './generate-protocol/emit-index.js';
import { loadMessage, type MessageModel } from './generate-protocol/schema.js';
import { contains, type Span } from './generate-protocol/versions.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SPEC_DIR = join(ROOT, 'scripts', 'kafka-specs');
export const GENERATED_DIR = join(ROOT, 'src', 'protocol', 'generated');

/** Renders every generated file: file name -> contents. */
export function renderProtocol(specDir: string = SPEC_DIR): Map<string, string> {
  const files = new Map<string, string>();
  const entries: IndexEntry[] = [];
  for (const api of SUPPORTED_APIS) {
    const span: Span = { min: api.minVersion, max: api.maxVersion };
    const request = loadChecked(specDir, `${api.name}Request`, span, api.apiKey);
    const response = loadChecked(specDir, `${api.name}Response`, span, api.apiKey);
    const module = kebab(api.name);
    files.set(`${module}.ts`, emitFile([{ message: request, span }, { message: response, span }]));
    entries.push({
      apiKey: api.apiKey,
      name: api.name,
      module,
      minVersion: api.minVersion,
      maxVersion: api.maxVersion,
      advertisedMinVersion: api.advertisedMinVersion ?? api.minVersion,
      flexibleFrom: request.flexible === null ? null : request.flexible.lo,
    });
  }
  const headers = Object.entries(SUPPORTED_HEADERS).map(([name, range]) => {
    const span: Span = { min: range.minVersion, max: range.maxVersion };
    return { message: loadChecked(specDir, name, span, null), span };
  });
  files.set('headers.ts', emitFile(headers));
  files.set('index.ts', emitIndex(entries));
  return files;
}

/** Writes the generated files into outDir, replacing whatever .ts files were there. */
export function generateProtocol(outDir: string = GENERATED_DIR, specDir: string = SPEC_DIR): string[] {
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir)) if (name.endsWith('.ts')) rmSync(join(outDir, name));
  const files = renderProtocol(specDir);
  for (const [name, text] of files) writeFileSync(join(outDir, name), text);
  return [...files.keys()];
}

function loadChecked(specDir: string, name: string, span: Span, apiKey: number | null): MessageModel {
  const message = loadMessage(specDir, name);
  if (message.apiKey !== apiKey) throw new Error(`${name}: apiKey ${message.apiKey}, expected ${apiKey}`);
  if (!contains(message.validVersions, span.min) || !contains(message.validVersions, span.max)) {
    throw new Error(`${name}: versions ${span.min}-${span.max} are not all valid in the spec`);
  }
  return message;
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = process.argv[2] === undefined ? GENERATED_DIR : resolve(process.argv[2]);
  const written = generateProtocol(outDir);
  console.log(`wrote ${written.length} files to ${outDir}`);
}
