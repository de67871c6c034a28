// Input fields a task's input schema marks `writeOnly: true` (the JSON Schema keyword) or
// `format: "password"` are secrets given to the run: the sandbox gets the real value, everything
// stored for people to read (execution and job inputs, every API answer, recordings) gets the mask.
// The schema is walked alongside the value: properties, patternProperties, additionalProperties,
// items/prefixItems, allOf/anyOf/oneOf, if/then/else and local `$ref`s (`#/definitions/…`,
// `#/$defs/…`), so a password nested in an array of objects is found too.

/** What a writeOnly value is stored and shown as, whatever its type. */
export const WRITE_ONLY_MASK = '********';

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const marked = (s: Schema): boolean => s.writeOnly === true || s.format === 'password';

// Most schemas mark nothing; knowing that once per schema keeps enqueue and execute at full speed.
const marksSomething = new WeakMap<object, boolean>();

/** True when the schema marks any field writeOnly or `format: password`. */
export function hasWriteOnlyFields(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  let known = marksSomething.get(schema);
  if (known === undefined) {
    known = /"writeOnly":true|"format":"password"/.test(JSON.stringify(schema));
    marksSomething.set(schema, known);
  }
  return known;
}

function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return isObject(node) ? node : undefined;
}

function collect(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) collect(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) collect(v, out);
}

class Masker {
  readonly secrets: string[] = [];
  /** Values replaced (a value that already was the mask does not count). */
  replaced = 0;
  /** JSON paths (`$.a[0].b`) of values that already were the mask: an input read back from storage. */
  readonly maskedPaths: string[] = [];
  private readonly root: Schema;

  constructor(root: Schema) {
    this.root = root;
  }

  /** `seen` holds the schemas applied to this value already, so `$ref` cycles end. */
  walk(schema: unknown, value: unknown, path: string, seen: Set<object> = new Set()): unknown {
    if (!isObject(schema) || seen.has(schema) || value === undefined) return value;
    seen.add(schema);
    if (marked(schema)) {
      if (value !== WRITE_ONLY_MASK) {
        collect(value, this.secrets);
        this.replaced++;
      } else {
        if (!this.maskedPaths.includes(path)) this.maskedPaths.push(path);
      }
      return WRITE_ONLY_MASK;
    }
    let v: unknown = value;
    if (typeof schema.$ref === 'string') v = this.walk(resolveRef(this.root, schema.$ref), v, path, seen);
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = schema[key];
      if (Array.isArray(list)) for (const sub of list) v = this.walk(sub, v, path, seen);
    }
    for (const key of ['if', 'then', 'else'] as const) v = this.walk(schema[key], v, path, seen);
    if (Array.isArray(v)) return this.items(schema, v, path);
    if (isObject(v)) return this.properties(schema, v, path);
    return v;
  }

  private items(schema: Schema, list: unknown[], path: string): unknown[] {
    const prefix = Array.isArray(schema.prefixItems)
      ? schema.prefixItems
      : Array.isArray(schema.items)
        ? schema.items
        : [];
    const rest = isObject(schema.items) ? schema.items : undefined;
    return list.map((item, i) => this.walk(i < prefix.length ? prefix[i] : rest, item, `${path}[${i}]`));
  }

  private properties(schema: Schema, obj: Record<string, unknown>, path: string): Record<string, unknown> {
    const props = isObject(schema.properties) ? schema.properties : {};
    const patterns = isObject(schema.patternProperties) ? Object.entries(schema.patternProperties) : [];
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(obj)) {
      const at = /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
      let v = item;
      let named = false;
      if (Object.hasOwn(props, k)) {
        v = this.walk(props[k], v, at);
        named = true;
      }
      for (const [pattern, sub] of patterns) {
        if (safeTest(pattern, k)) {
          v = this.walk(sub, v, at);
          named = true;
        }
      }
      if (!named) v = this.walk(schema.additionalProperties, v, at);
      out[k] = v;
    }
    return out;
  }
}

function safeTest(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return false;
  }
}

export interface MaskedInput {
  /** The input with every writeOnly value replaced by WRITE_ONLY_MASK (the same object if none). */
  masked: unknown;
  /** The real values taken out, as text, for scrubbing logs and traces. */
  secrets: string[];
  /** True when some value was replaced, i.e. `masked` differs from the input. */
  changed: boolean;
  /** True when some writeOnly field already held the mask (a stored input, not a real one). */
  holdsMask: boolean;
  /** Where those fields are, as JSON paths (`$.login.password`). */
  maskedPaths: string[];
}

/** Masks the writeOnly values of `input` as `schema` marks them; a schema marking nothing is a no-op. */
export function maskWriteOnly(schema: unknown, input: unknown): MaskedInput {
  if (!isObject(schema) || !hasWriteOnlyFields(schema)) {
    return { masked: input, secrets: [], changed: false, holdsMask: false, maskedPaths: [] };
  }
  const masker = new Masker(schema);
  const masked = masker.walk(schema, input, '$');
  const { maskedPaths } = masker;
  const holdsMask = maskedPaths.length > 0;
  return masker.replaced > 0
    ? { masked, secrets: masker.secrets, changed: true, holdsMask, maskedPaths }
    : { masked: input, secrets: [], changed: false, holdsMask, maskedPaths };
}
