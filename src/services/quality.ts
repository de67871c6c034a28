// The quality tools (coverage, generated cases, fuzzing, breakpoints, replays, profiles) on a stored task
// version: its files go to a worker thread that runs the job (quality-thread.ts).
import { Worker } from 'node:worker_threads';
import { onThreadLost, SANDBOX_THREAD_LIMITS } from '../runtime/watchdog.ts';
import { trackThread } from './app-threads.ts';
import type { Ratchet } from './context.ts';
import { ConflictError, NotFoundError } from '../store/codec.ts';
import type { QualityJob, QualityResults } from '../quality/ops.ts';
import { PERFORMANCE_RUNS, type BaselineReport } from '../quality/baseline.ts';
import type { RecordedRun, ReplayReport } from '../quality/replay.ts';
import type { ProfileJobResult } from '../quality/profile-job.ts';
import type { HttpExchange } from '../http/types.ts';
import type { TaskErrorInfo } from '../runtime/types.ts';
import { maskWriteOnly } from '../redaction/index.ts';
import { getTaskVersionById } from '../store/repos/tasks.ts';
import { getExecutionRecord } from './executions.ts';
import { httpOptionsFromConfig, runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { filesOfVersion } from '../tasks/stored-versions.ts';
import { getTaskDetail } from './tasks.ts';
import type { QualityThreadData } from './quality-thread.ts';

const THREAD_URL = new URL(
  `./quality-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/** The job's arguments cannot be used (a breakpoint on nothing, main.js that does not parse). */
export class QualityInputError extends Error {
  override readonly name = 'QualityInputError';
}

export interface StoredQualityResult<T> {
  task: string;
  version: string;
  result: T;
}

export async function runQualityOnStoredTask<J extends QualityJob>(
  app: Ratchet,
  ref: string | number,
  version: string | undefined,
  job: J,
): Promise<StoredQualityResult<QualityResults[J['kind']]>> {
  const detail = await getTaskDetail(app, ref, version);
  if (!detail.version) throw new NotFoundError(`task "${detail.name}" has no enabled version`);
  const data: QualityThreadData = {
    files: filesOfVersion(detail, detail.version),
    label: `${detail.name}@${detail.version.version}`,
    job,
    env: { limits: runtimeLimitsFromConfig(app.config), http: httpOptionsFromConfig(app.config) },
  };
  const result = await inThread<QualityResults[J['kind']]>(app, data);
  return { task: detail.name, version: detail.version.version, result };
}

function inThread<T>(app: Ratchet, data: QualityThreadData): Promise<T> {
  // Its sandbox runs are under the watchdog (coverage runs cases in watched threads, fuzz runs with
  // a hard deadline); shutdown ends the thread itself (app-threads.ts).
  const worker = new Worker(THREAD_URL, { workerData: data, resourceLimits: SANDBOX_THREAD_LIMITS });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      untrack();
      fn();
      void worker.terminate();
    };
    const untrack = trackThread(app, worker, (err) => done(() => reject(err)));
    worker.once('message', (m: { ok: true; result: T } | { ok: false; input?: boolean; message: string }) =>
      done(() =>
        m.ok
          ? resolve(m.result)
          : reject(
              m.input
                ? new QualityInputError(m.message)
                : new Error(`${data.job.kind} of ${data.label} failed: ${m.message}`),
            ),
      ),
    );
    onThreadLost(worker, `the ${data.job.kind} thread`, (why) => done(() => reject(new Error(why))));
  });
}

/**
 * The stored version's test cases run through it and through `baselineVersion` of the same task
 * (quality/baseline.ts); with comparePerformance each case runs PERFORMANCE_RUNS times per version.
 */
export async function compareStoredWithBaseline(
  app: Ratchet,
  ref: string | number,
  version: string | undefined,
  baselineVersion: string,
  comparePerformance: boolean,
): Promise<StoredQualityResult<BaselineReport>> {
  const baseline = await getTaskDetail(app, ref, baselineVersion);
  if (!baseline.version) throw new NotFoundError(`task "${baseline.name}" has no version ${baselineVersion}`);
  return runQualityOnStoredTask(app, ref, version, {
    kind: 'baseline',
    baselineFiles: filesOfVersion(baseline, baseline.version),
    baselineLabel: `${baseline.name}@${baseline.version.version}`,
    runs: comparePerformance ? PERFORMANCE_RUNS : 1,
  });
}

/**
 * Runs a stored execution again on its recorded input with every fetch answered from its recorded
 * HTTP exchanges (quality/replay.ts), on its own version or another; the outcome is compared with
 * the recorded one. Inputs stored masked (writeOnly fields) cannot be replayed: the values are gone.
 */
export async function replayStoredExecution(
  app: Ratchet,
  ref: string | number,
  version: string | undefined,
): Promise<StoredQualityResult<ReplayReport> & { executionId: number }> {
  const {
    taskId,
    version: target,
    run,
    executionId,
  } = await recordedExecution(app, ref, version, 'replayed');
  const replayed = await runQualityOnStoredTask(app, taskId, target, { kind: 'replay', run });
  return { ...replayed, executionId };
}

/**
 * A stored execution replayed with its recorded HTTP answers, each after its recorded duration,
 * profiled (quality/profile-job.ts): where that run's time went, on its version or another.
 */
export async function profileStoredExecution(
  app: Ratchet,
  ref: string | number,
  version: string | undefined,
): Promise<StoredQualityResult<ProfileJobResult> & { executionId: number }> {
  const {
    taskId,
    version: target,
    run,
    executionId,
  } = await recordedExecution(app, ref, version, 'profiled');
  const profiled = await runQualityOnStoredTask(app, taskId, target, {
    kind: 'profile',
    source: { replay: run },
  });
  return { ...profiled, executionId };
}

/** A finished execution as a RecordedRun, and the version to run it on (its own by default). */
async function recordedExecution(
  app: Ratchet,
  ref: string | number,
  version: string | undefined,
  verb: 'replayed' | 'profiled',
): Promise<{ taskId: number; version: string; run: RecordedRun; executionId: number }> {
  const e = await getExecutionRecord(app, ref);
  if (e.status !== 'COMPLETED' && e.status !== 'FAILED') {
    throw new ConflictError(
      `execution ${e.id} is ${e.status}; only a finished run (COMPLETED or FAILED) can be ${verb}`,
    );
  }
  const ran = await getTaskVersionById(app.store.db, e.taskVersionId);
  if (ran && maskWriteOnly(ran.inputSchema, e.input).holdsMask) {
    throw new ConflictError(
      `execution ${e.id}'s input has writeOnly fields whose values are not stored; it cannot be ${verb}`,
    );
  }
  const target = version ?? ran?.version;
  if (target === undefined)
    throw new NotFoundError(
      `task version ${e.taskVersionId} of execution ${e.id} no longer exists; give a version`,
    );
  return {
    taskId: e.taskId,
    version: target,
    executionId: e.id,
    run: {
      path: `execution ${e.id}`,
      input: e.input,
      ...(e.status === 'COMPLETED' ? { output: e.output } : { error: e.error as TaskErrorInfo }),
      exchanges: (e.http ?? []) as HttpExchange[],
      info: { executionId: e.uuid },
    },
  };
}
