// Emits the records walkers: `splicedX(s, version, min)` adds up the records fields of at least
// `min` bytes that encodeX would write, so a Writer can leave those out of the buffer it fills
// and hand them to the socket as they are (see Writer.records). Only structs that can hold a
// records field get a walker; every top-level message gets one (returning 0 when it has none),
// so the codec table has the same entries for every API.
import { planField } from './plan.js';
import { nestedStructOf as nestedStruct, structNamed } from './reach.js';
import type { FieldType, MessageModel, StructModel } from './schema.js';
import { guarded, type Span } from './versions.js';

/** Names of the structs of `message` that hold a records field, directly or through nested structs. */
export function structsWithRecords(message: MessageModel): Set<string> {
  const holding = new Set<string>();
  const holds = (struct: StructModel, visiting: Set<string>): boolean => {
    if (holding.has(struct.name)) return true;
    if (visiting.has(struct.name)) return false;
    visiting.add(struct.name);
    const found = struct.fields.some((field) => {
      const nested = nestedStruct(field.type);
      return isRecords(field.type) || (nested !== null && holds(structNamed(message, nested), visiting));
    });
    if (found) holding.add(struct.name);
    return found;
  };
  for (const struct of [message.root, ...message.structs.values()]) holds(struct, new Set());
  return holding;
}

export function emitSplicedStruct(struct: StructModel, message: MessageModel, span: Span, exported: boolean, holding: Set<string>): string[] {
  const head = `${exported ? 'export ' : ''}function spliced${struct.name}`;
  if (!holding.has(struct.name)) return [`${head}(_s: ${struct.name}, _version: number, _min: number): number {`, '  return 0;', '}'];
  const lines = [`${head}(s: ${struct.name}, version: number, min: number): number {`, '  let bytes = 0;'];
  for (const field of struct.fields) {
    const plan = planField(field, message, span);
    const value = `s.${field.prop}`;
    const nested = nestedStruct(field.type);
    const carries = isRecords(field.type) || (nested !== null && holding.has(nested));
    if (!carries) continue;
    if (plan.tagged !== 'false') throw new Error(`${message.name}.${field.name}: records inside a tagged field cannot be spliced`);
    lines.push(...guarded(plan.regular, walk(field.type, value, plan.nullable), '  '));
  }
  lines.push('  return bytes;', '}');
  return lines;
}

function walk(type: FieldType, value: string, nullable: boolean): string[] {
  const present = (test: string): string => (nullable ? `${value} !== null && ${test}` : test);
  if (isRecords(type)) return [`if (${present(`${value}.length >= min`)}) bytes += ${value}.length;`];
  if (type.kind === 'struct') return [`bytes += spliced${type.name}(${value}, version, min);`];
  const element = nestedStruct(type) as string;
  const loop = `for (let i = 0; i < ${value}.length; i++) bytes += spliced${element}(${value}[i], version, min);`;
  return nullable ? [`if (${value} !== null) ${loop}`] : [loop];
}

function isRecords(type: FieldType): boolean {
  return type.kind === 'primitive' && type.name === 'records';
}
