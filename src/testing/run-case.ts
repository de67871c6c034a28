// One test case: parse the file, run the task once with the case's mocks, judge the result.
// Used as is by the in-process runner and by the worker threads of `--parallel`.
import type { HttpClientOptions } from '../http/client.ts';
import { createSyncFetcher, type SyncFetcher } from '../http/sync-fetch.ts';
import { runTask, type RuntimeLimits, type TaskRunResult } from '../runtime/run-task.ts';
import type { LogEntry, TaskErrorInfo } from '../runtime/types.ts';
import type { TaskPackage, TaskTestFile } from '../tasks/types.ts';
import { checkAssertion } from './assertions.ts';
import { diffValues, formatDiff, formatValue, type DiffLine } from './diff.ts';
import { createMockFetch } from './mocks.ts';
import { parseTestCase, TestCaseError, type TestCase } from './test-case.ts';

export type CaseStatus = 'passed' | 'failed' | 'error';

export interface CaseResult {
  name: string;
  file: string;
  description?: string;
  /** `error`: the test file itself is unusable (bad shape); `failed`: an expectation was not met. */
  status: CaseStatus;
  durationMs: number;
  /** Why it failed, one finding per line. */
  message?: string;
  /** `- $.x: expected` / `+ $.x: actual` lines when the output differed. */
  diff?: string[];
  /** The task's error when it failed unexpectedly (with location, for a source excerpt). */
  error?: TaskErrorInfo;
  /** Output the task returned, when it completed. */
  output?: unknown;
  /** Type and message of the task's error whenever the run failed, expected or not. */
  failure?: { type: string; message: string };
  logs: LogEntry[];
  /** Declared mocks no request used (informational). */
  unusedMocks: string[];
  /** Warnings about the test file itself, such as a misspelt key (`file:line:col at $.key: …`). */
  warnings?: string[];
  /** CaseRunOptions.collectGlobal read back after the run (instrumented code). */
  collected?: string;
  /** With CaseRunOptions.measureHeap: the guest heap at its largest during the run. */
  peakHeapBytes?: number;
}

export interface CaseRunOptions {
  limits?: RuntimeLimits;
  /** HTTP client settings for cases with `allow_network: true`. */
  http: HttpClientOptions;
  /**
   * Ignore `allow_network`: requests that match no mock fail, so a run cannot reach (and change)
   * anything outside. Used where running the cases must stay read-only (MCP ratchet_validate_task).
   */
  offline?: boolean;
  /** A guest global to read back after each run (see SandboxRequest.collectGlobal). */
  collectGlobal?: string;
  /** Sample the guest heap (CaseResult.peakHeapBytes), as a profile does; for benchmarks. */
  measureHeap?: boolean;
}

/** The parsed case, or the error result of an unusable test file. */
function parseCase(
  file: TaskTestFile,
  started: number,
  defaultMatch?: 'exact' | 'partial',
): TestCase | CaseResult {
  try {
    return parseTestCase(file, defaultMatch);
  } catch (e) {
    if (!(e instanceof TestCaseError)) throw e;
    return {
      name: file.name.replace(/\.json$/, ''),
      file: file.name,
      status: 'error',
      durationMs: performance.now() - started,
      message: `invalid test file:\n${e.message}`,
      logs: [],
      unusedMocks: [],
    };
  }
}

/**
 * The result of a case whose run the host ended from outside (the watchdog replaced its thread),
 * judged like any failed run: a case expecting that TimeoutError passes.
 */
export function stoppedCaseResult(file: TaskTestFile, error: TaskErrorInfo, durationMs: number): CaseResult {
  const tc = parseCase(file, performance.now());
  if ('status' in tc) return tc;
  const run: TaskRunResult = {
    status: 'FAILED',
    executionId: '',
    error,
    logs: [],
    progress: [],
    http: [],
    durationMs,
  };
  return caseResult(tc, run, durationMs, { unmatched: [], unused: [] }, false);
}

export async function runTestCase(
  pkg: TaskPackage,
  file: TaskTestFile,
  opts: CaseRunOptions,
  onDeadline?: (deadline: number, timeoutMs: number) => void,
): Promise<CaseResult> {
  const started = performance.now();
  const tc = parseCase(file, started, pkg.metadata.testMatch);
  if ('status' in tc) return tc;
  let network: SyncFetcher | undefined;
  const mocks = createMockFetch(tc.mocks, {
    fallback:
      tc.allowNetwork && opts.offline !== true
        ? (req, timeout) => (network ??= createSyncFetcher(opts.http)).fetch(req, timeout)
        : undefined,
  });
  let run: TaskRunResult;
  try {
    run = await runTask(pkg, {
      input: tc.input,
      fetch: mocks.fetch,
      limits: opts.limits,
      collectGlobal: opts.collectGlobal,
      ...(opts.measureHeap ? { profile: true } : {}),
      onDeadline,
    });
  } finally {
    network?.close();
  }
  const mockReport = {
    unmatched: mocks.unmatched(),
    unused: mocks.unused().map((m) => `${m.method ?? 'ANY'} ${m.url} (${m.source})`),
  };
  const offlineNetwork = tc.allowNetwork && opts.offline === true && mockReport.unmatched.length > 0;
  return caseResult(tc, run, performance.now() - started, mockReport, offlineNetwork);
}

