// fast-check arbitraries from a task's input JSON Schema, for the fuzzer. Handled: type (and type
// lists), const, enum, numeric bounds (minimum, maximum, exclusive*), integer, multipleOf for
// integers, string lengths, pattern (fc.stringMatching), arrays (items, prefixItems, min/maxItems),
// objects (properties, required, additionalProperties false), local $ref (#/definitions, #/$defs)
// with recursion cut at a depth, anyOf/oneOf (one branch each), allOf of object schemas (merged).
// Whatever else constrains a value (uniqueItems, not, if/then, dependencies, non-integer
// multipleOf, patternProperties, formats other than email, uri, uuid, date(-time), ipv4/6, hostname) is listed in `skipped` with its JSON path; generated values are
// then checked against the full schema with Ajv and the ones it rejects are discarded, so no
// invalid input ever reaches the task.
import fc from 'fast-check';
import type { JsonSchema } from '../tasks/types.ts';

type S = Record<string, unknown>;
export interface SchemaArbitrary {
  arbitrary: fc.Arbitrary<unknown>;
  /** Constraints the generator does not honour itself (Ajv filters their violations). */
  skipped: string[];
}

const MAX_DEPTH = 4;
const SKIPPED_KEYS = [
  'uniqueItems',
  'not',
  'if',
  'dependentSchemas',
  'dependentRequired',
  'dependencies',
  'patternProperties',
  'propertyNames',
  'contains',
  'minProperties',
  'maxProperties',
];
const anyJson = fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.boolean(), fc.constant(null));

export function arbitraryFromSchema(schema: JsonSchema | undefined): SchemaArbitrary {
  const skipped = new Set<string>();
  const root = schema ?? {};
  const build = (s: JsonSchema, path: string, depth: number): fc.Arbitrary<unknown> => {
    if (s === true) return anyJson;
    if (s === false) return fc.constant(undefined).filter(() => false);
    const ref = s.$ref;
    if (typeof ref === 'string') {
      const target = resolveRef(root, ref);
      if (target === undefined) {
        skipped.add(`${path}: $ref ${ref} (not a local reference)`);
        return anyJson;
      }
      // Recursion: past the depth limit objects keep only their required keys and arrays their
      // minimum length, so a recursive schema ends in its smallest shape.
      if (depth > MAX_DEPTH * 3) {
        skipped.add(`${path}: $ref ${ref} (recursion that never ends in a finite value)`);
        return anyJson;
      }
      return build(target, path, depth + 1);
    }
    for (const k of SKIPPED_KEYS) if (k in s) skipped.add(`${path}: ${k}`);
    if ('const' in s) return fc.constant(s.const);
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    const branches = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
    if (Array.isArray(branches) && branches.length > 0) {
      return fc.oneof(
        ...branches.map((b, i) =>
          build(mergeSiblings(s, b), `${path}.${s.anyOf ? 'anyOf' : 'oneOf'}[${i}]`, depth),
        ),
      );
    }
    if (Array.isArray(s.allOf)) return build(mergeAll(s), path, depth);
    const types = Array.isArray(s.type)
      ? (s.type as string[])
      : typeof s.type === 'string'
        ? [s.type]
        : inferTypes(s);
    const arbs = types.map((t) => byType(t, s, path, depth));
    return arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs);
  };

  const byType = (type: string, s: S, path: string, depth: number): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'integer':
        return integer(s, path);
      case 'number':
        return fc.oneof(integer(s, path), double(s));
      case 'string':
        return str(s, path);
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return array(s, path, depth);
      case 'object':
        return object(s, path, depth);
      default:
        skipped.add(`${path}: type ${type}`);
        return anyJson;
    }
  };

  const integer = (s: S, path: string): fc.Arbitrary<unknown> => {
    const min = lowerBound(s, true);
    const max = upperBound(s, true);
    const step = typeof s.multipleOf === 'number' ? s.multipleOf : undefined;
    if (step !== undefined && !Number.isInteger(step)) skipped.add(`${path}: multipleOf ${step}`);
    const lo = Math.max(min ?? -1e9, Number.MIN_SAFE_INTEGER);
    const hi = Math.min(max ?? 1e9, Number.MAX_SAFE_INTEGER);
    if (step !== undefined && Number.isInteger(step) && step > 0) {
      const a = Math.ceil(lo / step);
      const b = Math.floor(hi / step);
      return fc.integer({ min: Math.min(a, b), max: Math.max(a, b) }).map((k) => k * step);
    }
    return fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) });
  };

  const double = (s: S): fc.Arbitrary<unknown> =>
    fc.double({
      min: lowerBound(s, false) ?? -1e9,
      max: upperBound(s, false) ?? 1e9,
      minExcluded: typeof s.exclusiveMinimum === 'number' || s.exclusiveMinimum === true,
      maxExcluded: typeof s.exclusiveMaximum === 'number' || s.exclusiveMaximum === true,
      noNaN: true,
      noDefaultInfinity: true,
    });

  const str = (s: S, path: string): fc.Arbitrary<unknown> => {
    if (typeof s.format === 'string') {
      const formatted = FORMATS[s.format];
      if (formatted) return formatted();
      skipped.add(`${path}: format ${s.format}`);
    }
    const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
    const maxLength = typeof s.maxLength === 'number' ? s.maxLength : Math.max(minLength, 20);
    if (typeof s.pattern === 'string') {
      try {
        return fc
          .stringMatching(new RegExp(s.pattern, 'u'))
          .filter((x) => x.length >= minLength && x.length <= maxLength);
      } catch {
        skipped.add(`${path}: pattern ${s.pattern}`);
      }
    }
    return fc.string({ minLength, maxLength, unit: 'grapheme-composite' });
  };

  const array = (s: S, path: string, depth: number): fc.Arbitrary<unknown> => {
    const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
    const maxLength =
      depth > MAX_DEPTH
        ? minLength
        : typeof s.maxItems === 'number'
          ? s.maxItems
          : Math.max(minLength, depth > 1 ? 3 : 8);
    const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as JsonSchema[]) : [];
    const rest = s.items !== undefined && !Array.isArray(s.items) ? (s.items as JsonSchema) : true;
    const item = build(rest, `${path}[]`, depth + 1);
    if (prefix.length === 0) return fc.array(item, { minLength, maxLength });
    const head = fc.tuple(...prefix.map((p, i) => build(p, `${path}[${i}]`, depth + 1)));
    return fc
      .tuple(
        head,
        fc.array(item, {
          minLength: Math.max(0, minLength - prefix.length),
          maxLength: Math.max(0, maxLength - prefix.length),
        }),
      )
      .map(([h, t]) => [...h, ...t]);
  };

  const object = (s: S, path: string, depth: number): fc.Arbitrary<unknown> => {
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [k, v] of Object.entries(props)) {
      if (depth <= MAX_DEPTH || required.has(k)) model[k] = build(v, `${path}.${k}`, depth + 1);
    }
    for (const k of required) if (!(k in model)) model[k] = anyJson;
    return fc.record(model, { requiredKeys: [...required] });
  };

  const arbitrary = build(root, '$', 0);
  return { arbitrary, skipped: [...skipped].sort() };
}

