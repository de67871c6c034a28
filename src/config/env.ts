// Environment overrides by one rule: `RATCHET_` + the key path upper-cased, levels joined by `__`
// (RATCHET_SERVER__PORT=9000, RATCHET_EXECUTION__MAX_EXECUTION_DURATION=60). The key path is found by
// walking the schema case-insensitively, and the string is parsed as that key's type. Variables not of
// the `RATCHET_<SECTION>__…` shape belong to someone else and are ignored, except the documented
// shortcut RATCHET_DATABASE_URL (= server.database.url).
import type { z } from 'zod';
import { type ConfigIssue, dottedPath, closest, showValue } from './errors.ts';
import {
  arrayElement,
  describeType,
  enumValues,
  kindOf,
  objectShape,
  unionOptions,
  unwrap,
} from './introspect.ts';

export interface EnvOverride {
  variable: string;
  path: string[];
  /** `undefined` removes an optional key (an empty variable unsets it). */
  value: unknown;
}

export const DATABASE_URL_SHORTCUT = 'RATCHET_DATABASE_URL';
const NESTED = /^RATCHET_[A-Za-z0-9_]*?[A-Za-z0-9]__/;

/** The variable that sets a key path under the rule, e.g. ["server","port"] → RATCHET_SERVER__PORT. */
export function envVariableFor(path: readonly string[]): string {
  return `RATCHET_${path.map((p) => p.toUpperCase()).join('__')}`;
}

/**
 * Collects the overrides in application order: the shortcut first, then shallower paths before deeper
 * ones (so RATCHET_SERVER__DATABASE__URL refines a RATCHET_SERVER__DATABASE JSON object), by name.
 */
export function collectEnvOverrides(
  env: NodeJS.ProcessEnv,
  root: z.ZodType,
): { overrides: EnvOverride[]; issues: ConfigIssue[] } {
  const overrides: EnvOverride[] = [];
  const issues: ConfigIssue[] = [];
  const shortcut = env[DATABASE_URL_SHORTCUT];
  if (shortcut !== undefined && shortcut !== '') {
    overrides.push({ variable: DATABASE_URL_SHORTCUT, path: ['server', 'database', 'url'], value: shortcut });
  }
  const nested: EnvOverride[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    if (raw === undefined || !NESTED.test(variable)) continue;
    const resolved = resolveVariable(variable, root);
    if ('issue' in resolved) {
      issues.push(resolved.issue);
      continue;
    }
    const parsed = parseEnvValue(raw, resolved.schema);
    if ('error' in parsed) {
      issues.push({
        path: dottedPath(resolved.path),
        message: `${parsed.error} (got ${showValue(raw)}, expected ${describeType(resolved.schema)})`,
        value: raw,
        source: variable,
      });
      continue;
    }
    nested.push({
      variable,
      path: resolved.path,
      value: raw === '' && unwrap(resolved.schema).optional ? undefined : parsed.value,
    });
  }
  nested.sort((a, b) => a.path.length - b.path.length || a.variable.localeCompare(b.variable));
  return { overrides: [...overrides, ...nested], issues };
}

function resolveVariable(
  variable: string,
  root: z.ZodType,
): { path: string[]; schema: z.ZodType } | { issue: ConfigIssue } {
  const segments = variable.slice('RATCHET_'.length).split('__');
  const path: string[] = [];
  let schema: z.ZodType = root;
  for (const segment of segments) {
    const shape = objectShape(schema);
    if (!shape) {
      const what =
        kindOf(schema) === 'array' ? 'a list: set the whole list as JSON with' : 'not a section: set it with';
      return fail(variable, path, `${dottedPath(path)} is ${what} ${envVariableFor(path)}`);
    }
    const keys = Object.keys(shape);
    const key = keys.find((k) => k.toLowerCase() === segment.toLowerCase());
    if (!key || segment === '') {
      const guess = closest(segment, keys);
      const unknown = dottedPath([...path, segment.toLowerCase()]);
      const hint = guess
        ? `did you mean ${envVariableFor([...path, guess])}?`
        : `expected one of: ${keys.join(', ')}`;
      return fail(
        variable,
        [...path, segment.toLowerCase()],
        `names no configuration key: "${unknown}" (${hint})`,
      );
    }
    path.push(key);
    schema = shape[key]!;
  }
  return { path, schema };
}

function fail(variable: string, path: string[], message: string): { issue: ConfigIssue } {
  return { issue: { path: dottedPath(path), message, source: variable } };
}

type Parsed = { value: unknown } | { error: string };

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Parses an environment string as the type `schema` expects. */
export function parseEnvValue(raw: string, schema: z.ZodType): Parsed {
  const text = raw.trim();
  switch (kindOf(schema)) {
    case 'string':
      return { value: raw };
    case 'number':
      return NUMBER.test(text) ? { value: Number(text) } : { error: 'not a number' };
    case 'boolean': {
      const lower = text.toLowerCase();
      if (TRUE.includes(lower)) return { value: true };
      if (FALSE.includes(lower)) return { value: false };
      return { error: 'not a boolean (use true/false, 1/0 or yes/no)' };
    }
    case 'enum':
    case 'literal': {
      const match = enumValues(schema).find((v) => String(v).toLowerCase() === text.toLowerCase());
      return match === undefined ? { error: 'not an accepted value' } : { value: match };
    }
    case 'union':
      return parseUnion(raw, schema);
    case 'array':
      return parseArray(raw, schema);
    default:
      return parseJson(text, 'object');
  }
}

/** Tries the union's members, exact literals first and free-form strings last. */
function parseUnion(raw: string, schema: z.ZodType): Parsed {
  const order = ['literal', 'enum', 'boolean', 'number', 'array', 'object', 'string'];
  const options = [...unionOptions(schema)].sort(
    (a, b) => order.indexOf(kindOf(a)) - order.indexOf(kindOf(b)),
  );
  for (const option of options) {
    const parsed = parseEnvValue(raw, option);
    if ('value' in parsed) return parsed;
  }
  return { error: 'not an accepted value' };
}

/** A JSON array, or for lists of simple values a comma-separated list ("a.com, b.com"). */
function parseArray(raw: string, schema: z.ZodType): Parsed {
  const text = raw.trim();
  const element = arrayElement(schema);
  if (text.startsWith('[')) return parseJson(text, 'array');
  if (element && ['object', 'array', 'other'].includes(kindOf(element))) {
    return { error: 'not a JSON array' };
  }
  const items = text === '' ? [] : text.split(',').map((s) => s.trim());
  const values: unknown[] = [];
  for (const item of items) {
    const parsed = element ? parseEnvValue(item, element) : { value: item };
    if ('error' in parsed) return { error: `list item ${JSON.stringify(item)} is ${parsed.error}` };
    values.push(parsed.value);
  }
  return { value: values };
}

function parseJson(text: string, want: 'object' | 'array'): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `not valid JSON (${(err as Error).message})` };
  }
  const isArray = Array.isArray(value);
  const ok = want === 'array' ? isArray : value !== null && typeof value === 'object' && !isArray;
  return ok ? { value } : { error: `not a JSON ${want}` };
}

/** Sets `value` at `path` in a plain object tree, creating missing levels. */
export function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null) node[key] = {};
    else if (typeof next !== 'object' || Array.isArray(next)) return; // the file's own type error is reported
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}
