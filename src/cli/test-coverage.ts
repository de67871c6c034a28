// The coverage part of `ratchet test --coverage`: one block per task with the percentages, the
// uncovered lines with their source and the uncovered branches in words.
import type { TaskCoverage } from '../quality/coverage.ts';
import type { Style } from './test-output.ts';

const pct = (f: { covered: number; total: number; pct: number }): string =>
  `${f.pct}% (${f.covered}/${f.total})`;

export function formatCoverage(tasks: readonly TaskCoverage[], style: Style): string[] {
  const out: string[] = [];
  for (const t of tasks) {
    out.push('', `coverage of ${t.task}`);
    if (!t.coverage) {
      out.push(`  ${style.red('not measured')}: ${t.error ?? 'no coverage data'}`);
      continue;
    }
    const c = t.coverage;
    out.push(
      `  lines ${pct(c.lines)}  branches ${pct(c.branches)}  functions ${pct(c.functions)}  statements ${pct(c.statements)}`,
    );
    if (t.casesWithoutData > 0) {
      out.push(
        style.dim(
          `  (${t.casesWithoutData} case(s) never ran main.js: rejected by the input schema, or stopped)`,
        ),
      );
    }
    const width = String(
      Math.max(1, ...c.uncoveredLines.map((l) => l.line), ...c.uncoveredBranches.map((b) => b.line)),
    ).length;
    if (c.uncoveredLines.length > 0) {
      out.push('  uncovered lines:');
      for (const l of c.uncoveredLines) out.push(`  ${String(l.line).padStart(width)} │ ${l.source}`);
    }
    if (c.uncoveredBranches.length > 0) {
      out.push('  uncovered branches:');
      for (const b of c.uncoveredBranches) {
        out.push(`  ${String(b.line).padStart(width)} │ ${b.type} ${b.arm} never taken: ${b.condition}`);
      }
    }
    for (const f of c.uncoveredFunctions) out.push(`  function ${f.name} (line ${f.line}) never called`);
  }
  return out;
}
