// Per-field facts the emitters need, worked out once for the span of versions being generated:
// in which versions the field is a regular field or a tagged one, whether it can be null, how
// it is typed in TypeScript, and its default value (what decode yields when it is absent).
import type { ElementType, FieldModel, FieldType, MessageModel } from './schema.js';
import { intersect, spanRange, subtractSuffix, versionCondition, type Span } from './versions.js';

export interface FieldPlan {
  field: FieldModel;
  /** Condition for the field being written in the struct body. */
  regular: string;
  /** Condition for the field living in the tagged section. */
  tagged: string;
  /** Whether the TypeScript type admits null. */
  nullable: boolean;
  /** Condition (among versions with the field) under which null may go on the wire. */
  nullAllowed: string;
  /** Expression telling whether this field uses compact encoding. */
  compact: string;
  tsType: string;
  defaultExpr: string;
}

/** The expression generated code uses for "this version is flexible": a constant or the local `flexible`. */
export function flexibleExpr(message: MessageModel, span: Span): string {
  const condition = versionCondition(message.flexible, span);
  return condition === 'true' || condition === 'false' ? condition : 'flexible';
}

export function planField(field: FieldModel, message: MessageModel, span: Span): FieldPlan {
  const where = `${message.name}.${field.name}`;
  const present = intersect(field.versions, spanRange(span));
  const nullable = intersect(field.nullable, present) !== null;
  const flexibleRange = intersect(message.flexible, spanRange(span));
  const flexibleSpan = flexibleRange === null ? null : { min: flexibleRange.lo, max: flexibleRange.hi };
  const compact =
    field.flexibleOverride === undefined ? flexibleExpr(message, span) : versionCondition(field.flexibleOverride, span);
  return {
    field,
    regular: versionCondition(subtractSuffix(field.versions, field.tagged, where), span),
    // Tagged fields are only looked at inside `if (flexible)`, so judge against flexible versions alone.
    tagged: flexibleSpan === null ? 'false' : versionCondition(intersect(field.versions, field.tagged), flexibleSpan),
    nullable,
    // Only evaluated where the field is on the wire, so judge it against those versions alone.
    nullAllowed: present === null ? 'false' : versionCondition(field.nullable, { min: present.lo, max: present.hi }),
    compact,
    tsType: tsTypeOf(field.type) + (nullable ? ' | null' : ''),
    defaultExpr: defaultExpression(field, nullable, where),
  };
}

export function tsTypeOf(type: FieldType): string {
  if (type.kind === 'array') return `${tsElementType(type.element)}[]`;
  return tsElementType(type);
}

/**
 * int64 fields are typed `number`, not `bigint`: offsets, timestamps and producer ids all fit
 * in 2^53, and numbers are far cheaper to decode and use. Exceptions needing bigint: none.
 * (Reader.int64AsNumber rounds beyond 2^53; Writer.int64FromNumber clamps to Long.MIN/MAX.)
 */
function tsElementType(type: ElementType): string {
  if (type.kind === 'struct') return type.name;
  switch (type.name) {
    case 'bool':
      return 'boolean';
    case 'string':
    case 'uuid':
      return 'string';
    case 'bytes':
    case 'records':
      return 'Buffer';
    default:
      return 'number';
  }
}

function defaultExpression(field: FieldModel, nullable: boolean, where: string): string {
  const given = field.defaultValue;
  if (given === 'null') {
    if (!nullable) throw new Error(`${where}: default null on a field that is never nullable`);
    return 'null';
  }
  const type = field.type;
  if (type.kind === 'array') {
    if (given !== undefined && given !== '') throw new Error(`${where}: unsupported array default ${String(given)}`);
    return '[]';
  }
  if (type.kind === 'struct') return `default${type.name}()`;
  return primitiveDefault(type.name, given, nullable, where);
}

function primitiveDefault(name: string, given: string | number | boolean | undefined, nullable: boolean, where: string): string {
  switch (name) {
    case 'bool':
      return given === undefined ? 'false' : String(given === true || given === 'true');
    case 'string':
      return singleQuoted(given === undefined ? '' : String(given));
    case 'uuid':
      if (given !== undefined) throw new Error(`${where}: unsupported uuid default`);
      return 'ZERO_UUID';
    case 'bytes':
      return 'EMPTY_BYTES';
    case 'records':
      return nullable ? 'null' : 'EMPTY_BYTES';
    default: {
      const value = given === undefined ? 0 : Number(given);
      if (!Number.isFinite(value)) throw new Error(`${where}: bad numeric default ${String(given)}`);
      return String(value);
    }
  }
}

/**
 * Condition under which a tagged field differs from its default (and so is written). Structs
 * compare field by field through their generated isDefault function, as Kafka's equals() does.
 */
export function differsFromDefault(plan: FieldPlan, value: string): string {
  const type = plan.field.type;
  const d = plan.defaultExpr;
  if (d === 'null') return `${value} !== null`;
  if (type.kind === 'struct') return `!isDefault${type.name}(${value})`;
  const isSized = type.kind === 'array' || type.name === 'bytes' || type.name === 'records';
  if (isSized) return plan.nullable ? `(${value} === null || ${value}.length !== 0)` : `${value}.length !== 0`;
  return `${value} !== ${d}`;
}

function singleQuoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
