// What zod's JSON Schema carries that tells a model nothing, removed before tools/list: the
// ±(2^53−1) bounds it puts on every integer (input and output), and in input schemas the
// `$schema` line, `propertyNames: {type: string}` on records (JSON keys are strings anyway),
// `additionalProperties: {}` (the default) and `additionalProperties: false` (unknown arguments are
// refused by name when called, errors.ts), and string length bounds (`minLength`, `maxLength`: they
// guard the server against oversized requests, a model never comes near them, and a violation is
// named when called). Every tool's schema pays these on every turn of a model.
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function noise(key: string, value: unknown, input: boolean): boolean {
  if ((key === 'minimum' && value === -MAX_SAFE) || (key === 'maximum' && value === MAX_SAFE)) return true;
  if (!input) return false;
  if (key === '$schema' || key === 'minLength' || key === 'maxLength') return true;
  if (key === 'additionalProperties') {
    return value === false || (isObject(value) && Object.keys(value).length === 0);
  }
  return (
    key === 'propertyNames' && isObject(value) && value.type === 'string' && Object.keys(value).length === 1
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A copy of `schema` without the noise above; `input` says which rules apply. */
export function compactSchema<T>(schema: T, input: boolean): T {
  if (Array.isArray(schema)) return schema.map((s: unknown) => compactSchema(s, input)) as T;
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // `properties` maps argument names to schemas: its keys are names, never keywords.
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactSchema(v, input)]));
    } else if (!noise(key, value, input)) out[key] = compactSchema(value, input);
  }
  return input ? typeUnion(out) : (out as T);
}

/**
 * `anyOf: [{type: "string"}, {type: "null"}]` (what zod writes for nullable and union types) as
 * the equivalent `type: ["string", "null"]`; a branch's own description goes when the union has
 * one. Branches with any other keyword stay an anyOf.
 */
function typeUnion<T>(node: Record<string, unknown>): T {
  const branches = node.anyOf;
  if (!Array.isArray(branches) || node.type !== undefined) return node as T;
  const types: string[] = [];
  for (const b of branches) {
    if (!isObject(b) || b.type === undefined) return node as T;
    const extra = Object.keys(b).filter((k) => k !== 'type' && !(k === 'description' && node.description));
    if (extra.length > 0) return node as T;
    types.push(...(Array.isArray(b.type) ? (b.type as string[]) : [b.type as string]));
  }
  const { anyOf: _dropped, ...rest } = node;
  return { ...rest, type: [...new Set(types)] } as T;
}
