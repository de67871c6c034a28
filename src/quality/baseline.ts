// Regression against a baseline version: the current task's test cases (inputs and HTTP mocks) run
// through both versions, and every case is compared on what the task did, not on the expectations
// (those are written for the current version): an output that differs (path by path), a run that
// now fails or fails differently, a run that now succeeds, and, with `runs` > 1, a median duration
// beyond the threshold. A regression is anything that got worse; "now succeeds" is not one.
import { structuralDiff, type ValueChange } from '../tasks/json-diff.ts';
import type { TaskPackage } from '../tasks/types.ts';
import type { CaseResult } from '../testing/run-case.ts';
import { runTestSuites, type TestRunOptions } from '../testing/runner.ts';

export type BaselineChange = 'same' | 'output-changed' | 'now-fails' | 'error-changed' | 'now-succeeds';

export interface RunOutcome {
  /** The task returned (whatever the case expected) or threw. */
  completed: boolean;
  output?: unknown;
  error?: { type: string; message: string };
  /** Median over the runs. */
  durationMs: number;
}

export interface BaselineCase {
  name: string;
  file: string;
  change: BaselineChange;
  baseline: RunOutcome;
  current: RunOutcome;
  /** Output paths that differ (output-changed). */
  outputChanges: ValueChange[];
  /** Current median above the baseline's by more than the threshold (only with runs > 1). */
  slower: boolean;
}

export interface BaselineReport {
  task: string;
  baselineVersion: string;
  currentVersion: string;
  /** Runs per case and version (durations are medians over them). */
  runs: number;
  thresholdPct: number;
  cases: BaselineCase[];
  /** Cases that got worse: changed output, new or different failures, and (with runs > 1) slower. */
  regressions: number;
}

export interface BaselineOptions extends Pick<TestRunOptions, 'limits' | 'http' | 'filter' | 'parallel'> {
  /** Runs per case and version; above 1 durations are compared (default 1). */
  runs?: number;
  /** How much slower counts as a regression, percent (default 20); differences under 1 ms never do. */
  thresholdPct?: number;
}

/** Runs per case and version when durations are compared (they are medians over them). */
export const PERFORMANCE_RUNS = 5;

/** Below this a duration difference is noise, whatever the percentage. */
const MIN_SLOWER_MS = 1;

export async function compareWithBaseline(
  current: TaskPackage,
  baseline: TaskPackage,
  opts: BaselineOptions,
): Promise<BaselineReport> {
  const runs = Math.max(1, opts.runs ?? 1);
  const thresholdPct = opts.thresholdPct ?? 20;
  // The baseline runs the current version's cases: same inputs, same mocks.
  const baselineWithCases: TaskPackage = { ...baseline, tests: current.tests };
  const runOpts = {
    limits: opts.limits,
    http: opts.http,
    filter: opts.filter,
    parallel: opts.parallel,
    offline: true,
  };
  const byVersion: CaseResult[][][] = [[], []];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so drift in the machine's speed hits both versions alike.
    const report = await runTestSuites(
      [
        { pkg: baselineWithCases, path: `${baseline.metadata.name}@${baseline.metadata.version}` },
        { pkg: current, path: `${current.metadata.name}@${current.metadata.version}` },
      ],
      runOpts,
    );
    report.tasks.forEach((t, v) => byVersion[v]!.push(t.cases));
  }
  const cases = byVersion[1]![0]!.map((first, i): BaselineCase => {
    const before = outcome(byVersion[0]!.map((r) => r[i]!));
    const after = outcome(byVersion[1]!.map((r) => r[i]!));
    const outputChanges =
      before.completed && after.completed ? structuralDiff(before.output, after.output) : [];
    const slower =
      runs > 1 &&
      after.durationMs - before.durationMs > MIN_SLOWER_MS &&
      after.durationMs > before.durationMs * (1 + thresholdPct / 100);
    return {
      name: first.name,
      file: first.file,
      change: changeOf(before, after, outputChanges),
      baseline: before,
      current: after,
      outputChanges,
      slower,
    };
  });
  return {
    task: current.metadata.name,
    baselineVersion: baseline.metadata.version,
    currentVersion: current.metadata.version,
    runs,
    thresholdPct,
    cases,
    regressions: cases.filter((c) => isRegression(c)).length,
  };
}

export function isRegression(c: BaselineCase): boolean {
  return (
    c.slower || c.change === 'output-changed' || c.change === 'now-fails' || c.change === 'error-changed'
  );
}

function outcome(results: CaseResult[]): RunOutcome {
  const first = results[0]!;
  const durations = results.map((r) => r.durationMs).sort((a, b) => a - b);
  const durationMs = Math.round(durations[Math.floor(durations.length / 2)]! * 100) / 100;
  // A case whose file is unusable ran nothing; it reads as a failure with the file's message.
  const failure =
    first.failure ??
    (first.status === 'error'
      ? { type: 'TestFileError', message: first.message ?? 'the test file is unusable' }
      : undefined);
  if (failure) return { completed: false, error: failure, durationMs };
  return { completed: true, output: first.output, durationMs };
}

function changeOf(before: RunOutcome, after: RunOutcome, outputChanges: ValueChange[]): BaselineChange {
  if (before.completed && !after.completed) return 'now-fails';
  if (!before.completed && after.completed) return 'now-succeeds';
  if (!before.completed && !after.completed) {
    return before.error?.type === after.error?.type && before.error?.message === after.error?.message
      ? 'same'
      : 'error-changed';
  }
  return outputChanges.length > 0 ? 'output-changed' : 'same';
}