function caseResult(
  tc: TestCase,
  run: TaskRunResult,
  durationMs: number,
  mocks: { unmatched: string[]; unused: string[] },
  offlineNetwork: boolean,
): CaseResult {
  const findings = judge(tc, run);
  findings.problems.unshift(...mocks.unmatched);
  if (offlineNetwork) {
    findings.problems.push(
      'this case sets allow_network, but it ran offline (only its mocks answer); run it where the network is allowed (ratchet test, ratchet_run_task_tests)',
    );
  }
  const result: CaseResult = {
    name: tc.name,
    file: tc.file,
    status: findings.problems.length === 0 ? 'passed' : 'failed',
    durationMs,
    logs: run.logs,
    unusedMocks: mocks.unused,
  };
  if (tc.description !== undefined) result.description = tc.description;
  if (tc.warnings.length > 0) result.warnings = tc.warnings;
  if (findings.problems.length > 0) result.message = findings.problems.join('\n');
  if (findings.diff.length > 0) result.diff = findings.diff;
  if (run.status === 'COMPLETED') result.output = run.output;
  if (run.timings?.heap) result.peakHeapBytes = run.timings.heap.peakBytes;
  if (run.status !== 'COMPLETED' && run.error)
    result.failure = { type: run.error.type, message: run.error.message };
  if (findings.unexpectedError && run.error) result.error = run.error;
  if (run.collected !== undefined) result.collected = run.collected;
  return result;
}

interface Findings {
  problems: string[];
  diff: string[];
  unexpectedError: boolean;
}

function judge(tc: TestCase, run: TaskRunResult): Findings {
  const f: Findings = { problems: [], diff: [], unexpectedError: false };
  const { expect } = tc;
  const expectsFailure = expect.shouldFail || expect.error !== undefined;
  if (expectsFailure) {
    if (run.status === 'COMPLETED') {
      f.problems.push(`expected the task to fail, but it completed with output ${formatValue(run.output)}`);
      return f;
    }
    const err = run.error!;
    const want = expect.error;
    if (want?.type !== undefined && want.type !== err.type) {
      f.problems.push(`expected error type ${want.type}, got ${err.type}: ${err.message}`);
    }
    if (want?.message !== undefined && !err.message.includes(want.message)) {
      f.problems.push(
        `expected the error message to contain ${JSON.stringify(want.message)}, got ${err.type}: ${err.message}`,
      );
    }
    const errorView: Record<string, unknown> = { type: err.type, message: err.message };
    if (err.status !== undefined) errorView.status = err.status;
    for (const a of expect.assertions) {
      const problem = checkAssertion(errorView, a);
      if (problem) f.problems.push(problem);
    }
    return f;
  }
  if (run.status !== 'COMPLETED') {
    f.unexpectedError = true;
    f.problems.push(`the task failed: ${run.error!.type}: ${run.error!.message}`);
    return f;
  }
  if (expect.hasOutput) {
    const lines = diffValues(expect.output, run.output, expect.match);
    if (lines.length > 0) {
      f.problems.push(
        expect.match === 'partial'
          ? 'output does not match the expected output (partial match)'
          : exactMismatch(lines),
      );
      f.diff = formatDiff(lines);
    }
  }
  for (const a of expect.assertions) {
    const problem = checkAssertion(run.output, a);
    if (problem) f.problems.push(problem);
  }
  return f;
}

/**
 * An exact comparison that failed only because the output has keys the test does not list (the
 * task guide's examples leave out volatile fields such as timestamps) says how to compare partially.
 */
function exactMismatch(lines: readonly DiffLine[]): string {
  if (!lines.every((l) => l.kind === 'extra')) {
    return 'output differs from the expected output';
  }
  const keys = lines.map((l) => l.path).join(', ');
  return (
    `output differs from the expected output: it has every expected value, plus keys the test does not list (${keys}); ` +
    'to compare only the listed keys, add "match": "partial" to the test file (or "test_match": "partial" to metadata.json for every test of the task)'
  );
}
