// User JSON Schemas (input.schema.json / output.schema.json) compiled with Ajv: draft-07 by default,
// 2020-12 when `$schema` says so. Compiled validators are cached by the schema's JSON text because
// every execution validates its input and output against them.
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type addFormatsModule from 'ajv-formats';
import { TaskLoadError } from './types.ts';
import type { JsonSchema, Problem } from './types.ts';
import { toViolations } from './violations.ts';
import type { SchemaViolation } from './violations.ts';

export type { SchemaViolation } from './violations.ts';
export { formatViolations } from './violations.ts';

// Ajv and its formats load on the first compile, not with this module: every executor thread and
// CLI command imports this module, and loading Ajv added about 6 ms to each thread's start even when
// no task it ran had a schema. They are CommonJS, so require() loads them synchronously where needed.
const require = createRequire(import.meta.url);
interface AjvModules {
  Ajv: typeof Ajv;
  Ajv2020: typeof Ajv2020;
  addFormats: typeof addFormatsModule.default;
}
let ajvModules: AjvModules | undefined;
function loadAjv(): AjvModules {
  return (ajvModules ??= {
    Ajv: (require('ajv') as { Ajv: typeof Ajv }).Ajv,
    Ajv2020: (require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 }).Ajv2020,
    // ajv-formats is CommonJS with a default export; the callable sits on `.default`.
    addFormats: (require('ajv-formats') as { default: typeof addFormatsModule.default }).default,
  });
}

export type SchemaDialect = 'draft-07' | '2020-12';

export interface SchemaValidator {
  readonly dialect: SchemaDialect;
  /** Ajv's remarks while compiling, e.g. an unknown `format` that will be ignored. */
  readonly warnings: readonly string[];
  /** Violations of `value`; the same frozen empty array when it is valid. */
  validate(value: unknown): readonly SchemaViolation[];
}

const DIALECT_URIS: Record<SchemaDialect, string> = {
  'draft-07': 'http://json-schema.org/draft-07/schema#',
  '2020-12': 'https://json-schema.org/draft/2020-12/schema',
};

// Compile-time remarks go to whichever compile is running (Ajv is synchronous), not to stderr.
let warningSink: string[] | undefined;
const logger = {
  log: (): void => {},
  warn: (...args: unknown[]): void => remember(args),
  error: (...args: unknown[]): void => remember(args),
};
function remember(args: unknown[]): void {
  const text = args.map(String).join(' ');
  if (warningSink && !warningSink.includes(text)) warningSink.push(text);
}

const OPTIONS: Options = { allErrors: true, strict: false, logger };

function newAjv(dialect: SchemaDialect): Ajv {
  const m = loadAjv();
  const ajv = dialect === '2020-12' ? new m.Ajv2020(OPTIONS) : new m.Ajv(OPTIONS);
  m.addFormats(ajv);
  return ajv;
}

const shared: Partial<Record<SchemaDialect, Ajv>> = {};
function sharedAjv(dialect: SchemaDialect): Ajv {
  return (shared[dialect] ??= newAjv(dialect));
}

interface CacheEntry {
  fn: ValidateFunction;
  dialect: SchemaDialect;
  warnings: string[];
  ajv: Ajv;
  schema: JsonSchema;
}
const CACHE_LIMIT = 1000;
const cache = new Map<string, CacheEntry>();