const isoDate = () =>
  fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true });
/** String formats fast-check generates itself; others are skipped (and filtered by Ajv). */
const FORMATS: Record<string, () => fc.Arbitrary<string>> = {
  email: () => fc.emailAddress(),
  uri: () => fc.webUrl(),
  url: () => fc.webUrl(),
  uuid: () => fc.uuid(),
  'date-time': () => isoDate().map((d) => d.toISOString()),
  date: () => isoDate().map((d) => d.toISOString().slice(0, 10)),
  ipv4: () => fc.ipV4(),
  ipv6: () => fc.ipV6(),
  hostname: () => fc.domain(),
};

function lowerBound(s: S, integer: boolean): number | undefined {
  const min = typeof s.minimum === 'number' ? s.minimum : undefined;
  const ex =
    typeof s.exclusiveMinimum === 'number'
      ? s.exclusiveMinimum
      : s.exclusiveMinimum === true
        ? min
        : undefined;
  if (ex !== undefined) return integer ? Math.floor(ex) + 1 : ex;
  return min === undefined ? undefined : integer ? Math.ceil(min) : min;
}

function upperBound(s: S, integer: boolean): number | undefined {
  const max = typeof s.maximum === 'number' ? s.maximum : undefined;
  const ex =
    typeof s.exclusiveMaximum === 'number'
      ? s.exclusiveMaximum
      : s.exclusiveMaximum === true
        ? max
        : undefined;
  if (ex !== undefined) return integer ? Math.ceil(ex) - 1 : ex;
  return max === undefined ? undefined : integer ? Math.floor(max) : max;
}

function inferTypes(s: S): string[] {
  if (s.properties !== undefined || s.required !== undefined) return ['object'];
  if (s.items !== undefined || s.prefixItems !== undefined) return ['array'];
  if (s.minLength !== undefined || s.maxLength !== undefined || s.pattern !== undefined) return ['string'];
  if (s.minimum !== undefined || s.maximum !== undefined) return ['number'];
  return ['integer', 'string', 'boolean', 'null'];
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref
    .slice(1)
    .split('/')
    .filter((p) => p !== '')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object') return undefined;
    node = (node as S)[key];
  }
  return node === undefined ? undefined : (node as JsonSchema);
}

/** A branch of anyOf/oneOf inherits the keywords written next to it (e.g. a shared `type`). */
function mergeSiblings(parent: S, branch: JsonSchema): JsonSchema {
  if (typeof branch === 'boolean') return branch;
  const { anyOf: _a, oneOf: _o, ...rest } = parent;
  return { ...rest, ...branch };
}

function mergeAll(s: S): JsonSchema {
  const { allOf, ...rest } = s;
  let out: S = { ...rest };
  for (const part of allOf as JsonSchema[]) {
    if (typeof part === 'boolean') continue;
    out = {
      ...out,
      ...part,
      properties: { ...(out.properties ?? {}), ...(part.properties ?? {}) },
      required: [...((out.required as string[]) ?? []), ...((part.required as string[]) ?? [])],
    };
  }
  return out;
}
