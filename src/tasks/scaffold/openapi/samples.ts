// Example values for generated test cases: the document's own examples first (`example`,
// `examples`, `default`, `const`, the first enum value), and only where it has none a plain
// value made up from the schema's type and bounds. Recursive schemas stop after a few levels.
import { isObject, type Json, type JsonObject } from './document.ts';

const MAX_DEPTH = 4;

/** The first value of an OpenAPI `example` / `examples` pair (examples may be Example objects). */
export function documentedExample(
  holder: JsonObject,
  follow: (v: Json) => Json | undefined,
): Json | undefined {
  if (holder.example !== undefined) return holder.example;
  return namedExamples(holder, follow)[0]?.value;
}

/** OpenAPI's `examples` map (name → Example object with `value`), $refs followed. */
export function namedExamples(
  holder: JsonObject,
  follow: (v: Json) => Json | undefined,
): { name: string; summary?: string; value: Json }[] {
  if (!isObject(holder.examples)) return [];
  const out: { name: string; summary?: string; value: Json }[] = [];
  for (const [name, raw] of Object.entries(holder.examples)) {
    const ex = follow(raw);
    if (!isObject(ex) || ex.value === undefined) continue; // externalValue examples are not fetched
    out.push({ name, value: ex.value, ...(typeof ex.summary === 'string' ? { summary: ex.summary } : {}) });
  }
  return out;
}

/** A value the schema accepts, as far as a simple walk can tell; `root` holds `$defs`/`definitions`. */
export function sampleValue(schema: Json | undefined, root: JsonObject, depth = 0): Json {
  if (!isObject(schema)) return 'example';
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop() ?? '';
    const defs = isObject(root.$defs) ? root.$defs : isObject(root.definitions) ? root.definitions : {};
    return depth >= MAX_DEPTH ? null : sampleValue(defs[name], root, depth + 1);
  }
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0]!;
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0]!;
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((s) => sampleValue(s, root, depth + 1));
    if (parts.every(isObject)) return Object.assign({}, ...parts) as JsonObject;
    return parts[0] ?? null;
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return sampleValue(options[0], root, depth + 1);
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((t) => t !== 'null') ?? (isObject(schema.properties) ? 'object' : types[0]);
  switch (type) {
    case 'object':
      return sampleObject(schema, root, depth);
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      if (depth >= MAX_DEPTH && min === 0) return [];
      const item = sampleValue(schema.items, root, depth + 1);
      return Array.from({ length: Math.max(1, min) }, () => item);
    }
    case 'integer':
    case 'number':
      return sampleNumber(schema, type === 'integer');
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string':
      return sampleString(schema);
    default:
      return isObject(schema.properties) ? sampleObject(schema, root, depth) : 'example';
  }
}

function sampleObject(schema: JsonObject, root: JsonObject, depth: number): JsonObject {
  const props = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const out: JsonObject = {};
  for (const [name, sub] of Object.entries(props)) {
    // Optional properties appear when the document shows a value for them.
    const shown = isObject(sub) && (sub.example !== undefined || sub.default !== undefined);
    if (required.has(name) || (shown && depth < MAX_DEPTH)) out[name] = sampleValue(sub, root, depth + 1);
  }
  return out;
}

function sampleNumber(schema: JsonObject, integer: boolean): number {
  const num = (k: string): number | undefined => (typeof schema[k] === 'number' ? schema[k] : undefined);
  let value = num('minimum') ?? (num('exclusiveMinimum') !== undefined ? num('exclusiveMinimum')! + 1 : 1);
  const max =
    num('maximum') ?? (num('exclusiveMaximum') !== undefined ? num('exclusiveMaximum')! - 1 : undefined);
  if (max !== undefined && value > max) value = max;
  return integer ? Math.ceil(value) : value;
}

const FORMATS: Readonly<Record<string, string>> = {
  'date-time': '2024-01-01T12:00:00Z',
  date: '2024-01-01',
  time: '12:00:00Z',
  email: 'user@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
};

function sampleString(schema: JsonObject): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  let value = format ?? 'example';
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
  while (value.length < min) value += 'x';
  if (max !== undefined && value.length > max) value = value.slice(0, max);
  return value;
}
