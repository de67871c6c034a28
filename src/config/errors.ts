// ConfigError and the translation of zod issues into messages a user can act on:
// "<source>: <key.path>: <what was wrong> (got <value>, expected <what>)".
import type { z } from 'zod';
import { describeType, objectShape, schemaAt } from './introspect.ts';
import { maskUrl } from './mask.ts';

export interface ConfigIssue {
  /** Dotted key path, e.g. "server.database.url" or "registry.sources.0.uri"; "" for the whole file. */
  path: string;
  /** What was wrong, including "(got …, expected …)" when that applies. */
  message: string;
  /** The offending value, when there is one. */
  value?: unknown;
  /** The file path or environment variable the value came from ("defaults" for built-in values). */
  source: string;
  /** 1-based position in the file, when known. */
  line?: number;
  column?: number;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line ? `${issue.source}:${issue.line}:${issue.column ?? 1}` : issue.source;
  return `${where}: ${issue.path || '(root)'}: ${issue.message}`;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Shows a value in a message: JSON, secrets in URLs masked, long values shortened. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text =
    typeof value === 'string' ? JSON.stringify(maskUrl(value)) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function dottedPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The closest candidate within a third of the word's length (at least 2 edits), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

export function unknownKeyMessage(
  parent: readonly PropertyKey[],
  key: string,
  candidates: readonly string[],
): string {
  const full = dottedPath([...parent, key]);
  const guess = closest(key, candidates);
  return guess
    ? `unknown key "${full}" (did you mean "${dottedPath([...parent, guess])}"?)`
    : `unknown key "${full}" (expected one of: ${candidates.join(', ')})`;
}

type Source = (path: readonly PropertyKey[]) => { source: string; line?: number; column?: number };

/** Turns zod issues into ConfigIssues; `sourceOf` says where the value at a path came from. */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  root: z.ZodType,
  input: unknown,
  sourceOf: Source,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      const candidates = Object.keys(objectShape(schemaAt(root, path) ?? root) ?? {});
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        out.push({
          path: dottedPath(keyPath),
          message: unknownKeyMessage(path, key, candidates),
          value: valueAt(input, keyPath),
          ...sourceOf(keyPath),
        });
      }
      continue;
    }
    const value = valueAt(input, path);
    const schema = schemaAt(root, path);
    out.push({
      path: dottedPath(path),
      message: describeProblem(issue, value, schema),
      value,
      ...sourceOf(path),
    });
  }
  return out;
}

function describeProblem(issue: z.core.$ZodIssue, value: unknown, schema: z.ZodType | undefined): string {
  const expected = expectedText(issue, schema);
  const got = `got ${showValue(value)}`;
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `missing (expected ${expected})`
        : `wrong type (${got}, expected ${expected})`;
    case 'too_small':
    case 'too_big':
      return `out of range (${got}, expected ${expected})`;
    case 'invalid_value':
    case 'invalid_union':
    case 'invalid_format':
      return `invalid value (${got}, expected ${expected})`;
    default:
      return `${issue.message} (${got})`;
  }
}

/** A custom `{ error }` text on the schema ("expected …") wins over the generic type description. */
function expectedText(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): string {
  const custom = customExpectation(issue);
  if (custom) return custom;
  return schema ? describeType(schema) : 'a valid value';
}

function customExpectation(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'invalid_format' && issue.message.startsWith('expected ')) return issue.message.slice(9);
  if (issue.code === 'invalid_union') {
    for (const branch of issue.errors) {
      for (const inner of branch) {
        const found = customExpectation(inner);
        if (found) return found;
      }
    }
  }
  return undefined;
}
