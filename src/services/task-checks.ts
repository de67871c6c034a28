// Checking a stored task: its validation report (what `ratchet validate` says about a folder) and
// a run of its test cases (what `ratchet test` does), plus execution statistics per task.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { sql } from 'kysely';
import type { Ratchet } from './context.ts';
import type { ExecutionStatus } from '../store/schema.ts';
import { validateTaskFiles, type ValidationReport } from '../tasks/validate.ts';
import type { TaskTestReport } from '../testing/runner.ts';
import { countJobsByStatus } from '../store/repos/jobs.ts';
import { filesOfVersion } from '../tasks/stored-versions.ts';
import { getTaskDetail } from './tasks.ts';
import { httpOptionsFromConfig, runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { requireTask } from './task-ref.ts';
import { NotFoundError } from '../store/codec.ts';
import type { TaskTestThreadData } from './task-test-thread.ts';
import { onThreadLost, SANDBOX_THREAD_LIMITS } from '../runtime/watchdog.ts';
import { trackThread } from './app-threads.ts';

const THREAD_URL = new URL(
  `./task-test-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

async function storedFiles(app: Ratchet, ref: string | number, version?: string) {
  const detail = await getTaskDetail(app, ref, version);
  if (!detail.version) throw new NotFoundError(`task "${detail.name}" has no enabled version`);
  return { detail, version: detail.version, files: filesOfVersion(detail, detail.version) };
}

/** The validation report of a stored version (default latest). */
export async function validateStoredTask(
  app: Ratchet,
  ref: string | number,
  version?: string,
): Promise<ValidationReport> {
  const { detail, version: v, files } = await storedFiles(app, ref, version);
  return validateTaskFiles(files, { kind: 'store', path: `${detail.name}@${v.version}` });
}

export interface TestTaskOptions {
  version?: string;
  /** Substring of a case name or file, or /regex/. */
  filter?: string;
  bail?: boolean;
  /** Ignore the cases' `allow_network`: nothing outside is reached. */
  offline?: boolean;
}

/** Runs the stored test cases in a worker thread (cases in parallel up to the core count). */
export async function testStoredTask(
  app: Ratchet,
  ref: string | number,
  opts: TestTaskOptions = {},
): Promise<TaskTestReport> {
  const { detail, version, files } = await storedFiles(app, ref, opts.version);
  return testTaskFiles(app, files, `${detail.name}@${version.version}`, opts);
}

/**
 * Runs the test cases of a task given as a file map (a stored version with a draft test added, an
 * upload) in a worker thread, exactly as testStoredTask does for a stored version.
 */
export async function testTaskFiles(
  app: Ratchet,
  files: Record<string, string>,
  label: string,
  opts: Omit<TestTaskOptions, 'version'> = {},
): Promise<TaskTestReport> {
  const data: TaskTestThreadData = {
    files,
    label,
    options: {
      filter: opts.filter,
      bail: opts.bail,
      offline: opts.offline,
      parallel: Math.max(1, Math.min(4, availableParallelism())),
      limits: runtimeLimitsFromConfig(app.config),
      http: httpOptionsFromConfig(app.config, app.listeningPorts),
    },
  };
  // Its cases run in threads of its own under the watchdog (testing/pool.ts); this thread
  // only loads the package and judges results, so it never spins.
  const worker = new Worker(THREAD_URL, { workerData: data, resourceLimits: SANDBOX_THREAD_LIMITS });
  return new Promise<TaskTestReport>((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      untrack();
      fn();
      void worker.terminate();
    };
    const untrack = trackThread(app, worker, (err) => done(() => reject(err)));
    worker.once('message', (m: { ok: true; report: TaskTestReport } | { ok: false; message: string }) =>
      done(() =>
        m.ok
          ? resolve(m.report)
          : reject(new Error(`running the tests of ${data.label} failed: ${m.message}`)),
      ),
    );
    onThreadLost(worker, `the test thread of ${data.label}`, (why) => done(() => reject(new Error(why))));
  });
}

export interface ExecutionFigures {
  total: number;
  byStatus: Record<ExecutionStatus, number>;
  /** Of finished executions; null when none finished. */
  averageDurationMs: number | null;
  minDurationMs: number | null;
  maxDurationMs: number | null;
  /** COMPLETED / (COMPLETED + FAILED), 0–1; null before any finished. */
  successRate: number | null;
  lastExecutionAt: string | null;
}

type Figure = number | string | null;

/**
 * Average, minimum and maximum duration and the latest creation time. Over all executions, each
 * is its own query so that each is answered from an index (executions_duration_idx,
 * executions_created_idx) instead of one scan of the whole table; over one task's executions, one
 * query through the task's index.
 */
async function durationFigures(
  app: Ratchet,
  taskId?: number,
): Promise<{ avg: Figure; min: Figure; max: Figure; last: Figure }> {
  const { db } = app.store;
  const from = () => {
    const q = db.selectFrom('executions');
    return taskId === undefined ? q : q.where('task_id', '=', taskId);
  };
  if (taskId !== undefined) {
    return from()
      .select((eb) => [
        eb.fn.avg<Figure>('duration_ms').as('avg'),
        eb.fn.min<Figure>('duration_ms').as('min'),
        eb.fn.max<Figure>('duration_ms').as('max'),
        eb.fn.max<Figure>('created_at').as('last'),
      ])
      .executeTakeFirstOrThrow();
  }
  const [avg, min, max, last] = await Promise.all([
    from()
      .select((eb) => eb.fn.avg<Figure>('duration_ms').as('v'))
      .executeTakeFirstOrThrow(),
    from()
      .select((eb) => eb.fn.min<Figure>('duration_ms').as('v'))
      .executeTakeFirstOrThrow(),
    from()
      .select((eb) => eb.fn.max<Figure>('duration_ms').as('v'))
      .executeTakeFirstOrThrow(),
    from()
      .select((eb) => eb.fn.max<Figure>('created_at').as('v'))
      .executeTakeFirstOrThrow(),
  ]);
  return { avg: avg.v, min: min.v, max: max.v, last: last.v };
}

/** Execution counts and durations, over all executions or one task's. */
export async function executionFigures(app: Ratchet, taskId?: number): Promise<ExecutionFigures> {
  const { db } = app.store;
  let byStatusQ = db
    .selectFrom('executions')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('status');
  if (taskId !== undefined) byStatusQ = byStatusQ.where('task_id', '=', taskId);
  const [rows, agg] = await Promise.all([byStatusQ.execute(), durationFigures(app, taskId)]);
  const byStatus: Record<ExecutionStatus, number> = {
    PENDING: 0,
    RUNNING: 0,
    COMPLETED: 0,
    FAILED: 0,
    CANCELLED: 0,
  };
  for (const r of rows) byStatus[r.status] = Number(r.n);
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
  const judged = byStatus.COMPLETED + byStatus.FAILED;
  return {
    total,
    byStatus,
    averageDurationMs: agg.avg === null ? null : Math.round(Number(agg.avg) * 100) / 100,
    minDurationMs: num(agg.min),
    maxDurationMs: num(agg.max),
    successRate: judged === 0 ? null : byStatus.COMPLETED / judged,
    lastExecutionAt: agg.last === null ? null : new Date(Number(agg.last)).toISOString(),
  };
}

export interface TaskStats {
  taskId: number;
  name: string;
  versions: number;
  executions: ExecutionFigures;
  jobs: { total: number; byStatus: Record<string, number> };
}

export async function taskStats(app: Ratchet, ref: string | number): Promise<TaskStats> {
  const task = await requireTask(app, ref);
  const { db } = app.store;
  const [versions, executions, jobs] = await Promise.all([
    db
      .selectFrom('task_versions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('task_id', '=', task.id)
      .executeTakeFirstOrThrow(),
    executionFigures(app, task.id),
    db
      .selectFrom('jobs')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('task_id', '=', task.id)
      .groupBy('status')
      .execute(),
  ]);
  const byStatus: Record<string, number> = {
    QUEUED: 0,
    PROCESSING: 0,
    COMPLETED: 0,
    FAILED: 0,
    CANCELLED: 0,
    RETRYING: 0,
  };
  for (const j of jobs) byStatus[j.status] = Number(j.n);
  return {
    taskId: task.id,
    name: task.name,
    versions: Number(versions.n),
    executions,
    jobs: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus },
  };
}

export interface TaskCatalogStats {
  total: number;
  enabled: number;
  disabled: number;
  unavailable: number;
  deleted: number;
  versions: number;
  jobsByStatus: Record<string, number>;
  executions: ExecutionFigures;
}

/** Figures over every task: counts by state, versions, jobs and executions. */
export async function taskCatalogStats(app: Ratchet): Promise<TaskCatalogStats> {
  const { db } = app.store;
  const [t, v, jobs, executions] = await Promise.all([
    db
      .selectFrom('tasks')
      .select([
        sql<number | string>`sum(case when deleted_at is null then 1 else 0 end)`.as('total'),
        sql<number | string>`sum(case when deleted_at is null and enabled = ${true} then 1 else 0 end)`.as(
          'enabled',
        ),
        sql<number | string>`sum(case when deleted_at is null and available = ${false} then 1 else 0 end)`.as(
          'unavailable',
        ),
        sql<number | string>`sum(case when deleted_at is not null then 1 else 0 end)`.as('deleted'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('task_versions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow(),
    countJobsByStatus(db),
    executionFigures(app),
  ]);
  const total = Number(t.total ?? 0);
  const enabled = Number(t.enabled ?? 0);
  return {
    total,
    enabled,
    disabled: total - enabled,
    unavailable: Number(t.unavailable ?? 0),
    deleted: Number(t.deleted ?? 0),
    versions: Number(v.n),
    jobsByStatus: jobs,
    executions,
  };
}
