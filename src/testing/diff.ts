// Structural comparison of expected and actual output, reported as lines a person can read:
//   - $.sum: 15        (what was expected)
//   + $.sum: 16        (what the task returned)
// Exact mode wants equal values; partial mode wants every key of the expected object present
// and matching recursively, ignoring extra keys. Arrays are compared element by element and
// must have the same length in both modes (a partial array would make "which element?" guesswork).
import { appendIndex, appendKey } from '../tasks/json-path.ts';

export type MatchMode = 'exact' | 'partial';

export interface DiffLine {
  path: string;
  kind: 'changed' | 'missing' | 'extra' | 'length';
  expected?: unknown;
  actual?: unknown;
}

const MAX_LINES = 50;
const MAX_VALUE = 200;

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export function diffValues(expected: unknown, actual: unknown, mode: MatchMode = 'exact'): DiffLine[] {
  const lines: DiffLine[] = [];
  walk(expected, actual, '$', mode, lines);
  return lines;
}

export function matchesValue(expected: unknown, actual: unknown, mode: MatchMode = 'exact'): boolean {
  return diffValues(expected, actual, mode).length === 0;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return matchesValue(a, b, 'exact');
}

function walk(expected: unknown, actual: unknown, path: string, mode: MatchMode, out: DiffLine[]): void {
  if (out.length > MAX_LINES) return;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      out.push({ path, kind: 'length', expected: expected.length, actual: actual.length });
    }
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const at = appendIndex(path, i);
      if (i >= actual.length) out.push({ path: at, kind: 'missing', expected: expected[i] });
      else if (i >= expected.length) out.push({ path: at, kind: 'extra', actual: actual[i] });
      else walk(expected[i], actual[i], at, mode, out);
    }
    return;
  }
  if (isObject(expected) && isObject(actual)) {
    for (const key of Object.keys(expected)) {
      const at = appendKey(path, key);
      if (!(key in actual)) out.push({ path: at, kind: 'missing', expected: expected[key] });
      else walk(expected[key], actual[key], at, mode, out);
    }
    if (mode === 'exact') {
      for (const key of Object.keys(actual)) {
        if (!(key in expected)) out.push({ path: appendKey(path, key), kind: 'extra', actual: actual[key] });
      }
    }
    return;
  }
  // JSON has no NaN or -0 worth telling apart; === on primitives is the JSON notion of equality.
  if (expected !== actual || kindOf(expected) !== kindOf(actual)) {
    out.push({ path, kind: 'changed', expected, actual });
  }
}

export function formatValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  const text = JSON.stringify(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

/** `- $.sum: 15` / `+ $.sum: 16` lines; missing keys and extra keys say so on the side they lack. */
export function formatDiff(lines: readonly DiffLine[]): string[] {
  const out: string[] = [];
  for (const l of lines.slice(0, MAX_LINES)) {
    switch (l.kind) {
      case 'changed':
        out.push(`- ${l.path}: ${formatValue(l.expected)}`, `+ ${l.path}: ${formatValue(l.actual)}`);
        break;
      case 'missing':
        out.push(`- ${l.path}: ${formatValue(l.expected)}`, `+ ${l.path}: (missing)`);
        break;
      case 'extra':
        out.push(`- ${l.path}: (not expected)`, `+ ${l.path}: ${formatValue(l.actual)}`);
        break;
      case 'length':
        out.push(`  ${l.path}: expected ${String(l.expected)} items, got ${String(l.actual)}`);
        break;
    }
  }
  if (lines.length > MAX_LINES) out.push(`  … and more differences`);
  return out;
}
