// Emits decoders: one straight-line function per struct that builds the object literal in wire
// order (so every decoded object of a type has the same shape), then reads the tagged section.
// Reads never throw; the Reader's sticky error is checked by the caller once per message.
import { flexibleExpr, planField, type FieldPlan } from './plan.js';
import type { ElementType, MessageModel, StructModel } from './schema.js';
import { choose, guarded, versionCondition, type Span } from './versions.js';

export function emitDecodeStruct(struct: StructModel, message: MessageModel, span: Span, exported: boolean): string[] {
  const plans = struct.fields.map((f) => planField(f, message, span));
  const flexible = flexibleExpr(message, span);
  const lines = [`${exported ? 'export ' : ''}function decode${struct.name}(r: Reader, version: number): ${struct.name} {`];
  if (flexible === 'flexible') lines.push(`  const flexible = ${versionCondition(message.flexible, span)};`);
  lines.push(`  const s: ${struct.name} = {`);
  for (const plan of plans) lines.push(`    ${plan.field.prop}: ${choose(plan.regular, readExpression(plan), plan.defaultExpr)},`);
  lines.push('  };');
  lines.push(...guarded(flexible, taggedSection(plans), '  '));
  lines.push('  return s;', '}');
  return lines;
}

/** Reads one array of structs; null means a null array on the wire. */
export function emitReadStructArray(struct: StructModel, message: MessageModel, span: Span, minElementSize: number): string[] {
  const compact = versionCondition(message.flexible, span);
  return [
    `function read${struct.name}Array(r: Reader, version: number): ${struct.name}[] | null {`,
    `  const n = r.arrayCount(${compact}, ${minElementSize});`,
    '  if (n < 0) return null;',
    `  const out: ${struct.name}[] = [];`,
    `  for (let i = 0; i < n && r.error === null; i++) out.push(decode${struct.name}(r, version));`,
    '  return out;',
    '}',
  ];
}

function taggedSection(plans: FieldPlan[]): string[] {
  const tagged = plans.filter((p) => p.tagged !== 'false');
  if (tagged.length === 0) return ['r.skipTaggedFields();'];
  const lines = [
    'const tagCount = r.taggedFieldCount();',
    'for (let i = 0; i < tagCount && r.error === null; i++) {',
    '  const tag = r.uvarint();',
    '  const size = r.uvarint();',
    '  const end = r.offset + size;',
    '  switch (tag) {',
  ];
  for (const plan of [...tagged].sort((a, b) => (a.field.tag ?? 0) - (b.field.tag ?? 0))) {
    const read = [`s.${plan.field.prop} = ${readExpression({ ...plan, compact: 'true' })};`, 'r.endTaggedField(end, tag);'];
    lines.push(`    case ${plan.field.tag}:`);
    if (plan.tagged === 'true') lines.push(...read.map((l) => `      ${l}`));
    else lines.push(`      if (${plan.tagged}) {`, ...read.map((l) => `        ${l}`), '      } else r.skip(size);');
    lines.push('      break;');
  }
  lines.push('    default:', '      r.skip(size);', '  }', '}');
  return lines;
}

/** Expression reading the field's value in a version where it is on the wire. */
function readExpression(plan: FieldPlan): string {
  const type = plan.field.type;
  const c = plan.compact;
  if (type.kind === 'struct') return `decode${type.name}(r, version)`;
  if (type.kind === 'array') {
    const raw = readArray(type.element, c);
    const required = `r.required(${raw}, '${plan.field.name}')`;
    return plan.nullable ? choose(plan.nullAllowed, raw, required) : required;
  }
  switch (type.name) {
    case 'string':
      return plan.nullable ? choose(plan.nullAllowed, `r.nullableString(${c})`, `r.string(${c})`) : `r.string(${c})`;
    case 'bytes':
    case 'records':
      return plan.nullable ? choose(plan.nullAllowed, `r.nullableBytes(${c})`, `r.bytes(${c})`) : `r.bytes(${c})`;
    case 'int64':
      return 'r.int64AsNumber()';
    default:
      return `r.${type.name}()`;
  }
}

function readArray(element: ElementType, compact: string): string {
  if (element.kind === 'struct') return `read${element.name}Array(r, version)`;
  return `read${primitiveArrayName(element.name)}Array(r, ${compact})`;
}

/** The primitive-arrays.ts function family for an element type. */
export function primitiveArrayName(name: string): string {
  switch (name) {
    case 'int16':
      return 'Int16';
    case 'int32':
      return 'Int32';
    case 'int64':
      return 'Int64';
    case 'string':
      return 'String';
    case 'uuid':
      return 'Uuid';
    default:
      throw new Error(`arrays of ${name} are not supported`);
  }
}
