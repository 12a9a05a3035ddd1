// Emits the TypeScript shape of each struct (with the schema's `about` text and the versions the
// field exists in) and a `defaultX()` factory: the values decode gives absent fields, and a
// convenient base when building a message (`{ ...defaultX(), field: value }`).
import { planField } from './plan.js';
import type { FieldModel, MessageModel, StructModel } from './schema.js';
import type { Range, Span } from './versions.js';

export function emitInterface(struct: StructModel, message: MessageModel, span: Span, about: string): string[] {
  const lines = [...docComment(about, ''), `export interface ${struct.name} {`];
  for (const field of struct.fields) {
    const plan = planField(field, message, span);
    lines.push(...docComment(`${field.about} (${versionNote(field)})`, '  '), `  ${field.prop}: ${plan.tsType};`);
  }
  lines.push('}');
  return lines;
}

export function emitDefaultFactory(struct: StructModel, message: MessageModel, span: Span): string[] {
  const plans = struct.fields.map((f) => planField(f, message, span));
  return [
    `/** ${struct.name} with every field at its default. */`,
    `export function default${struct.name}(): ${struct.name} {`,
    '  return {',
    ...plans.map((p) => `    ${p.field.prop}: ${p.defaultExpr},`),
    '  };',
    '}',
  ];
}

function versionNote(field: FieldModel): string {
  const notes = [formatRange(field.versions)];
  if (field.nullable !== null) notes.push(`nullable ${formatRange(field.nullable)}`);
  if (field.tagged !== null) notes.push(`tagged ${formatRange(field.tagged)}, tag ${field.tag}`);
  if (field.defaultValue !== undefined) notes.push(`default ${String(field.defaultValue)}`);
  return notes.join('; ');
}

export function formatRange(range: Range): string {
  if (range.hi === Infinity) return `v${range.lo}+`;
  return range.lo === range.hi ? `v${range.lo}` : `v${range.lo}-${range.hi}`;
}

function docComment(text: string, indent: string): string[] {
  const clean = text.replace(/\*\//g, '* /').trim();
  return clean === '' ? [] : [`${indent}/** ${clean} */`];
}
