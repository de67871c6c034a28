// Comparing two versions of a task: a unified diff of main.js, structural diffs of the schemas and
// metadata (JSON paths added, removed or changed), and which test cases were added, removed or
// changed (each changed one with its own line diff).
import type { Ratchet } from './context.ts';
import { appendIndex, appendKey } from '../tasks/json-path.ts';
import { readTaskFiles } from './task-edits.ts';
import { unifiedDiff } from './text-diff.ts';

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

export interface VersionComparison {
  task: string;
  from: string;
  to: string;
  identical: boolean;
  code: { diff: string; linesAdded: number; linesRemoved: number };
  inputSchema: ValueChange[];
  outputSchema: ValueChange[];
  /** metadata.json without `version` (which always differs). */
  metadata: ValueChange[];
  tests: {
    added: string[];
    removed: string[];
    changed: { name: string; diff: string }[];
    unchanged: string[];
  };
}

const parsed = (text: string | undefined): unknown => (text === undefined ? undefined : JSON.parse(text));

/** Compares version `from` with version `to` (default: the latest) of one task. */
export async function compareTaskVersions(
  app: Ratchet,
  ref: string | number,
  from: string,
  to?: string,
): Promise<VersionComparison> {
  const a = await readTaskFiles(app, ref, from);
  const b = await readTaskFiles(app, ref, to);
  const code = unifiedDiff(a.files['main.js']!, b.files['main.js']!, [
    `main.js@${a.version.version}`,
    `main.js@${b.version.version}`,
  ]);
  const meta = (files: Record<string, string>) => {
    const m = parsed(files['metadata.json']) as Record<string, unknown>;
    delete m.version;
    return m;
  };
  const testsOf = (files: Record<string, string>) =>
    new Map(
      Object.entries(files)
        .filter(([p]) => p.startsWith('tests/'))
        .map(([p, t]) => [p.slice('tests/'.length), t]),
    );
  const ta = testsOf(a.files);
  const tb = testsOf(b.files);
  const tests: VersionComparison['tests'] = { added: [], removed: [], changed: [], unchanged: [] };
  for (const [name, text] of ta) {
    const other = tb.get(name);
    if (other === undefined) tests.removed.push(name);
    else if (other === text) tests.unchanged.push(name);
    else {
      const d = unifiedDiff(text, other, [
        `tests/${name}@${a.version.version}`,
        `tests/${name}@${b.version.version}`,
      ]);
      tests.changed.push({ name, diff: d.text });
    }
  }
  for (const name of tb.keys()) if (!ta.has(name)) tests.added.push(name);
  const result: VersionComparison = {
    task: a.task.name,
    from: a.version.version,
    to: b.version.version,
    identical: false,
    code: { diff: code.text, linesAdded: code.added, linesRemoved: code.removed },
    inputSchema: structuralDiff(parsed(a.files['input.schema.json']), parsed(b.files['input.schema.json'])),
    outputSchema: structuralDiff(
      parsed(a.files['output.schema.json']),
      parsed(b.files['output.schema.json']),
    ),
    metadata: structuralDiff(meta(a.files), meta(b.files)),
    tests,
  };
  result.identical =
    code.text === '' &&
    result.inputSchema.length === 0 &&
    result.outputSchema.length === 0 &&
    result.metadata.length === 0 &&
    tests.added.length + tests.removed.length + tests.changed.length === 0;
  return result;
}
