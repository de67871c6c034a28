// Where two JSON values differ, path by path (`$.a.b[0]`): objects by key, arrays by index, and a
// changed leaf with both sides. Version comparison (services/task-compare.ts) and the baseline run
// of the quality tools (quality/baseline.ts) report changes this way.
import { appendIndex, appendKey } from './json-path.ts';

export interface ValueChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every path where `after` differs from `before`; objects by key, arrays by index. */
export function structuralDiff(
  before: unknown,
  after: unknown,
  path = '$',
  out: ValueChange[] = [],
): ValueChange[] {
  if (isObject(before) && isObject(after)) {
    for (const k of Object.keys(before)) {
      const p = appendKey(path, k);
      if (!(k in after)) out.push({ path: p, kind: 'removed', before: before[k] });
      else structuralDiff(before[k], after[k], p, out);
    }
    for (const k of Object.keys(after)) {
      if (!(k in before)) out.push({ path: appendKey(path, k), kind: 'added', after: after[k] });
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) {
      const p = appendIndex(path, i);
      if (i >= after.length) out.push({ path: p, kind: 'removed', before: before[i] });
      else if (i >= before.length) out.push({ path: p, kind: 'added', after: after[i] });
      else structuralDiff(before[i], after[i], p, out);
    }
    return out;
  }
  if (before === undefined && after !== undefined) out.push({ path, kind: 'added', after });
  else if (after === undefined && before !== undefined) out.push({ path, kind: 'removed', before });
  else if (JSON.stringify(before) !== JSON.stringify(after))
    out.push({ path, kind: 'changed', before, after });
  return out;
}
