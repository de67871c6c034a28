// Ajv errors → readable violations (`$.apiKey is required`). Runs only when a value is invalid.
import type { ErrorObject } from 'ajv';
import { appendKey, pointerToPath } from './json-path.ts';

export interface SchemaViolation {
  /** Readable JSON path of the failing value: `$`, `$.user.name`, `$.items[2]`. */
  path: string;
  message: string;
  /** The JSON Schema keyword that failed, e.g. `required`, `type`, `enum`. */
  keyword: string;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function valueAtPointer(doc: unknown, pointer: string): unknown {
  let current = doc;
  if (pointer === '') return current;
  for (const seg of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function quoteList(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function describe(e: ErrorObject, data: unknown): { path: string; message: string } {
  const base = pointerToPath(e.instancePath, data);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: appendKey(base, String(params.missingProperty)), message: 'is required' };
    case 'dependencies':
    case 'dependentRequired':
      return {
        path: appendKey(base, String(params.missingProperty)),
        message: `is required when ${JSON.stringify(params.property)} is present`,
      };
    case 'additionalProperties':
      return {
        path: appendKey(base, String(params.additionalProperty)),
        message: 'is not an allowed property',
      };
    case 'unevaluatedProperties':
      return {
        path: appendKey(base, String(params.unevaluatedProperty)),
        message: 'is not an allowed property',
      };
    case 'enum':
      return { path: base, message: `must be one of ${quoteList(params.allowedValues as unknown[])}` };
    case 'const':
      return { path: base, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'type': {
      const want = String(params.type).split(',').join(' or ');
      return {
        path: base,
        message: `must be ${want} (got ${typeName(valueAtPointer(data, e.instancePath))})`,
      };
    }
    default:
      return { path: base, message: e.message ?? `fails "${e.keyword}"` };
  }
}

/** Converts Ajv's errors for `data`; duplicates (same path and message) are dropped. */
export function toViolations(errors: readonly ErrorObject[], data: unknown): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const { path, message } = describe(e, data);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message, keyword: e.keyword });
  }
  return out;
}

const MAX_LISTED = 20;

/** `input does not match input.schema.json: $.apiKey is required; $.units must be one of "metric", "imperial"` */
export function formatViolations(label: 'input' | 'output', violations: readonly SchemaViolation[]): string {
  const listed = violations.slice(0, MAX_LISTED).map((v) => `${v.path} ${v.message}`);
  if (violations.length > MAX_LISTED) listed.push(`and ${violations.length - MAX_LISTED} more`);
  return `${label} does not match ${label}.schema.json: ${listed.join('; ')}`;
}
