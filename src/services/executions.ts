// Executions as adapters see them: list and look up (by id or UUID), their captured console lines
// and HTTP exchanges, cancel (a queued run through its job, a synchronous run on this node directly),
// retry (requeue), and statistics. Following one live is execution-events.ts.
import type { Ratchet } from './context.ts';
import { ConflictError, NotFoundError, notFoundById } from '../store/codec.ts';
import type { ListQuery, ListResult } from '../store/list-query.ts';
import {
  getExecution,
  listExecutions,
  type ExecutionRecord,
  type ExecutionSummary,
} from '../store/repos/executions.ts';
import { getJob, type JobRecord } from '../store/repos/jobs.ts';
import { findTask, getTaskVersionById } from '../store/repos/tasks.ts';
import { cancelJob, enqueueJob, retryJob } from './jobs/index.ts';
import { maskWriteOnly } from '../redaction/index.ts';
import { cancelDirectExecution } from './direct-execution.ts';
import { FINAL_EXECUTION_STATUSES } from './execution-events.ts';
import { executionFigures, type ExecutionFigures } from './task-checks.ts';
import { resolveTaskPackage } from '../tasks/stored-versions.ts';
import { listFilters, resolveTaskFilters, type ListFilterOptions } from './task-ref.ts';

export type { ExecutionRecord, ExecutionSummary } from '../store/repos/executions.ts';

export async function listExecutionPage(app: Ratchet, q: ListQuery): Promise<ListResult<ExecutionSummary>> {
  return listExecutions(app.store.db, await resolveTaskFilters(app, q));
}

export async function getExecutionRecord(app: Ratchet, ref: string | number): Promise<ExecutionRecord> {
  const e = await getExecution(app.store.db, ref);
  if (!e) throw notFoundById('execution', ref);
  return e;
}

export interface ExecutionLogs {
  executionId: number;
  status: ExecutionRecord['status'];
  /** The console lines the task wrote, in order; empty until the run finished. */
  logs: unknown[];
}

export async function executionLogs(app: Ratchet, ref: string | number): Promise<ExecutionLogs> {
  const e = await getExecutionRecord(app, ref);
  return { executionId: e.id, status: e.status, logs: e.logs ?? [] };
}

export interface ExecutionTrace {
  executionId: number;
  status: ExecutionRecord['status'];
  /** Every HTTP exchange the task made through fetch(), with timings. */
  http: unknown[];
}

export async function executionTrace(app: Ratchet, ref: string | number): Promise<ExecutionTrace> {
  const e = await getExecutionRecord(app, ref);
  return { executionId: e.id, status: e.status, http: e.http ?? [] };
}

export interface CancelExecutionResult {
  execution: ExecutionRecord;
  /** The job cancelled with it, for executions that belong to one. */
  job: JobRecord | null;
  /** True when the run was interrupted and finishes as CANCELLED shortly. */
  stopping: boolean;
}

export async function cancelExecution(app: Ratchet, ref: string | number): Promise<CancelExecutionResult> {
  const e = await getExecutionRecord(app, ref);
  if (FINAL_EXECUTION_STATUSES.includes(e.status)) {
    throw new ConflictError(`execution ${e.id} already finished (${e.status}); nothing to cancel`);
  }
  if (e.jobId !== null) {
    const out = await cancelJob(app, e.jobId);
    return { execution: e, job: out.job, stopping: out.stopping };
  }
  if (!cancelDirectExecution(app, e.id)) {
    throw new ConflictError(
      `execution ${e.id} is a synchronous run on ${e.workerId ?? 'another node'}; only that server can stop it`,
    );
  }
  return { execution: e, job: null, stopping: true };
}

export interface RetryExecutionResult {
  /** The job that runs again: the execution's own job requeued, or a new one. */
  job: JobRecord;
  requeued: boolean;
  /** The version the retry runs (for a requeued job without a pinned version: the latest now). */
  version: string;
  /** The version that ran and failed; null when it no longer exists. */
  previousVersion: string | null;
}

export interface RetryExecutionOptions {
  /**
   * Which version runs: 'latest' (the highest enabled version, e.g. one saved with a fix) or a
   * version text. Default: the version that failed.
   */
  version?: string;
}

