// How `ratchet test` looks in a terminal: a header per task, a ✓/✗ line per case with its time,
// what went wrong under a failing case (message, diff, the task error with its source line, the
// logs), a progress bar for long runs on a TTY, and one summary line.
import type { CaseResult } from '../testing/run-case.ts';
import type { TestRunReport } from '../testing/runner.ts';
import { formatLogLine, formatTaskError } from './task-report.ts';

export interface Style {
  green(s: string): string;
  red(s: string): string;
  dim(s: string): string;
}

export function styleFor(stream: NodeJS.WriteStream): Style {
  const on = Boolean(stream.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
  const wrap = (code: number) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { green: wrap(32), red: wrap(31), dim: wrap(2) };
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

const indent = (lines: string[], by: string): string[] => lines.map((l) => `${by}${l}`);

export function formatCase(c: CaseResult, code: string, style: Style): string[] {
  const mark = c.status === 'passed' ? style.green('✓') : style.red('✗');
  const tag = c.status === 'error' ? ' [invalid test file]' : '';
  const lines = [`  ${mark} ${c.name}${tag} ${style.dim(`(${c.file}, ${formatMs(c.durationMs)})`)}`];
  for (const w of c.warnings ?? []) lines.push(`      warning: ${w}`);
  if (c.status === 'passed') return lines;
  if (c.message) lines.push(...indent(c.message.split('\n'), '      '));
  if (c.diff) {
    lines.push(`      ${style.dim('expected (-) vs actual (+):')}`);
    for (const d of c.diff) {
      lines.push(`      ${d.startsWith('-') ? style.red(d) : d.startsWith('+') ? style.green(d) : d}`);
    }
  }
  if (c.error) lines.push(...indent(formatTaskError(c.error, code).split('\n').slice(1), '    '));
  if (c.unusedMocks.length > 0) lines.push(`      unused mocks: ${c.unusedMocks.join(', ')}`);
  if (c.logs.length > 0) {
    lines.push('      logs:', ...indent(c.logs.map(formatLogLine), '        '));
  }
  return lines;
}

export function formatSummary(report: TestRunReport, loadErrors: number): string {
  const t = report.totals;
  const parts = [`${t.passed} passed`, `${t.failed} failed`];
  if (t.errors > 0) parts.push(`${t.errors} invalid`);
  if (t.notRun > 0) parts.push(`${t.notRun} not run (--bail)`);
  if (loadErrors > 0) parts.push(`${loadErrors} task${loadErrors === 1 ? '' : 's'} failed to load`);
  const tasks = report.tasks.length + loadErrors;
  return `Tests: ${parts.join(', ')} (${t.cases} case${t.cases === 1 ? '' : 's'} in ${tasks} task${tasks === 1 ? '' : 's'}, ${formatMs(report.durationMs)})`;
}

/** A one-line bar redrawn in place; `clear` before printing anything else. */
export class ProgressBar {
  private shown = false;
  private readonly stream: NodeJS.WriteStream;
  constructor(stream: NodeJS.WriteStream) {
    this.stream = stream;
  }
  update(done: number, total: number): void {
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 30));
    const filled = Math.round((done / total) * width);
    this.stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} cases`);
    this.shown = true;
  }
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
