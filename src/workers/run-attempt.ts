// Runs one claimed attempt in the executor pool: looks up the version's files (cached per version),
// hands the job to a thread and reports progress as it comes. Whatever goes wrong on the host's
// side (the version vanished, the pool is closing) becomes a FAILED result with an InternalError,
// so every claimed attempt ends in a result the writer can store.
import type { ClaimedJob } from '../queue/claim-jobs.ts';
import type { TaskRunResult } from '../runtime/run-task.ts';
import type { LogEntry } from '../runtime/types.ts';
import type { ExecutorPool } from './pool.ts';
import type { VersionFiles } from './version-files.ts';

export interface AttemptRun {
  pool: ExecutorPool;
  versions: VersionFiles;
  /** Called once the files are loaded and the job is handed to a thread. */
  started: () => void;
  progress: (event: unknown) => void;
  /** Log lines while the task runs (batched, bounded rate). */
  logs?: (entries: LogEntry[], dropped: number) => void;
}

export async function runAttempt(c: ClaimedJob, o: AttemptRun): Promise<TaskRunResult> {
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    o.started();
  };
  try {
    const v = await o.versions.get(c.taskVersionId);
    start();
    return await o.pool.run(
      {
        jobId: c.job.id,
        executionId: c.executionId,
        executionUuid: c.executionUuid,
        versionId: c.taskVersionId,
        files: () => v.files,
        label: v.label,
        input: c.runInput,
        timeoutMs: c.job.timeoutMs ?? undefined,
        context: { taskId: v.taskUuid, taskVersion: v.version, jobId: c.job.uuid },
      },
      o.progress,
      o.logs,
    );
  } catch (err) {
    start();
    const e = err as Error;
    return {
      status: 'FAILED',
      executionId: c.executionUuid,
      error: { type: 'InternalError', message: e.message, stack: e.stack },
      logs: [],
      progress: [],
      http: [],
      durationMs: 0,
    };
  }
}