/**
 * Runs a FAILED or CANCELLED execution again through the queue with the same input: its job, if
 * that job is itself FAILED or CANCELLED and would run the wanted version, is requeued with a fresh
 * retry budget; otherwise (a synchronous run, a job that has moved on, or another version) a new
 * job is queued, pinned to the wanted version.
 */
export async function retryExecution(
  app: Ratchet,
  ref: string | number,
  opts: RetryExecutionOptions = {},
): Promise<RetryExecutionResult> {
  const e = await getExecutionRecord(app, ref);
  if (e.status !== 'FAILED' && e.status !== 'CANCELLED') {
    throw new ConflictError(
      `execution ${e.id} is ${e.status}; only FAILED or CANCELLED executions can be retried`,
    );
  }
  const { db } = app.store;
  const ran = await getTaskVersionById(db, e.taskVersionId);
  let target = ran;
  if (opts.version !== undefined) target = (await resolveTaskPackage(db, e.taskId, opts.version)).version;
  if (!target)
    throw new NotFoundError(`task version ${e.taskVersionId} of execution ${e.id} no longer exists`);
  const previousVersion = ran?.version ?? null;
  if (e.jobId !== null) {
    const job = await getJob(db, e.jobId);
    // An unpinned job runs the latest enabled version when it runs; a pinned one its own.
    const runsTarget =
      opts.version === undefined ||
      job?.taskVersionId === target.id ||
      (job?.taskVersionId === null && opts.version === 'latest');
    if (job && (job.status === 'FAILED' || job.status === 'CANCELLED') && runsTarget) {
      const requeued = await retryJob(app, job.id);
      const version =
        requeued.taskVersionId === null
          ? ((await findTask(db, e.taskId))?.version.version ?? target.version)
          : ((await getTaskVersionById(db, requeued.taskVersionId))?.version ?? target.version);
      return { job: requeued, requeued: true, version, previousVersion };
    }
  }
  // The stored input has its writeOnly fields masked and the real values are not kept for a run
  // that has no retryable job: running the mask instead would be a silent lie.
  if (maskWriteOnly((ran ?? target).inputSchema, e.input).holdsMask) {
    throw new ConflictError(
      `execution ${e.id}'s input has writeOnly fields whose values are not stored; run the task again with them (queue a new job or execute it)`,
    );
  }
  const { job } = await enqueueJob(app, { task: e.taskId, version: target.version, input: e.input });
  return { job, requeued: false, version: target.version, previousVersion };
}

export interface ExecutionStats extends ExecutionFigures {
  /** Executions created in the last hour and day. */
  lastHour: number;
  lastDay: number;
}

export async function executionStats(app: Ratchet, now = Date.now()): Promise<ExecutionStats> {
  const { db } = app.store;
  const since = (ms: number) =>
    db
      .selectFrom('executions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('created_at', '>=', now - ms)
      .executeTakeFirstOrThrow();
  const [figures, hour, day] = await Promise.all([
    executionFigures(app),
    since(3_600_000),
    since(86_400_000),
  ]);
  return { ...figures, lastHour: Number(hour.n), lastDay: Number(day.n) };
}

/** Executions matching the CLI's list options (and a job). */
export async function findExecutions(
  app: Ratchet,
  opts: ListFilterOptions & { job?: number } = {},
): Promise<ExecutionSummary[]> {
  const filters = await listFilters(app, opts);
  if (opts.job !== undefined) filters.push({ field: 'jobId', op: 'eq', value: opts.job });
  return (await listExecutions(app.store.db, { filters, limit: opts.limit })).rows;
}

/** The latest execution of a job (its last attempt), if it ever started. */
export async function lastExecutionOf(app: Ratchet, jobId: number): Promise<ExecutionRecord | undefined> {
  const [latest] = (
    await listExecutions(app.store.db, {
      filters: [{ field: 'jobId', op: 'eq', value: jobId }],
      sort: { field: 'id', order: 'desc' },
      limit: 1,
    })
  ).rows;
  return latest ? getExecutionRecord(app, latest.id) : undefined;
}
