// Emits the write side: `sizeX` computes the exact encoded size (and rejects nulls a version
// cannot carry), `encodeX` fills a Writer with exactly that many bytes. Tagged fields are written
// only when they differ from their default, in ascending tag order.
import { primitiveArrayName } from './emit-decode.js';
import { differsFromDefault, flexibleExpr, planField, type FieldPlan } from './plan.js';
import type { FieldType, MessageModel, StructModel } from './schema.js';
import { guarded, versionCondition, type Span } from './versions.js';

const FIXED_WIDTH: Record<string, number> = {
  bool: 1, int8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, float64: 8, uuid: 16,
};

export function fixedWidth(type: FieldType): number | undefined {
  return type.kind === 'primitive' ? FIXED_WIDTH[type.name] : undefined;
}

export function emitEncodeStruct(struct: StructModel, message: MessageModel, span: Span, exported: boolean): string[] {
  const plans = struct.fields.map((f) => planField(f, message, span));
  const flexible = flexibleExpr(message, span);
  const lines = [`${exported ? 'export ' : ''}function encode${struct.name}(w: Writer, s: ${struct.name}, version: number): void {`];
  if (flexible === 'flexible') lines.push(`  const flexible = ${versionCondition(message.flexible, span)};`);
  for (const plan of plans) lines.push(...guarded(plan.regular, [writeStatement(plan, `s.${plan.field.prop}`)], '  '));
  lines.push(...guarded(flexible, taggedWrites(plans), '  '), '}');
  return lines;
}

export function emitSizeStruct(struct: StructModel, message: MessageModel, span: Span, exported: boolean): string[] {
  const plans = struct.fields.map((f) => planField(f, message, span));
  const flexible = flexibleExpr(message, span);
  const lines = [`${exported ? 'export ' : ''}function size${struct.name}(s: ${struct.name}, version: number): number {`];
  if (flexible === 'flexible') lines.push(`  const flexible = ${versionCondition(message.flexible, span)};`);
  let constant = 0;
  const body: string[] = [];
  for (const plan of plans) {
    const value = `s.${plan.field.prop}`;
    if (plan.nullable && plan.nullAllowed !== 'true') {
      const when = and(and(plan.regular, not(plan.nullAllowed)), `${value} === null`);
      body.push(`  if (${when}) throw nullNotAllowed('${struct.name}.${plan.field.name}', version);`);
    }
    const width = fixedWidth(plan.field.type);
    if (width !== undefined && plan.regular === 'true') constant += width;
    else body.push(...guarded(plan.regular, [`size += ${sizeExpression(plan, value)};`], '  '));
  }
  lines.push(`  let size = ${constant};`, ...body, ...guarded(flexible, taggedSizes(plans), '  '), '  return size;', '}');
  return lines;
}

/** Array writers/sizers for a struct used as an array element. */
export function emitStructArrayWriters(struct: StructModel, message: MessageModel, span: Span): string[] {
  const n = struct.name;
  const compact = versionCondition(message.flexible, span);
  return [
    `function write${n}Array(w: Writer, a: ${n}[] | null, version: number): void {`,
    `  const compact = ${compact};`,
    '  if (a === null) return w.arrayCount(-1, compact);',
    '  w.arrayCount(a.length, compact);',
    `  for (let i = 0; i < a.length; i++) encode${n}(w, a[i], version);`,
    '}',
    '',
    `function size${n}Array(a: ${n}[] | null, version: number): number {`,
    `  const compact = ${compact};`,
    '  if (a === null) return sizeOfArrayCount(-1, compact);',
    '  let size = sizeOfArrayCount(a.length, compact);',
    `  for (let i = 0; i < a.length; i++) size += size${n}(a[i], version);`,
    '  return size;',
    '}',
  ];
}

/** `isDefaultX`: whether a struct equals its default (tagged struct fields are only written when not). */
export function emitIsDefault(struct: StructModel, message: MessageModel, span: Span): string[] {
  const plans = struct.fields.map((f) => planField(f, message, span));
  return [
    `function isDefault${struct.name}(s: ${struct.name}): boolean {`,
    ...plans.map((p) => `  if (${differsFromDefault(p, `s.${p.field.prop}`)}) return false;`),
    '  return true;',
    '}',
  ];
}

