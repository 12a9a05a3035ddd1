// Builds sample messages straight from the JSON specs, independently of the generated code:
// every field present in the version gets a non-default value (or null, in 'nulls' mode, where
// the version allows it), every absent field gets the spec's default. Round-trip tests encode
// these with the generated codec and expect to decode the same object back.
import { loadMessage, type FieldModel, type MessageModel, type PrimitiveName, type StructModel } from '../../scripts/generate-protocol/schema.js';
import { contains } from '../../scripts/generate-protocol/versions.js';
import { SPEC_DIR } from '../../scripts/generate-protocol.js';

export type SampleMode = 'values' | 'nulls';
export type Sample = Record<string, unknown>;

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const cache = new Map<string, MessageModel>();

export function specFor(messageName: string): MessageModel {
  let message = cache.get(messageName);
  if (message === undefined) {
    message = loadMessage(SPEC_DIR, messageName);
    cache.set(messageName, message);
  }
  return message;
}

export function sampleMessage(messageName: string, version: number, mode: SampleMode): Sample {
  const message = specFor(messageName);
  const counter = { next: 1 };
  return sampleStruct(message.root, message, version, mode, counter);
}

function sampleStruct(struct: StructModel, message: MessageModel, version: number, mode: SampleMode, counter: { next: number }): Sample {
  const out: Sample = {};
  for (const field of struct.fields) {
    out[field.prop] = contains(field.versions, version)
      ? sampleValue(field, message, version, mode, counter)
      : defaultValue(field, message);
  }
  return out;
}

function sampleValue(field: FieldModel, message: MessageModel, version: number, mode: SampleMode, counter: { next: number }): unknown {
  const k = counter.next++;
  if (mode === 'nulls' && contains(field.nullable, version)) return null;
  const type = field.type;
  if (type.kind === 'struct') return sampleStruct(structOf(message, type.name), message, version, mode, counter);
  if (type.kind === 'array') {
    const length = mode === 'nulls' ? 1 : 2;
    const element = type.element;
    return Array.from({ length }, (_, i) =>
      element.kind === 'struct'
        ? sampleStruct(structOf(message, element.name), message, version, mode, counter)
        : samplePrimitive(element.name, k * 10 + i, field.defaultValue),
    );
  }
  return samplePrimitive(type.name, k, field.defaultValue);
}

/** A value of the type that differs from any default the specs use, varied by k. */
function samplePrimitive(name: PrimitiveName, k: number, given: unknown): unknown {
  switch (name) {
    case 'bool':
      return !(given === true || given === 'true');
    case 'int8':
      return (k % 100) + 2;
    case 'int16':
      return k % 2 === 0 ? 1000 + k : -1000 - k;
    case 'uint16':
      return 65_000 + (k % 500);
    case 'int32':
      return k % 2 === 0 ? 100_000 + k : -100_000 - k;
    case 'uint32':
      return 4_000_000_000 + k;
    case 'int64':
      // Beyond 32 bits, and negative half the time, to exercise both int64 halves.
      return (k % 2 === 0 ? 1 : -1) * (2 ** 40 + k);
    case 'float64':
      return k + 0.5;
    case 'uuid':
      return Buffer.alloc(16, k + 1).toString('base64url');
    case 'string':
      // Every fifth string is long enough to need a two-byte compact length; all carry multi-byte UTF-8.
      return k % 5 === 0 ? `long-${k}-${'ü€😀'.repeat(40)}` : `s${k}-ü€😀`;
    case 'bytes':
    case 'records':
      return Buffer.from(Array.from({ length: (k % 7) + 1 }, (_, i) => (k + i) & 0xff));
  }
}

/** The value a field takes when it is not on the wire, per NOTES.md §3.3 and Kafka's generator. */
export function defaultValue(field: FieldModel, message: MessageModel): unknown {
  const given = field.defaultValue;
  if (given === 'null') return null;
  const type = field.type;
  if (type.kind === 'array') return [];
  if (type.kind === 'struct') {
    const struct = structOf(message, type.name);
    return Object.fromEntries(struct.fields.map((f) => [f.prop, defaultValue(f, message)]));
  }
  switch (type.name) {
    case 'bool':
      return given === true || given === 'true';
    case 'string':
      return given === undefined ? '' : String(given);
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return given === undefined ? 0 : Number(given);
  }
}

function structOf(message: MessageModel, name: string): StructModel {
  const struct = message.structs.get(name);
  if (struct === undefined) throw new Error(`${message.name}: no struct ${name}`);
  return struct;
}
