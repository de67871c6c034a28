// Jobs as every adapter sees them: enqueue (validated against the task's input schema), look up,
// list, cancel, retry and wait. The queue mechanics live in src/queue/; this is the front door.
import type { Ratchet } from '../app.ts';
import { compileSchema } from '../tasks/schema.ts';
import { JOB_PRIORITY, insertJob, type JobRecord } from '../store/repos/jobs.ts';
import { countClaimable } from '../queue/count-claimable.ts';
import { resolveTaskPackage } from './task-packages.ts';
import { QueueFullError, ValidationError, type Violation } from './errors.ts';

export type PriorityInput = keyof typeof JOB_PRIORITY | number;

export interface EnqueueRequest {
  /** Task id, UUID or name. */
  task: string | number;
  /** A version to pin; default: whatever version is latest when the job runs. */
  version?: string;
  input?: unknown;
  priority?: PriorityInput;
  /** Not before this time. */
  runAt?: Date;
  /** Not before now + delayMs (ignored when runAt is given). */
  delayMs?: number;
  /** Retries after the first attempt; default metadata.json `max_retries`, else the config. */
  maxRetries?: number;
  /** Per-job time limit; default metadata.json `timeout`, else execution.max_execution_duration. */
  timeoutMs?: number;
  /** The same key returns the same job (`created: false`) instead of queuing another. */
  idempotencyKey?: string;
  outputDestinations?: unknown[];
  scheduleId?: number;
}

/** Turns a priority name (any case) or integer into the stored number. */
export function parsePriority(value: PriorityInput | string): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value;
  } else {
    const key = value.toUpperCase() as keyof typeof JOB_PRIORITY;
    if (key in JOB_PRIORITY) return JOB_PRIORITY[key];
    if (/^-?[0-9]+$/.test(value)) return Number(value);
  }
  throw new ValidationError('invalid job request', [
    {
      path: '$.priority',
      message: `must be LOW, NORMAL, HIGH, CRITICAL or an integer, not ${JSON.stringify(value)}`,
    },
  ]);
}

function checkRequest(req: EnqueueRequest): Violation[] {
  const v: Violation[] = [];
  const intAtLeast = (value: number | undefined, min: number, path: string): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) {
      v.push({ path, message: `must be an integer ≥ ${min}, not ${JSON.stringify(value)}` });
    }
  };
  intAtLeast(req.maxRetries, 0, '$.maxRetries');
  intAtLeast(req.timeoutMs, 1, '$.timeoutMs');
  intAtLeast(req.delayMs, 0, '$.delayMs');
  if (req.runAt !== undefined && !(req.runAt instanceof Date && Number.isFinite(req.runAt.getTime()))) {
    v.push({ path: '$.runAt', message: 'must be a valid date' });
  }
  if (req.outputDestinations !== undefined && !Array.isArray(req.outputDestinations)) {
    v.push({ path: '$.outputDestinations', message: 'must be an array' });
  }
  if (
    req.idempotencyKey !== undefined &&
    (typeof req.idempotencyKey !== 'string' || req.idempotencyKey === '')
  ) {
    v.push({ path: '$.idempotencyKey', message: 'must be a non-empty string' });
  }
  return v;
}

/**
 * Queues a run of a task. Throws NotFoundError for an unknown task or version, ValidationError for
 * input that breaks the task's input schema (every violation with its path) or bad fields, and
 * QueueFullError past server.job_queue.max_queue_size. Wakes the workers.
 */
export async function enqueueJob(
  app: Ratchet,
  req: EnqueueRequest,
): Promise<{ job: JobRecord; created: boolean }> {
  const problems = checkRequest(req);
  const priority = req.priority === undefined ? JOB_PRIORITY.NORMAL : parsePriority(req.priority);
  if (problems.length > 0) throw new ValidationError('invalid job request', problems);
  const { db } = app.store;
  const { version, pkg } = await resolveTaskPackage(db, req.task, req.version);
  const input = req.input === undefined ? {} : req.input;
  if (app.config.execution.validate_schemas && pkg.inputSchema !== undefined) {
    const violations = compileSchema(pkg.inputSchema, 'input.schema.json').validate(input);
    if (violations.length > 0) {
      throw new ValidationError(
        `input does not match the input schema of task "${pkg.metadata.name}"`,
        violations.map(({ path, message }) => ({ path, message })),
      );
    }
  }
  const q = app.config.server.job_queue;
  if ((await countClaimable(app.store, 1000)) >= q.max_queue_size) {
    throw new QueueFullError(
      `the queue holds ${q.max_queue_size} waiting jobs (server.job_queue.max_queue_size); try again later`,
    );
  }
  const runAt = req.runAt ?? (req.delayMs !== undefined ? new Date(Date.now() + req.delayMs) : undefined);
  const result = await insertJob(db, {
    taskId: version.taskId,
    taskVersionId: req.version !== undefined && req.version !== 'latest' ? version.id : null,
    input,
    priority,
    runAt,
    maxRetries: req.maxRetries ?? pkg.metadata.maxRetries ?? q.default_max_retries,
    timeoutMs: req.timeoutMs ?? null,
    idempotencyKey: req.idempotencyKey ?? null,
    outputDestinations: req.outputDestinations ?? null,
    scheduleId: req.scheduleId ?? null,
  });
  if (result.created) await app.notifier.notify();
  return result;
}