function dialectOf(schema: JsonSchema): SchemaDialect | { unsupported: string } {
  if (typeof schema === 'boolean' || schema.$schema === undefined) return 'draft-07';
  const uri = schema.$schema;
  const normal = typeof uri === 'string' ? uri.replace(/^https?:\/\//, '').replace(/#$/, '') : '';
  if (normal === 'json-schema.org/draft-07/schema') return 'draft-07';
  if (normal === 'json-schema.org/draft/2020-12/schema') return '2020-12';
  return { unsupported: JSON.stringify(uri) };
}

/** Everything wrong with `schema` as a JSON Schema, as problems with the schema path; [] when fine. */
export function schemaProblems(schema: unknown, file: string): Problem[] {
  try {
    compileSchema(schema as JsonSchema, file);
    return [];
  } catch (e) {
    if (e instanceof TaskLoadError) return e.problems;
    throw e;
  }
}

/** Compiles (or fetches from cache) a validator; throws TaskLoadError naming file and schema path. */
export function compileSchema(schema: JsonSchema, file: string): SchemaValidator {
  const fail = (path: string, message: string): never => {
    throw new TaskLoadError([{ severity: 'error', file, path, message }]);
  };
  if (
    typeof schema !== 'boolean' &&
    (schema === null || typeof schema !== 'object' || Array.isArray(schema))
  ) {
    const got = Array.isArray(schema) ? 'an array' : JSON.stringify(schema);
    return fail('/', `a JSON Schema must be an object or a boolean (got ${got})`);
  }
  const text = JSON.stringify(schema);
  let entry = cache.get(text);
  if (entry) {
    // Refresh recency so the cache evicts the least recently compiled schema first.
    cache.delete(text);
    cache.set(text, entry);
  } else {
    entry = compileFresh(JSON.parse(text) as JsonSchema, file, fail);
    cache.set(text, entry);
    if (cache.size > CACHE_LIMIT) evictOldest();
  }
  return makeValidator(entry);
}

function evictOldest(): void {
  const [key, old] = cache.entries().next().value as [string, CacheEntry];
  cache.delete(key);
  old.ajv.removeSchema(old.schema);
}

function compileFresh(
  schema: JsonSchema,
  file: string,
  fail: (path: string, message: string) => never,
): CacheEntry {
  const dialect = dialectOf(schema);
  if (typeof dialect !== 'string') {
    return fail(
      '/$schema',
      `${dialect.unsupported} is not a supported dialect (use "${DIALECT_URIS['draft-07']}" or "${DIALECT_URIS['2020-12']}")`,
    );
  }
  if (typeof schema !== 'boolean' && schema.$schema !== undefined) schema.$schema = DIALECT_URIS[dialect];
  // A schema with its own `$id` gets a private Ajv: ids are global within one instance, and two tasks
  // reusing an id must neither collide nor resolve each other's `$ref`s.
  const ownsId = JSON.stringify(schema).includes('"$id"');
  const ajv = ownsId ? newAjv(dialect) : sharedAjv(dialect);
  if (!ajv.validateSchema(schema)) {
    throw new TaskLoadError(metaSchemaProblems(ajv.errors ?? [], schema, file));
  }
  const warnings: string[] = [];
  warningSink = warnings;
  try {
    const fn = ajv.compile(schema);
    return { fn, dialect, warnings, ajv, schema };
  } catch (e) {
    const message = (e as Error).message;
    const missing = /can't resolve reference (.+) from id/.exec(message);
    if (missing) {
      const ref = missing[1]!;
      const at = findRef(schema, ref, '') ?? '/';
      const why = ref.startsWith('#')
        ? 'no such location in this schema'
        : 'other schema files are not loaded';
      return fail(at, `$ref "${ref}" cannot be resolved (${why})`);
    }
    return fail('/', `schema does not compile: ${message}`);
  } finally {
    warningSink = undefined;
  }
}

function findRef(node: unknown, ref: string, pointer: string): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  if (!Array.isArray(node) && (node as Record<string, unknown>).$ref === ref) return `${pointer}/$ref`;
  for (const [key, child] of Object.entries(node)) {
    const found = findRef(child, ref, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    if (found) return found;
  }
  return undefined;
}

const COMBINATORS = new Set(['anyOf', 'oneOf', 'allOf', 'not', 'if']);

/** One problem per failing location in the schema, picking the most telling meta-schema error. */
function metaSchemaProblems(errors: ErrorObject[], schema: JsonSchema, file: string): Problem[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const problems: Problem[] = [];
  for (const [path, errs] of byPath) {
    const value = valueAt(schema, path);
    const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
    const enumError = errs.find((e) => e.keyword === 'enum');
    let message: string;
    if (enumError) {
      const allowed = (enumError.params as { allowedValues: unknown[] }).allowedValues;
      const what = path.endsWith('/type') ? 'a valid type' : 'an allowed value';
      message = `${JSON.stringify(value)} is not ${what} (expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')})`;
    } else {
      const best = errs.find((e) => !COMBINATORS.has(e.keyword)) ?? errs[0]!;
      message = `${best.message ?? 'is invalid'}${got}`;
    }
    problems.push({ severity: 'error', file, path: path === '' ? '/' : path, message });
  }
  return problems;
}

function valueAt(doc: unknown, pointer: string): unknown {
  let current = doc;
  for (const seg of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function makeValidator(entry: CacheEntry): SchemaValidator {
  const { fn } = entry;
  return {
    dialect: entry.dialect,
    warnings: entry.warnings,
    validate: (value: unknown) => (fn(value) ? NO_VIOLATIONS : toViolations(fn.errors ?? [], value)),
  };
}

const NO_VIOLATIONS: readonly SchemaViolation[] = Object.freeze([]);

/** Validates with a pre-compiled validator: the hot-path entry point for executions. */
export function validateWith(validator: SchemaValidator, value: unknown): readonly SchemaViolation[] {
  return validator.validate(value);
}
