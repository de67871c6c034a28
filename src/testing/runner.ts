// Runs the test cases of one or more tasks: selection (--filter), order (file name within a
// task, tasks as given), --bail, and --parallel lanes. Every case runs in a worker thread of the
// pool (one thread without --parallel) under the watchdog, never on the caller's thread: a case
// stuck where the sandbox cannot interrupt it is ended at its deadline. Results are reported to
// `onCase` in that order even when cases finish out of order, so output reads the same either way.
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits } from '../runtime/run-task.ts';
import { parseRegex } from '../tasks/test-shape.ts';
import type { TaskPackage, TaskTestFile } from '../tasks/types.ts';
import { CaseWorkerPool } from './pool.ts';
import type { CaseResult } from './run-case.ts';

export interface TestSuite {
  pkg: TaskPackage;
  /** Where the task was loaded from, as the user gave it. */
  path: string;
}

export interface TestRunOptions {
  /** Substring of a case's name or file name (case-insensitive), or `/regex/flags`. */
  filter?: string;
  /** Stop starting cases after the first one that does not pass. */
  bail?: boolean;
  /** Worker threads running cases at the same time (default 1). */
  parallel?: number;
  limits?: RuntimeLimits;
  /** HTTP settings for cases with `allow_network: true`. */
  http: HttpClientOptions;
  /** Ignore `allow_network` (see CaseRunOptions.offline). */
  offline?: boolean;
  /** A guest global read back after each case (CaseResult.collected): instrumented code. */
  collectGlobal?: string;
  onCase?: (suiteIndex: number, result: CaseResult) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface TaskTestReport {
  task: { name: string; version: string; path: string };
  cases: CaseResult[];
  passed: number;
  failed: number;
  errors: number;
  /** Selected cases that never ran because of --bail. */
  notRun: number;
  /** Cases left out by --filter. */
  filteredOut: number;
  durationMs: number;
}

export interface TestRunReport {
  tasks: TaskTestReport[];
  totals: { cases: number; passed: number; failed: number; errors: number; notRun: number };
  durationMs: number;
}

interface Job {
  suite: number;
  file: TaskTestFile;
}

export function caseFilter(pattern: string | undefined): (name: string, file: string) => boolean {
  if (pattern === undefined || pattern === '') return () => true;
  if (/^\/.*\/[a-z]*$/s.test(pattern)) {
    const re = parseRegex(pattern);
    return (name, file) => re.test(name) || re.test(file);
  }
  const needle = pattern.toLowerCase();
  return (name, file) => name.toLowerCase().includes(needle) || file.toLowerCase().includes(needle);
}

/** The `name` a test file gives itself (without judging the rest of it), else its file name. */
function caseName(file: TaskTestFile): string {
  try {
    const v = JSON.parse(file.text) as { name?: unknown };
    if (typeof v.name === 'string' && v.name !== '') return v.name;
  } catch {
    // A broken file still runs, and reports itself as an error.
  }
  return file.name.replace(/\.json$/, '');
}

function errorResult(file: TaskTestFile, err: unknown): CaseResult {
  return {
    name: caseName(file),
    file: file.name,
    status: 'error',
    durationMs: 0,
    message: `the test runner failed: ${err instanceof Error ? err.message : String(err)}`,
    logs: [],
    unusedMocks: [],
  };
}

export async function runTestSuites(
  suites: readonly TestSuite[],
  opts: TestRunOptions,
): Promise<TestRunReport> {
  const started = performance.now();
  const selected = caseFilter(opts.filter);
  const jobs: Job[] = [];
  const filteredOut = suites.map(() => 0);
  suites.forEach((s, suite) => {
    for (const file of [...s.pkg.tests].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (selected(caseName(file), file.name)) jobs.push({ suite, file });
      else filteredOut[suite]!++;
    }
  });

  const lanes = Math.max(1, Math.min(opts.parallel ?? 1, jobs.length));
  const caseOpts = {
    limits: opts.limits,
    http: opts.http,
    offline: opts.offline,
    collectGlobal: opts.collectGlobal,
  };
  const pool = jobs.length > 0 ? new CaseWorkerPool(lanes, caseOpts) : undefined;
  const results: (CaseResult | undefined)[] = jobs.map(() => undefined);
  let next = 0;
  let done = 0;
  let emitted = 0;
  let stop = false;
  const emit = (final: boolean): void => {
    for (; emitted < jobs.length; emitted++) {
      const r = results[emitted];
      if (r) opts.onCase?.(jobs[emitted]!.suite, r);
      else if (!final) return;
    }
  };
  const runOne = async (job: Job): Promise<CaseResult> => {
    const pkg = suites[job.suite]!.pkg;
    try {
      return await pool!.run(job.suite, pkg, job.file);
    } catch (e) {
      return errorResult(job.file, e);
    }
  };
  const lane = async (): Promise<void> => {
    while (!stop && next < jobs.length) {
      const i = next++;
      const result = await runOne(jobs[i]!);
      results[i] = result;
      if (opts.bail && result.status !== 'passed') stop = true;
      opts.onProgress?.(++done, jobs.length);
      emit(false);
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    await pool?.close();
  }
  emit(true);

  const tasks: TaskTestReport[] = suites.map((s, i) => ({
    task: { name: s.pkg.metadata.name, version: s.pkg.metadata.version, path: s.path },
    cases: [],
    passed: 0,
    failed: 0,
    errors: 0,
    notRun: 0,
    filteredOut: filteredOut[i]!,
    durationMs: 0,
  }));
  jobs.forEach((job, i) => {
    const t = tasks[job.suite]!;
    const r = results[i];
    if (!r) return void t.notRun++;
    t.cases.push(r);
    t.durationMs += r.durationMs;
    if (r.status === 'passed') t.passed++;
    else if (r.status === 'failed') t.failed++;
    else t.errors++;
  });
  const sum = (k: 'passed' | 'failed' | 'errors' | 'notRun'): number => tasks.reduce((n, t) => n + t[k], 0);
  return {
    tasks,
    totals: {
      cases: jobs.length,
      passed: sum('passed'),
      failed: sum('failed'),
      errors: sum('errors'),
      notRun: sum('notRun'),
    },
    durationMs: performance.now() - started,
  };
}

/** The test cases of one task. */
export async function runTaskTests(pkg: TaskPackage, opts: TestRunOptions): Promise<TaskTestReport> {
  const report = await runTestSuites([{ pkg, path: pkg.origin.path ?? pkg.metadata.name }], opts);
  return report.tasks[0]!;
}
