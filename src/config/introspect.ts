// Reading the zod schema as data: the environment loader needs each key's type to parse a string,
// error messages need "what was expected", and docs.ts renders every key. One walker serves all
// three so they cannot disagree.
import type { z } from 'zod';

type Schema = z.ZodType;

/** The parts of zod v4's internal `def` we read. */
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  element?: Schema;
  options?: Schema[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  shape?: Record<string, Schema>;
  defaultValue?: unknown;
}

const def = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

export interface Unwrapped {
  /** The schema under default/prefault/optional/nullable/pipe wrappers. */
  inner: Schema;
  optional: boolean;
  /** A default (or prefault) fills the key when it is absent. */
  hasDefault: boolean;
  /** The value of the outermost `.default()` (prefaults are parsed, so they are not reported). */
  defaultValue?: unknown;
  description?: string;
  secret: boolean;
}

/** Strips wrappers, collecting the first description and the `secret` mark found on the way down. */
export function unwrap(schema: Schema): Unwrapped {
  let s = schema;
  let optional = false;
  let hasDefault = false;
  let defaultValue: unknown;
  let description: string | undefined;
  let secret = false;
  for (;;) {
    description ??= s.description;
    if ((s.meta() as { secret?: boolean } | undefined)?.secret) secret = true;
    const d = def(s);
    if (d.type === 'optional' || d.type === 'nullable') optional = true;
    if (d.type === 'default' && !hasDefault) defaultValue = d.defaultValue;
    if (d.type === 'default' || d.type === 'prefault') hasDefault = true;
    if (
      ['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(d.type) &&
      d.innerType
    ) {
      s = d.innerType;
    } else if (d.type === 'pipe' && d.in) {
      s = d.in;
    } else {
      return { inner: s, optional, hasDefault, defaultValue, description, secret };
    }
  }
}

export type Kind =
  'object' | 'array' | 'string' | 'number' | 'boolean' | 'enum' | 'literal' | 'union' | 'other';

export function kindOf(schema: Schema): Kind {
  const t = def(unwrap(schema).inner).type;
  return (
    (['object', 'array', 'string', 'number', 'boolean', 'enum', 'literal', 'union'] as const).find(
      (k) => k === t,
    ) ?? 'other'
  );
}

export function objectShape(schema: Schema): Record<string, Schema> | undefined {
  const d = def(unwrap(schema).inner);
  return d.type === 'object' ? d.shape : undefined;
}

export function arrayElement(schema: Schema): Schema | undefined {
  const d = def(unwrap(schema).inner);
  return d.type === 'array' ? d.element : undefined;
}

export function unionOptions(schema: Schema): Schema[] {
  const d = def(unwrap(schema).inner);
  return d.type === 'union' ? (d.options ?? []) : [schema];
}

export function enumValues(schema: Schema): unknown[] {
  const d = def(unwrap(schema).inner);
  if (d.type === 'enum') return Object.values(d.entries ?? {});
  if (d.type === 'literal') return d.values ?? [];
  return [];
}

/** The schema of the value at `path` (array indexes step into the element schema). */
export function schemaAt(root: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let s: Schema | undefined = root;
  for (const key of path) {
    if (!s) return undefined;
    if (typeof key === 'number') s = arrayElement(s);
    else s = objectShape(s)?.[String(key)];
  }
  return s;
}

/** A short human description of what a schema accepts, for error messages and docs. */
export function describeType(schema: Schema): string {
  const { inner } = unwrap(schema);
  const d = def(inner);
  switch (d.type) {
    case 'string': {
      const str = inner as z.ZodString;
      return str.minLength && str.minLength > 0 ? 'non-empty string' : 'string';
    }
    case 'number': {
      const n = inner as z.ZodNumber;
      const base = n.isInt ? 'integer' : 'number';
      const min =
        n.minValue !== null && Number.isFinite(n.minValue) && Math.abs(n.minValue) < 2 ** 52
          ? n.minValue
          : null;
      const max =
        n.maxValue !== null && Number.isFinite(n.maxValue) && Math.abs(n.maxValue) < 2 ** 52
          ? n.maxValue
          : null;
      if (min !== null && max !== null) return `${base} ${min}–${max}`;
      if (min !== null) return `${base} ≥ ${min}`;
      if (max !== null) return `${base} ≤ ${max}`;
      return base;
    }
    case 'boolean':
      return 'boolean';
    case 'enum':
    case 'literal':
      return oneOf(enumValues(inner));
    case 'array': {
      const el = d.element ? describeType(d.element) : 'value';
      return el === 'object' ? 'list of objects' : `list of ${el}s`;
    }
    case 'union':
      return (d.options ?? []).map(describeType).join(' or ');
    case 'object':
      return 'object';
    default:
      return d.type;
  }
}

function oneOf(values: unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(', ')}`;
}