function taggedFields(plans: FieldPlan[]): FieldPlan[] {
  return plans.filter((p) => p.tagged !== 'false').sort((a, b) => (a.field.tag ?? 0) - (b.field.tag ?? 0));
}

function taggedWrites(plans: FieldPlan[]): string[] {
  const tagged = taggedFields(plans);
  if (tagged.length === 0) return ['w.uvarint(0);'];
  const lines = ['let tagCount = 0;'];
  for (const p of tagged) lines.push(`if (${writtenWhen(p)}) tagCount++;`);
  lines.push('w.uvarint(tagCount);');
  for (const p of tagged) {
    const value = `s.${p.field.prop}`;
    const asTagged = { ...p, compact: 'true' };
    lines.push(
      `if (${writtenWhen(p)}) {`,
      `  w.taggedFieldHeader(${p.field.tag}, ${sizeExpression(asTagged, value)});`,
      `  ${writeStatement(asTagged, value)}`,
      '}',
    );
  }
  return lines;
}

function taggedSizes(plans: FieldPlan[]): string[] {
  const tagged = taggedFields(plans);
  if (tagged.length === 0) return ['size += 1;'];
  const lines = ['let tagCount = 0;'];
  for (const p of tagged) {
    const value = `s.${p.field.prop}`;
    lines.push(
      `if (${writtenWhen(p)}) {`,
      '  tagCount++;',
      `  size += sizeOfTaggedField(${p.field.tag}, ${sizeExpression({ ...p, compact: 'true' }, value)});`,
      '}',
    );
  }
  lines.push('size += sizeOfUvarint(tagCount);');
  return lines;
}

function writtenWhen(plan: FieldPlan): string {
  return and(plan.tagged, differsFromDefault(plan, `s.${plan.field.prop}`));
}

function writeStatement(plan: FieldPlan, value: string): string {
  const type = plan.field.type;
  const c = plan.compact;
  if (type.kind === 'struct') return `encode${type.name}(w, ${value}, version);`;
  if (type.kind === 'array') {
    const element = type.element;
    if (element.kind === 'struct') return `write${element.name}Array(w, ${value}, version);`;
    return `write${primitiveArrayName(element.name)}Array(w, ${value}, ${c});`;
  }
  switch (type.name) {
    case 'string':
      return plan.nullable ? `w.nullableString(${value}, ${c});` : `w.string(${value}, ${c});`;
    case 'bytes':
      return plan.nullable ? `w.nullableBytes(${value}, ${c});` : `w.bytes(${value}, ${c});`;
    case 'records':
      return `w.records(${value}, ${c});`;
    case 'int64':
      return `w.int64FromNumber(${value});`;
    default:
      return `w.${type.name}(${value});`;
  }
}

function sizeExpression(plan: FieldPlan, value: string): string {
  const type = plan.field.type;
  const c = plan.compact;
  const width = fixedWidth(type);
  if (width !== undefined) return String(width);
  if (type.kind === 'struct') return `size${type.name}(${value}, version)`;
  if (type.kind === 'array') {
    const element = type.element;
    if (element.kind === 'struct') return `size${element.name}Array(${value}, version)`;
    return `sizeOf${primitiveArrayName(element.name)}Array(${value}, ${c})`;
  }
  if (type.name === 'string') return plan.nullable ? `sizeOfNullableString(${value}, ${c})` : `sizeOfString(${value}, ${c})`;
  return plan.nullable ? `sizeOfNullableBytes(${value}, ${c})` : `sizeOfBytes(${value}, ${c})`;
}

function and(a: string, b: string): string {
  if (a === 'true') return b;
  if (b === 'true') return a;
  if (a === 'false' || b === 'false') return 'false';
  return `${a} && ${b}`;
}

function not(condition: string): string {
  if (condition === 'true') return 'false';
  if (condition === 'false') return 'true';
  const simple = /^version (>=|<=|===) (\d+)$/.exec(condition);
  if (simple !== null) return `version ${INVERSE[simple[1]]} ${simple[2]}`;
  return `!(${condition})`;
}

const INVERSE: Record<string, string> = { '>=': '<', '<=': '>', '===': '!==' };
