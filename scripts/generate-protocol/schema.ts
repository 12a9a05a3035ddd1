// Loads Kafka's JSON message specs (scripts/kafka-specs/*.json, which carry // comments) into a
// small model the emitters walk. Only the keys with a wire effect are kept (NOTES.md §3.3);
// anything this generator cannot encode correctly makes it stop rather than guess.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRange, type Range } from './versions.js';

export const PRIMITIVES = [
  'bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'bytes', 'records', 'uuid',
] as const;
export type PrimitiveName = (typeof PRIMITIVES)[number];

export type ElementType = { kind: 'primitive'; name: PrimitiveName } | { kind: 'struct'; name: string };
export type FieldType = ElementType | { kind: 'array'; element: ElementType };

export interface FieldModel {
  /** Name in the schema, e.g. 'ErrorCode'. */
  name: string;
  /** Property name in TypeScript, e.g. 'errorCode'. */
  prop: string;
  about: string;
  type: FieldType;
  versions: Range;
  nullable: Range | null;
  tagged: Range | null;
  tag: number | null;
  /** The schema's `default`, as written (string, or occasionally a bare number/bool). */
  defaultValue: string | number | boolean | undefined;
  /** Field-level flexibleVersions override (RequestHeader.ClientId uses 'none'); undefined = the message's. */
  flexibleOverride: Range | null | undefined;
}

export interface StructModel {
  name: string;
  fields: FieldModel[];
}

export interface MessageModel {
  /** e.g. 'ProduceRequest'. */
  name: string;
  apiKey: number | null;
  kind: 'request' | 'response' | 'header';
  validVersions: Range;
  flexible: Range | null;
  root: StructModel;
  /** Every nested struct (inline and common) by name, in definition order. */
  structs: Map<string, StructModel>;
}

interface RawField {
  name: string;
  type: string;
  versions: string;
  about?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  flexibleVersions?: string;
  fields?: RawField[];
}

interface RawMessage {
  apiKey?: number;
  type: 'request' | 'response' | 'header';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: RawField[];
  commonStructs?: { name: string; versions: string; fields: RawField[] }[];
}

/** Removes // comments that are outside JSON strings (the specs are JSON plus line comments). */
export function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      if (c === '"') inString = true;
      out += c;
    }
  }
  return out;
}

export function loadMessage(specDir: string, messageName: string): MessageModel {
  const raw = JSON.parse(stripComments(readFileSync(join(specDir, `${messageName}.json`), 'utf8'))) as RawMessage;
  const structs = new Map<string, StructModel>();
  const common = new Map((raw.commonStructs ?? []).map((s) => [s.name, s]));
  const context = { message: raw.name, structs, common };
  const root: StructModel = { name: raw.name, fields: raw.fields.map((f) => toField(f, context)) };
  return {
    name: raw.name,
    apiKey: raw.apiKey ?? null,
    kind: raw.type,
    validVersions: mustRange(raw.validVersions, `${raw.name}.validVersions`),
    flexible: parseRange(raw.flexibleVersions),
    root,
    structs,
  };
}

interface Context {
  message: string;
  structs: Map<string, StructModel>;
  common: Map<string, { name: string; fields: RawField[] }>;
}

function toField(raw: RawField, context: Context): FieldModel {
  const where = `${context.message}.${raw.name}`;
  if (raw.tag !== undefined && raw.taggedVersions === undefined) throw new Error(`${where}: tag without taggedVersions`);
  const type = toFieldType(raw, context, where);
  return {
    name: raw.name,
    prop: raw.name.charAt(0).toLowerCase() + raw.name.slice(1),
    about: raw.about ?? '',
    type,
    versions: mustRange(raw.versions, `${where}.versions`),
    nullable: raw.nullableVersions === undefined ? null : parseRange(raw.nullableVersions),
    tagged: raw.taggedVersions === undefined ? null : parseRange(raw.taggedVersions),
    tag: raw.tag ?? null,
    defaultValue: raw.default,
    flexibleOverride: raw.flexibleVersions === undefined ? undefined : parseRange(raw.flexibleVersions),
  };
}

function toFieldType(raw: RawField, context: Context, where: string): FieldType {
  const isArray = raw.type.startsWith('[]');
  const base = isArray ? raw.type.slice(2) : raw.type;
  const element: ElementType = (PRIMITIVES as readonly string[]).includes(base)
    ? { kind: 'primitive', name: base as PrimitiveName }
    : { kind: 'struct', name: defineStruct(base, raw, context, where) };
  if (element.kind === 'primitive' && raw.fields !== undefined) throw new Error(`${where}: primitive with fields`);
  if (element.kind === 'struct' && !isArray && raw.nullableVersions !== undefined) {
    throw new Error(`${where}: nullable struct fields are not supported by this generator`);
  }
  return isArray ? { kind: 'array', element } : element;
}

/** Registers the struct a field refers to (inline fields or a commonStruct) and returns its name. */
function defineStruct(name: string, raw: RawField, context: Context, where: string): string {
  if (!/^[A-Z]\w*$/.test(name)) throw new Error(`${where}: unknown type ${raw.type}`);
  const fields = raw.fields ?? context.common.get(name)?.fields;
  if (fields === undefined) throw new Error(`${where}: struct ${name} has no fields and is not a commonStruct`);
  const existing = context.structs.get(name);
  if (existing !== undefined) {
    if (raw.fields !== undefined && !context.common.has(name)) throw new Error(`${where}: struct ${name} defined twice`);
    return name;
  }
  const struct: StructModel = { name, fields: [] };
  context.structs.set(name, struct);
  struct.fields = fields.map((f) => toField(f, context));
  return name;
}

function mustRange(text: string, where: string): Range {
  const range = parseRange(text);
  if (range === null) throw new Error(`${where}: empty version range`);
  return range;
}
