// How a run's result looks in a terminal: task logs on stderr, the output as JSON on stdout, and
// failures as the error class, message, the main.js line that threw (with a caret) and the stack.
import type { LogEntry, LogLevel, TaskErrorInfo } from '../runtime/types.ts';

const RANK: Record<LogLevel, number> = { debug: 0, log: 1, info: 1, warn: 2, error: 3 };
const THRESHOLD: Record<string, number> = {
  trace: 0,
  debug: 0,
  info: 1,
  warn: 2,
  error: 3,
  fatal: 4,
  silent: 5,
};

/** The task log levels shown for a `--log-level` (info, the default, hides console.debug). */
export function logFilter(level: string | undefined): (entry: LogEntry) => boolean {
  const min = THRESHOLD[level ?? 'info'] ?? 1;
  return (entry) => RANK[entry.level] >= min;
}

export function formatLogLine(entry: LogEntry): string {
  return `[${entry.level}] ${entry.message}`;
}

export function formatTaskError(error: TaskErrorInfo, code?: string): string {
  const lines = [`${error.type}: ${error.message}`];
  const loc = error.location;
  if (loc) {
    lines.push(`    at ${loc.file}:${loc.line}${loc.column !== undefined ? `:${loc.column}` : ''}`);
    if (code !== undefined && loc.file === 'main.js') lines.push(...excerpt(code, loc.line, loc.column));
  }
  const details = error.details as { violations?: { path: string; message: string }[] } | undefined;
  if (details?.violations) {
    for (const v of details.violations) lines.push(`    ${v.path}: ${v.message}`);
  }
  if (error.stack && !error.stack.includes('\n') && loc) return lines.join('\n');
  if (error.stack) lines.push('', 'stack:', error.stack);
  return lines.join('\n');
}

/** The failing line with one line of context either side and a caret under the column. */
export function excerpt(code: string, line: number, column?: number): string[] {
  const src = code.split('\n');
  const out: string[] = [];
  const width = String(Math.min(src.length, line + 1)).length;
  for (let n = Math.max(1, line - 1); n <= Math.min(src.length, line + 1); n++) {
    out.push(`  ${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${src[n - 1] ?? ''}`);
    if (n === line && column !== undefined)
      out.push(`    ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out;
}
