// Bulk enqueue: many jobs of one task in one call and one transaction. Each item is checked as a
// single enqueue checks it (fields, destinations, input limits, the input schema, writeOnly split),
// with every problem named by the item's index (`$.jobs[3].input.num2`). All or nothing by
// default; with `partial` the valid items are queued and the others reported. The schema is
// compiled once for the batch; the queue backend stores the rows in one transaction (PostgreSQL:
// COPY, queue/backends/pg-copy-jobs.ts, or with idempotency keys INSERT … ON CONFLICT,
// store/repos/jobs-bulk.ts).
import type { Ratchet } from '../context.ts';
import type { InsertJobInput, JobRecord } from '../../store/repos/jobs.ts';
import { ConflictError } from '../../store/codec.ts';
import { requireTask } from '../task-ref.ts';
import { enqueueTarget } from '../enqueue-lookup.ts';
import { ValidationError, type Violation } from '../errors.ts';
import { checkInputLimits } from '../limits.ts';
import {
  checkQueueRoom,
  checkRequest,
  destinationViolations,
  InputSchemaError,
  jobRow,
  parsePriority,
  timeOf,
  type EnqueueRequest,
  type EnqueueTarget,
  type PriorityInput,
} from './enqueue.ts';

/** The most jobs one call takes (each is validated and held in memory until the commit). */
export const MAX_BATCH_JOBS = 10_000;

/** A batch refused whole because some items are invalid (not thrown with `partial`). */
export class InvalidBatchError extends ValidationError {
  readonly invalid: number;
  readonly total: number;
  constructor(invalid: number, total: number, violations: Violation[]) {
    super(
      `${invalid} of ${total} jobs are invalid; none was queued (send partial: true to queue the valid ones)`,
      violations,
    );
    this.invalid = invalid;
    this.total = total;
  }
}

export type BatchJobItem = Omit<EnqueueRequest, 'task' | 'version' | 'scheduleId' | 'priority'> & {
  /** LOW, NORMAL, HIGH, CRITICAL (any case) or an integer. */
  priority?: PriorityInput | string;
  /** As in createJob: ISO-8601 time or epoch ms before which the job does not run. */
  scheduledFor?: string | number;
};

export interface EnqueueManyRequest {
  /** Task id, UUID or name. */
  task: string | number;
  version?: string;
  jobs: readonly BatchJobItem[];
  /** Queue the valid items and report the others, instead of refusing the whole batch. */
  partial?: boolean;
}

export interface EnqueueManyResult {
  /** One entry per queued item, in input order. `created: false`: its idempotency key's job. */
  jobs: { index: number; job: JobRecord; created: boolean }[];
  /** Items refused (only with `partial`; otherwise the call throws). */
  rejected: { index: number; violations: Violation[] }[];
  created: number;
}

export async function enqueueMany(app: Ratchet, req: EnqueueManyRequest): Promise<EnqueueManyResult> {
  if (!Array.isArray(req.jobs) || req.jobs.length === 0) {
    throw new ValidationError('invalid batch', [{ path: '$.jobs', message: 'must be a non-empty array' }]);
  }
  if (req.jobs.length > MAX_BATCH_JOBS) {
    throw new ValidationError('invalid batch', [
      { path: '$.jobs', message: `holds ${req.jobs.length} jobs; one call takes at most ${MAX_BATCH_JOBS}` },
    ]);
  }
  const task = await requireTask(app, req.task);
  if (!task.enabled)
    throw new ConflictError(`task "${task.name}" is disabled; enable it before queuing jobs for it`);
  const target = await enqueueTarget(app, task.id, req.version);
  const rows: { index: number; row: InsertJobInput }[] = [];
  const rejected: EnqueueManyResult['rejected'] = [];
  for (const [index, item] of req.jobs.entries()) {
    const violations = await checkItem(
      app,
      target,
      { ...item, task: task.id, version: req.version },
      index,
      rows,
    );
    if (violations.length > 0) rejected.push({ index, violations });
  }
  if (rejected.length > 0 && !req.partial) {
    throw new InvalidBatchError(
      rejected.length,
      req.jobs.length,
      rejected.flatMap((r) => r.violations),
    );
  }
  if (rows.length === 0) return { jobs: [], rejected, created: 0 };
  await checkQueueRoom(app, rows.length);
  let stored: Awaited<ReturnType<typeof app.queue.enqueueMany>>;
  try {
    stored = await app.queue.enqueueMany(rows.map((r) => r.row));
  } catch (err) {
    // The cached count of waiting jobs took the batch in: count again on the next enqueue.
    app.queueCaches.claimable = undefined;
    throw err;
  }
  const jobs = stored.map((s, i) => ({ index: rows[i]!.index, ...s }));
  const created = jobs.filter((j) => j.created).length;
  // The cached count took in every row; keys that matched stored jobs added none. Kept up to date
  // instead of dropped, so back-to-back batches do not each count the whole backlog (a scan that
  // grows with it: 2–5 ms at 25,000 waiting jobs).
  if (app.queueCaches.claimable) app.queueCaches.claimable.count -= rows.length - created;
  return { jobs, rejected, created };
}

/** The item's violations under `$.jobs[index]`; a valid item's row is pushed to `rows`. */
async function checkItem(
  app: Ratchet,
  target: EnqueueTarget,
  item: BatchJobItem & Pick<EnqueueRequest, 'task' | 'version'>,
  index: number,
  rows: { index: number; row: InsertJobInput }[],
): Promise<Violation[]> {
  const { scheduledFor, priority, ...rest } = item;
  const req: EnqueueRequest = rest;
  const at = `$.jobs[${index}]`;
  const under = (v: Violation, prefix = at): Violation => ({ ...v, path: prefix + v.path.slice(1) });
  const problems = checkRequest(req).map((v) => under(v));
  if (Array.isArray(req.outputDestinations))
    problems.push(...(await destinationViolations(app, req.outputDestinations)).map((v) => under(v)));
  try {
    if (priority !== undefined) req.priority = parsePriority(priority);
    if (scheduledFor !== undefined) req.runAt = timeOf(scheduledFor, '$.scheduledFor');
    checkInputLimits(app.config, req.input, 'job input', '$.input');
    if (problems.length === 0) rows.push({ index, row: jobRow(app, target, req) });
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    // Schema violations are paths inside the input; the others already start at the request.
    problems.push(
      ...err.violations.map((v) => under(v, err instanceof InputSchemaError ? `${at}.input` : at)),
    );
  }
  return problems;
}
