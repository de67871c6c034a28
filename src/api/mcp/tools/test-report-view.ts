// The report of a test run as the testing tools return it: counts, success, and one entry per case
// with its diff, error and console lines.
import { z } from 'zod';
import type { TaskTestReport } from '../../../testing/runner.ts';

const caseView = z.object({
  name: z.string(),
  file: z.string(),
  status: z.enum(['passed', 'failed', 'error']).describe('error: the test file itself is unusable'),
  duration_ms: z.number(),
  message: z.string().nullable().describe('Why it did not pass'),
  diff: z.array(z.string()).describe('"- $.x: expected" / "+ $.x: actual" lines when the output differed'),
  error: z
    .unknown()
    .describe('The task error { type, message, location } when it threw unexpectedly, else null'),
  output: z.unknown().describe('What the task returned (null when it threw)'),
  logs: z.array(z.string()).describe('console output of the run'),
});

export const reportView = z.object({
  task: z.string(),
  version: z.string(),
  passed: z.number().int(),
  failed: z.number().int(),
  errors: z.number().int(),
  not_run: z.number().int().describe('Skipped after a failure with stop_on_failure'),
  filtered_out: z.number().int(),
  success: z.boolean().describe('True when at least one case ran and every case that ran passed'),
  cases: z.array(caseView),
});

export function reportViewOf(r: TaskTestReport): z.input<typeof reportView> {
  const [name, version] = r.task.path.split('@');
  return {
    task: name ?? r.task.name,
    version: version ?? r.task.version,
    passed: r.passed,
    failed: r.failed,
    errors: r.errors,
    not_run: r.notRun,
    filtered_out: r.filteredOut,
    success: r.cases.length > 0 && r.failed === 0 && r.errors === 0,
    cases: r.cases.map((c) => ({
      name: c.name,
      file: c.file,
      status: c.status,
      duration_ms: Math.round(c.durationMs * 100) / 100,
      message: c.message ?? null,
      diff: c.diff ?? [],
      error: c.error ?? null,
      output: c.output ?? null,
      logs: c.logs.map((l) => `[${l.level}] ${l.message}`),
    })),
  };
}
