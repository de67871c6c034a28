// `assertions: [{ path, operator, expected }]`: checks on single values of a task's output.
// Paths are JSONPath-like: `$`, `$.a.b[0]`, `a.b[0]`, `items.length`, `['weird key']`.
import { parseRegex } from '../tasks/test-shape.ts';
import { deepEqual, formatValue, matchesValue } from './diff.ts';
import type { Assertion } from './test-case.ts';

export type PathSegment = string | number;

export class AssertionPathError extends Error {
  constructor(path: string, at: number, why: string) {
    super(`bad path ${JSON.stringify(path)} at character ${at + 1}: ${why}`);
    this.name = 'AssertionPathError';
  }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  if (path.startsWith('$')) i = 1;
  else if (path !== '' && path[0] !== '[') {
    // `a.b` is read as `$.a.b`.
    const m = IDENT.exec(path);
    if (!m) throw new AssertionPathError(path, 0, 'expected a key name, "$" or "["');
    segments.push(m[0]);
    i = m[0].length;
  }
  if (path === '') throw new AssertionPathError(path, 0, 'the path is empty (use "$" for the whole output)');
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const m = IDENT.exec(path.slice(i + 1)) ?? /^\d+/.exec(path.slice(i + 1));
      if (!m) throw new AssertionPathError(path, i + 1, 'expected a key name after "."');
      segments.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = path.slice(i + 1);
      const index = /^\s*(\d+)\s*\]/.exec(rest);
      const quoted = /^\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest);
      if (index) {
        segments.push(Number(index[1]));
        i += 1 + index[0].length;
      } else if (quoted) {
        segments.push((quoted[1] ?? quoted[2]!).replace(/\\(.)/g, '$1'));
        i += 1 + quoted[0].length;
      } else {
        throw new AssertionPathError(path, i, "expected [number] or ['key'] ");
      }
    } else {
      throw new AssertionPathError(path, i, `unexpected ${JSON.stringify(c)} (use .key or [index])`);
    }
  }
  return segments;
}

/** The value at `segments`, or `found: false` when some step does not exist. */
export function resolvePath(
  root: unknown,
  segments: readonly PathSegment[],
): { found: boolean; value?: unknown } {
  let current: unknown = root;
  for (const s of segments) {
    if (Array.isArray(current)) {
      if (typeof s === 'number' || /^\d+$/.test(s)) {
        const n = Number(s);
        if (n >= current.length) return { found: false };
        current = current[n];
      } else if (s === 'length') current = current.length;
      else return { found: false };
    } else if (typeof current === 'string' && s === 'length') {
      current = current.length;
    } else if (current !== null && typeof current === 'object') {
      const key = String(s);
      if (!Object.hasOwn(current, key)) return { found: false };
      current = (current as Record<string, unknown>)[key];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}

/** Null when the assertion holds; otherwise a message naming path, operator, expected and actual. */
export function checkAssertion(root: unknown, a: Assertion): string | null {
  let segments: PathSegment[];
  try {
    segments = parsePath(a.path);
  } catch (e) {
    return `assertion ${a.path} ${a.operator}: ${(e as Error).message}`;
  }
  const { found, value } = resolvePath(root, segments);
  const fail = (why: string): string =>
    `assertion failed: ${a.path} ${a.operator} ${formatValue(a.expected)}: ${why}`;
  if (a.operator === 'exists') {
    const want = a.expected !== false;
    if (found === want) return null;
    return `assertion failed: ${a.path} exists ${String(want)}: ${found ? `present (${formatValue(value)})` : 'not found'}`;
  }
  if (!found) return fail('path not found in the output');
  const actual = `actual ${formatValue(value)}`;
  switch (a.operator) {
    case 'equals':
      return deepEqual(a.expected, value) ? null : fail(actual);
    case 'not_equals':
      return deepEqual(a.expected, value) ? fail(`${actual} is equal`) : null;
    case 'contains':
      return contains(value, a.expected) ? null : fail(`${actual} does not contain it`);
    case 'matches': {
      if (typeof value !== 'string') return fail(`${actual} is not a string`);
      return parseRegex(String(a.expected)).test(value) ? null : fail(`${actual} does not match`);
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compare(value, a.expected, a.operator) ? null : fail(actual);
    case 'length': {
      const len = lengthOf(value);
      if (len === undefined) return fail(`${actual} has no length (not an array, string or object)`);
      return len === a.expected ? null : fail(`actual length ${len}`);
    }
  }
  return fail('unknown operator');
}

function contains(value: unknown, expected: unknown): boolean {
  if (typeof value === 'string') return typeof expected === 'string' && value.includes(expected);
  if (Array.isArray(value)) return value.some((v) => deepEqual(expected, v));
  if (value !== null && typeof value === 'object') return matchesValue(expected, value, 'partial');
  return false;
}

function compare(value: unknown, expected: unknown, op: 'gt' | 'gte' | 'lt' | 'lte'): boolean {
  const comparable =
    (typeof value === 'number' && typeof expected === 'number') ||
    (typeof value === 'string' && typeof expected === 'string');
  if (!comparable) return false;
  const a = value;
  const b = expected;
  if (op === 'gt') return a > b;
  if (op === 'gte') return a >= b;
  if (op === 'lt') return a < b;
  return a <= b;
}

function lengthOf(value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}
