// Where each nested struct can appear: the span of message versions that reach it (its functions
// are generated for that span only, so a struct that exists from v8 on needs no `version >= 8`
// tests), and the smallest number of bytes one element can take there. Array decoders refuse
// counts that could not fit in the bytes left at that size, which bounds both allocation and
// looping on hostile input.
import type { FieldModel, FieldType, MessageModel, StructModel } from './schema.js';
import { contains, type Span } from './versions.js';
import { fixedWidth } from './emit-encode.js';

export interface StructReach {
  /** Versions (of the message) in which the struct can occur. */
  span: Span;
  /** Fewest bytes one encoded element takes in those versions (at least 1). */
  minSize: number;
}

/** Reach of every struct that can occur in the span; structs that cannot are left out. */
export function structReach(message: MessageModel, span: Span): Map<string, StructReach> {
  const reachable = new Map<string, Set<number>>();
  const versions: number[] = [];
  for (let v = span.min; v <= span.max; v++) versions.push(v);
  visit(message.root, versions, message, reachable);

  const reach = new Map<string, StructReach>();
  for (const [name, inVersions] of reachable) {
    const struct = structNamed(message, name);
    const list = [...inVersions];
    const min = Math.min(...list.map((v) => minSize(struct, v, message)));
    if (min < 1) throw new Error(`${message.name}: struct ${name} can be empty on the wire; the array count guard needs a rule for it`);
    reach.set(name, { span: { min: Math.min(...list), max: Math.max(...list) }, minSize: min });
  }
  return reach;
}

function visit(struct: StructModel, versions: number[], message: MessageModel, reachable: Map<string, Set<number>>): void {
  for (const field of struct.fields) {
    const name = nestedStructName(field);
    if (name === null) continue;
    const seen = reachable.get(name) ?? new Set<number>();
    const added = versions.filter((v) => contains(field.versions, v) && !seen.has(v));
    if (added.length === 0) continue;
    for (const v of added) seen.add(v);
    reachable.set(name, seen);
    visit(structNamed(message, name), added, message, reachable);
  }
}

function minSize(struct: StructModel, version: number, message: MessageModel): number {
  const flexible = contains(message.flexible, version);
  let size = flexible ? 1 : 0; // the tagged-field section's count byte
  for (const field of struct.fields) {
    if (!contains(field.versions, version) || contains(field.tagged, version)) continue;
    const compact = field.flexibleOverride === undefined ? flexible : contains(field.flexibleOverride, version);
    size += minFieldSize(field, version, compact, message);
  }
  return size;
}

function minFieldSize(field: FieldModel, version: number, compact: boolean, message: MessageModel): number {
  const type = field.type;
  const width = fixedWidth(type);
  if (width !== undefined) return width;
  if (type.kind === 'array') return compact ? 1 : 4;
  if (type.kind === 'struct') return minSize(structNamed(message, type.name), version, message);
  if (type.name === 'string') return compact ? 1 : 2;
  return compact ? 1 : 4; // bytes, records
}

function nestedStructName(field: FieldModel): string | null {
  return nestedStructOf(field.type);
}

/** The struct a field of this type holds (itself or as array elements), or null. */
export function nestedStructOf(type: FieldType): string | null {
  if (type.kind === 'struct') return type.name;
  if (type.kind === 'array' && type.element.kind === 'struct') return type.element.name;
  return null;
}

export function structNamed(message: MessageModel, name: string): StructModel {
  const struct = message.structs.get(name);
  if (struct === undefined) throw new Error(`${message.name}: unknown struct ${name}`);
  return struct;
}
