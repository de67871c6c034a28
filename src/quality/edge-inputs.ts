// Boundary and negative inputs derived from a task's input schema, deterministic for a seed:
// for each top-level property its bounds (minimum/maximum, lengths, item counts), each enum value,
// both booleans, the optional property left out; and inputs the schema must reject (a wrong
// type, a missing required property, one past each bound, a value outside the enum).
import fc from 'fast-check';
import { compileSchema } from '../tasks/schema.ts';
import type { JsonSchema } from '../tasks/types.ts';
import { arbitraryFromSchema } from './schema-arbitrary.ts';

type S = Record<string, unknown>;

export interface EdgeInput {
  name: string;
  input: unknown;
  /** What the input schema says of it: valid inputs should run, invalid ones be rejected. */
  valid: boolean;
}

export function edgeInputs(
  schema: JsonSchema | undefined,
  seed: number,
): { inputs: EdgeInput[]; base: unknown } {
  const validator = schema !== undefined ? compileSchema(schema, 'input.schema.json') : null;
  const isValid = (v: unknown): boolean => !validator || validator.validate(v).length === 0;
  const base = baseInput(schema, seed, isValid);
  const out: EdgeInput[] = [{ name: 'typical input', input: base, valid: isValid(base) }];
  const s = typeof schema === 'object' ? (schema as S) : {};
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return { inputs: out, base };
  const with_ = (k: string, v: unknown): unknown => ({ ...(base as S), [k]: v });
  const add = (name: string, input: unknown): void => {
    if (!out.some((e) => JSON.stringify(e.input) === JSON.stringify(input)))
      out.push({ name, input, valid: isValid(input) });
  };
  for (const [k, p] of Object.entries(props)) {
    if (typeof p !== 'object') continue;
    for (const [label, v] of valuesFor(p, seed)) add(`${k} ${label}`, with_(k, v));
    if (required.has(k)) {
      const { [k]: _gone, ...rest } = base as S;
      add(`${k} missing`, rest);
    } else if (k in (base as S)) {
      const { [k]: _gone, ...rest } = base as S;
      add(`${k} left out (optional)`, rest);
    } else {
      const sample = fc.sample(arbitraryFromSchema(p).arbitrary, { seed, numRuns: 1 })[0];
      add(`${k} given (optional)`, with_(k, sample));
    }
    add(`${k} of the wrong type`, with_(k, wrongType(p)));
  }
  add('null input', null);
  return { inputs: out, base };
}

function valuesFor(p: S, seed: number): [string, unknown][] {
  const v: [string, unknown][] = [];
  if ('const' in p) return [['const', p.const]];
  if (Array.isArray(p.enum)) {
    for (const e of p.enum as unknown[]) v.push([`= ${JSON.stringify(e)}`, e]);
    v.push(['outside the enum', '__not_in_enum__']);
    return v;
  }
  const type = Array.isArray(p.type) ? (p.type as string[])[0] : (p.type as string | undefined);
  if (type === 'number' || type === 'integer') {
    const step = type === 'integer' ? 1 : 0.5;
    const min =
      typeof p.exclusiveMinimum === 'number' ? p.exclusiveMinimum + step : (p.minimum as number | undefined);
    const max =
      typeof p.exclusiveMaximum === 'number' ? p.exclusiveMaximum - step : (p.maximum as number | undefined);
    if (min !== undefined) v.push(['at its minimum', min], ['below its minimum', min - step]);
    if (max !== undefined) v.push(['at its maximum', max], ['above its maximum', max + step]);
    for (const n of [0, -1, 1])
      if ((min === undefined || n >= min) && (max === undefined || n <= max)) v.push([`= ${n}`, n]);
    if (type === 'number') v.push(['a fraction', (min ?? 0) + 0.5]);
    if (min === undefined) v.push(['very negative', -1e12]);
    if (max === undefined) v.push(['very large', 1e12]);
  } else if (type === 'string') {
    const minLength = typeof p.minLength === 'number' ? p.minLength : 0;
    const chars = fc
      .sample(fc.string({ minLength: 64, maxLength: 64 }), { seed, numRuns: 1 })[0]!
      .replace(/\s/g, 'x');
    const text = (n: number): string => chars.repeat(Math.ceil(n / 64) + 1).slice(0, n);
    if (typeof p.pattern !== 'string' && typeof p.format !== 'string') {
      v.push([minLength === 0 ? 'empty' : 'at its minimum length', text(minLength)]);
      if (minLength > 0) v.push(['shorter than its minimum', text(minLength - 1)]);
      if (typeof p.maxLength === 'number')
        v.push(
          ['at its maximum length', text(p.maxLength)],
          ['longer than its maximum', text(p.maxLength + 1)],
        );
      v.push(['with unicode and spaces', ' Ünïcødé ✓ ']);
    }
  } else if (type === 'array') {
    const minItems = typeof p.minItems === 'number' ? p.minItems : 0;
    const item = fc.sample(arbitraryFromSchema((p.items as JsonSchema) ?? true).arbitrary, {
      seed,
      numRuns: 1,
    })[0];
    v.push([minItems === 0 ? 'empty' : 'at its minimum size', Array(minItems).fill(item)]);
    if (minItems > 0) v.push(['below its minimum size', Array(minItems - 1).fill(item)]);
    if (typeof p.maxItems === 'number')
      v.push(
        ['at its maximum size', Array(p.maxItems).fill(item)],
        ['above its maximum size', Array(p.maxItems + 1).fill(item)],
      );
  } else if (type === 'boolean') {
    v.push(['= true', true], ['= false', false]);
  } else if (type === 'object') {
    v.push(['empty object', {}]);
  }
  return v;
}

function wrongType(p: S): unknown {
  const type = Array.isArray(p.type) ? (p.type as string[]) : [p.type];
  return type.includes('string') ? 12345 : 'not-a-' + String(type[0] ?? 'value');
}

/** A valid input: each property's const, first enum value, default or example, else a seeded sample. */
function baseInput(schema: JsonSchema | undefined, seed: number, isValid: (v: unknown) => boolean): unknown {
  const samples = fc.sample(arbitraryFromSchema(schema).arbitrary, { seed, numRuns: 200 });
  const s = typeof schema === 'object' ? (schema as S) : {};
  const props = (s.properties ?? {}) as Record<string, S>;
  const first = samples.find(isValid);
  if (first === null || typeof first !== 'object' || Array.isArray(first)) return first ?? samples[0];
  // Prefer the schema's own words over random values where it has them.
  const preferred: S = { ...(first as S) };
  for (const [k, p] of Object.entries(props)) {
    if (typeof p !== 'object' || !(k in preferred)) continue;
    const candidates = [
      'default' in p ? p.default : undefined,
      Array.isArray(p.examples) ? p.examples[0] : undefined,
      ...simpleValues(p),
    ];
    const fit = candidates.find((c) => c !== undefined && isValid({ ...preferred, [k]: c }));
    if (fit !== undefined) preferred[k] = fit;
  }
  return preferred;
}

/** Plain values a person would type first, tried in order (the first the schema accepts wins). */
function simpleValues(p: S): unknown[] {
  if ('const' in p) return [p.const];
  if (Array.isArray(p.enum)) return p.enum.slice(0, 1) as unknown[];
  const type = Array.isArray(p.type) ? (p.type as string[])[0] : (p.type as string | undefined);
  const min = typeof p.minimum === 'number' ? p.minimum : undefined;
  if (type === 'number' || type === 'integer') return [5, 1, min, 0].filter((v) => v !== undefined);
  if (type === 'string') return ['example', 'a'];
  if (type === 'boolean') return [true];
  return [];
}
