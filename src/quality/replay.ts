// Replaying a recorded run (a recording session's folder, or a stored execution): run the task again
// on the recorded input with every fetch answered from the recorded exchanges (no network), then
// compare the outcome with the recorded one.
// The replay passes only when the task made exactly the recorded requests, in order, and ended
// the same way: equal output (deep equality), or the same error type and message.
import { createReplayFetch, type ReplayMismatch } from './replay-fetch.ts';
import { runTask, type RuntimeLimits, type TaskRunResult } from '../runtime/run-task.ts';
import type { TaskErrorInfo } from '../runtime/types.ts';
import type { TaskPackage } from '../tasks/types.ts';
import { diffValues, type DiffLine } from '../testing/diff.ts';
import type { HttpExchange } from '../http/types.ts';

/** What a replay needs of a recorded run (a recording session satisfies it). */
export interface RecordedRun {
  /** Where it came from: a session folder, or `execution N`. */
  path: string;
  input: unknown;
  output?: unknown;
  error?: TaskErrorInfo;
  exchanges: HttpExchange[];
  info?: { executionId: string };
}

export interface ReplayReport {
  matches: boolean;
  session: string;
  /** Requests the task made that the recording did not have next. */
  mismatches: ReplayMismatch[];
  /** Recorded requests the replayed run never made. */
  unused: { method: string; url: string }[];
  expected: { status: 'COMPLETED'; output: unknown } | { status: 'FAILED'; error: TaskErrorInfo };
  actual: { status: TaskRunResult['status']; output?: unknown; error?: TaskErrorInfo };
  /** Output differences (recorded → replayed), when both runs completed. */
  differences: DiffLine[];
  /** Why the outcome differs when it is not a matter of output fields. */
  outcomeProblem?: string;
  result: TaskRunResult;
}

export interface ReplayOptions {
  limits?: RuntimeLimits;
  timeoutMs?: number;
}

function describeError(e: TaskErrorInfo | undefined): string {
  return e ? `${e.type}: ${e.message}` : 'no error';
}

function compareOutcome(
  session: RecordedRun,
  result: TaskRunResult,
): { differences: DiffLine[]; outcomeProblem?: string } {
  if (session.error !== undefined) {
    if (result.status === 'COMPLETED') {
      return {
        differences: [],
        outcomeProblem: `the recording failed with ${describeError(session.error)} but the replay completed`,
      };
    }
    const same = result.error?.type === session.error.type && result.error.message === session.error.message;
    return same
      ? { differences: [] }
      : {
          differences: [],
          outcomeProblem: `the recording failed with ${describeError(session.error)} but the replay failed with ${describeError(result.error)}`,
        };
  }
  if (result.status !== 'COMPLETED') {
    return {
      differences: [],
      outcomeProblem: `the recording completed but the replay failed with ${describeError(result.error)}`,
    };
  }
  return { differences: diffValues(session.output, result.output, 'exact') };
}

export async function replaySession(
  pkg: TaskPackage,
  session: RecordedRun,
  opts: ReplayOptions = {},
): Promise<ReplayReport> {
  const replay = createReplayFetch(session.exchanges);
  // Reusing the recorded execution id keeps outputs that echo context.executionId comparable.
  const context = session.info?.executionId ? { executionId: session.info.executionId } : undefined;
  const result = await runTask(pkg, {
    input: session.input,
    fetch: replay.fetch,
    limits: opts.limits,
    timeoutMs: opts.timeoutMs,
    context,
  });
  const { differences, outcomeProblem } = compareOutcome(session, result);
  const unused = replay.unused().map((x) => ({ method: x.request.method, url: x.request.url }));
  const report: ReplayReport = {
    matches:
      replay.mismatches.length === 0 &&
      unused.length === 0 &&
      differences.length === 0 &&
      outcomeProblem === undefined,
    session: session.path,
    mismatches: replay.mismatches,
    unused,
    expected:
      session.error !== undefined
        ? { status: 'FAILED', error: session.error }
        : { status: 'COMPLETED', output: session.output },
    actual:
      result.status === 'COMPLETED'
        ? { status: result.status, output: result.output }
        : { status: result.status, error: result.error },
    differences,
    result,
  };
  if (outcomeProblem !== undefined) report.outcomeProblem = outcomeProblem;
  return report;
}
