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
    findings = astFindings(acorn, code, check.shape === 'wrapped');
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return {
    parser: 'acorn',
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}
