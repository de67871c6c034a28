// What a finished run becomes for the result writer: the attempt's verdict (a cancel the user asked
// for is CANCELLED, an interrupt for shutdown is a hand-back), output, error, logs and HTTP calls.
import { cancelledByHost } from '../runtime/errors.ts';
import type { TaskRunResult } from '../runtime/run-task.ts';
import type { PendingResult } from './result-writer.ts';
import type { Active } from './upkeep.ts';

export function pendingResult(
  active: Active,
  result: TaskRunResult,
  workerId: string,
  finishedAt: number,
): PendingResult {
  const c = active.claimed;
  // Only the host's own cancel counts: a task throwing { type: "CancelledError" } is a failure.
  const cancelled = result.status === 'FAILED' && cancelledByHost(result.error);
  return {
    maxRetries: c.job.maxRetries,
    handBack: active.handBack && cancelled,
    workflowStepId: c.job.workflowStepId,
    result: {
      jobId: c.job.id,
      attempt: c.job.attempts,
      executionId: c.executionId,
      workerId,
      status:
        result.status === 'COMPLETED'
          ? 'COMPLETED'
          : cancelled && active.cancelRequested
            ? 'CANCELLED'
            : 'FAILED',
      output: result.output,
      error: result.error ?? null,
      logs: result.logs,
      http: result.http,
      progress: result.progress.at(-1) ?? active.progress ?? null,
      finishedAt,
      // A job claimed ahead waited in its thread's queue before its run began. A run the pool
      // never started, or ended from outside (crash, watchdog), has no start of its own.
      ...(result.startedAt !== undefined ? { startedAt: result.startedAt } : {}),
    },
  };
}
