// Lint of a task's main.js for the mistakes the task guide warns about: no function wrapper,
// modules (`require(`, `import`), Node APIs, promise-style fetch, reading a response without
// checking `response.ok`, an unused `input`, throwing plain strings. Syntax comes from
// checkMainJs (V8, the same check loading uses). The rules walk an acorn AST (lint-ast.ts).
import * as acorn from 'acorn';
import { checkMainJs } from './code-check.ts';
import { astFindings } from './lint-ast.ts';
import { FIXES, type LintFinding } from './lint-rules.ts';

export type { LintFinding, LintSeverity } from './lint-rules.ts';

export interface LintReport {
  /** The parser the rules ran on (always acorn; kept in the report for tools that show it). */
  parser: 'acorn';
  findings: LintFinding[];
  errors: number;
  warnings: number;
}

export async function lintTaskCode(code: string): Promise<LintReport> {
  const check = checkMainJs(code);
  let findings: LintFinding[];
  if (check.problems.length > 0) {
    findings = check.problems.map((p) => ({
      rule: 'syntax',
      severity: 'error' as const,
      line: p.line ?? 1,
      column: p.column ?? 1,
      message: p.message,
      fix: /import|export/.test(p.message)
        ? FIXES.require
        : 'fix the syntax at this position; main.js must be a function expression',
    }));
  } else {
    // The edits are --fix's business (fixTaskCode), not the report's.
    findings = astFindings(acorn, code, check.shape === 'wrapped').map(({ edit: _edit, ...f }) => f);
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return {
    parser: 'acorn',
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}

export interface LintFixResult {
  code: string;
  /** The findings fixed, as reported before the fix (line and column in the original code). */
  fixed: LintFinding[];
}

/**
 * Applies the mechanical fixes (`await fetch(…)` → `fetch(…)`, `response.json()` →
 * `response.body`, `throw "text"` → `throw new Error("text")`, `global` → `globalThis`). Edits
 * that overlap one already taken wait for the next pass; the passes stop when nothing changes.
 * Code that does not parse is returned as it is. Line numbers of a later pass are in the code as
 * the pass before left it (the edits keep line breaks, so they match unless a fix joined lines).
 */
export function fixTaskCode(code: string): LintFixResult {
  const fixed: LintFinding[] = [];
  let current = code;
  for (let pass = 0; pass < 5; pass++) {
    const check = checkMainJs(current);
    if (check.problems.length > 0) break;
    const withEdits = astFindings(acorn, current, check.shape === 'wrapped').filter((f) => f.edit);
    if (withEdits.length === 0) break;
    let next = current;
    let lowest = Infinity;
    // From the end, so earlier offsets stay valid; an edit reaching into a taken one waits.
    for (const f of [...withEdits].sort((a, b) => b.edit!.start - a.edit!.start)) {
      const { start, end, text } = f.edit!;
      if (end > lowest) continue;
      next = next.slice(0, start) + text + next.slice(end);
      lowest = start;
      const { edit: _edit, ...finding } = f;
      fixed.push(finding);
    }
    current = next;
  }
  fixed.sort((a, b) => a.line - b.line || a.column - b.column);
  return { code: current, fixed };
}
