// Reading and steering jobs and executions: the calls behind `ratchet job …`, `ratchet execution …`
// and (later) REST and MCP. Tasks are named by id, UUID or name wherever a filter takes a task.
import type { Ratchet } from './context.ts';
import { NotFoundError, notFoundById } from '../store/codec.ts';
import { getJob, listJobs, type JobRecord } from '../store/repos/jobs.ts';
import {
  getExecution,
  listExecutions,
  type ExecutionRecord,
  type ExecutionSummary,
} from '../store/repos/executions.ts';
import { getTask } from '../store/repos/tasks.ts';
import type { ListFilter } from '../store/list-query.ts';
import { cancelJob as cancelQueuedJob, type CancelOutcome } from '../queue/cancel-job.ts';
import { retryJob as retryFailedJob } from '../queue/retry-job.ts';
import { FINAL_STATUSES } from '../queue/states.ts';

export interface ListFilterOptions {
  status?: string[];
  /** Task id, UUID or name. */
  task?: string;
  limit?: number;
}

async function filtersOf(app: Ratchet, opts: ListFilterOptions): Promise<ListFilter[]> {
  const filters: ListFilter[] = [];
  if (opts.status?.length)
    filters.push({ field: 'status', op: 'in', value: opts.status.map((s) => s.toUpperCase()) });
  if (opts.task !== undefined) {
    const task = await getTask(app.store.db, opts.task);
    if (!task) throw new NotFoundError(`no task "${opts.task}" (give a numeric id, a UUID or a name)`);
    filters.push({ field: 'taskId', op: 'eq', value: task.id });
  }
  return filters;
}

export async function findJobs(app: Ratchet, opts: ListFilterOptions = {}): Promise<JobRecord[]> {
  return (await listJobs(app.store.db, { filters: await filtersOf(app, opts), limit: opts.limit })).rows;
}

export async function showJob(app: Ratchet, ref: string | number): Promise<JobRecord> {
  const job = await getJob(app.store.db, ref);
  if (!job) throw notFoundById('job', ref);
  return job;
}

export async function cancelJob(app: Ratchet, ref: string | number): Promise<CancelOutcome> {
  const out = await cancelQueuedJob(app.store.db, ref, Date.now());
  await app.queue.notifier.notify();
  return out;
}

export async function retryJob(app: Ratchet, ref: string | number): Promise<JobRecord> {
  const job = await retryFailedJob(app.store.db, ref, Date.now());
  await app.queue.notifier.notify();
  return job;
}

/** Resolves when the job reaches COMPLETED, FAILED or CANCELLED (polling the store). */
export async function waitForJob(
  app: Ratchet,
  id: number,
  opts: { pollMs?: number; onWaiting?: (job: JobRecord, waitedMs: number) => void } = {},
): Promise<JobRecord> {
  const started = Date.now();
  for (;;) {
    const job = await showJob(app, id);
    if (FINAL_STATUSES.includes(job.status)) return job;
    opts.onWaiting?.(job, Date.now() - started);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 20));
  }
}

export async function findExecutions(
  app: Ratchet,
  opts: ListFilterOptions & { job?: number } = {},
): Promise<ExecutionSummary[]> {
  const filters = await filtersOf(app, opts);
  if (opts.job !== undefined) filters.push({ field: 'jobId', op: 'eq', value: opts.job });
  return (await listExecutions(app.store.db, { filters, limit: opts.limit })).rows;
}

export async function showExecution(app: Ratchet, ref: string | number): Promise<ExecutionRecord> {
  const e = await getExecution(app.store.db, ref);
  if (!e) throw notFoundById('execution', ref);
  return e;
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
  return latest ? showExecution(app, latest.id) : undefined;
}
