// Lint of a task's main.js for the mistakes the task guide warns about: no function wrapper,
// modules (`require(`, `import`), Node APIs, promise-style fetch, reading a response without
// checking `response.ok`, an unused `input`, throwing plain strings. Syntax comes from
// checkMainJs (V8, the same check loading uses). The rules walk an acorn AST; acorn only arrives
// with dev tooling here, so without it the same rules run on a token scan of the code with
// comments and strings blanked out (lint-scan.ts), and the result says which one ran.
import type * as Acorn from 'acorn';
import { checkMainJs } from './code-check.ts';
import { scanFindings } from './lint-scan.ts';
import { FIXES, type LintFinding } from './lint-rules.ts';

export type { LintFinding, LintSeverity } from './lint-rules.ts';

export interface LintReport {
  /** `acorn`: AST rules; `token-scan`: the fallback when acorn is not installed. */
  parser: 'acorn' | 'token-scan';
  findings: LintFinding[];
  errors: number;
  warnings: number;
}

/** `acorn` when it can be loaded (dev installs), else undefined. */
async function loadAcorn(): Promise<typeof Acorn | undefined> {
  try {
    return await import('acorn');
  } catch {
    return undefined;
  }
}

export async function lintTaskCode(code: string): Promise<LintReport> {
  const check = checkMainJs(code);
  const acorn = await loadAcorn();
  const parser = acorn ? 'acorn' : 'token-scan';
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
  } else if (acorn) {
    const { astFindings } = await import('./lint-ast.ts');
    findings = astFindings(acorn, code, check.shape === 'wrapped');
  } else {
    findings = scanFindings(code, check.shape === 'wrapped');
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return {
    parser,
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}
