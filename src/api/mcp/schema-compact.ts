// What zod's JSON Schema carries that tells a model nothing, removed before tools/list: the
// ±(2^53−1) bounds it puts on every integer (input and output), and in input schemas the
// `$schema` line, `propertyNames: {type: string}` on records (JSON keys are strings anyway),
// `additionalProperties: {}` (the default) and `additionalProperties: false` (unknown arguments are
// refused by name when called, errors.ts). Every tool's schema pays these on every turn of a model.
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function noise(key: string, value: unknown, input: boolean): boolean {
  if ((key === 'minimum' && value === -MAX_SAFE) || (key === 'maximum' && value === MAX_SAFE)) return true;
  if (!input) return false;
  if (key === '$schema') return true;
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
  return out as T;
}
