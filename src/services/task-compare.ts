// Comparing two versions of a task: a unified diff of main.js, structural diffs of the schemas and
// metadata (JSON paths added, removed or changed), and which test cases were added, removed or
// changed (each changed one with its own line diff).
import type { Ratchet } from './context.ts';
import { structuralDiff, type ValueChange } from '../tasks/json-diff.ts';
import { readTaskFiles } from './task-edits.ts';
import { unifiedDiff } from './text-diff.ts';

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
