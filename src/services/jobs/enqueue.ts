// Putting work on the queue: a request is checked (priority, destinations, input limits, the task's
// input schema, back-pressure), writeOnly fields are split off, and the job is inserted through the
// queue backend (already claimed when a local thread idles). createJob is the same from an API body.
import type { Ratchet } from '../context.ts';
import { JOB_PRIORITY, type InsertJobInput, type JobRecord } from '../../store/repos/jobs.ts';
import { ConflictError, toMs } from '../../store/codec.ts';
import { DestinationError, parseDestinations } from '../../delivery/destinations.ts';
import { rootViolations } from '../../delivery/roots.ts';
import { requireTask } from '../task-ref.ts';
import { countClaimable } from '../../queue/count-claimable.ts';
import { enqueueTarget } from '../enqueue-lookup.ts';
import { QueueFullError, ValidationError, type Violation } from '../errors.ts';
import { splitSecretInput } from '../secret-input.ts';
import { checkInputLimits } from '../limits.ts';

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

export function checkRequest(req: EnqueueRequest): Violation[] {
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
  if (req.priority !== undefined) parsePriority(req.priority);
  if (Array.isArray(req.outputDestinations))
    problems.push(...(await destinationViolations(app, req.outputDestinations)));
  if (problems.length > 0) throw new ValidationError('invalid job request', problems);
  // Before anything else touches it: a value nested thousands deep must never be stored.
  checkInputLimits(app.config, req.input, 'job input');
  const target = await enqueueTarget(app, req.task, req.version);
  const insertInput = jobRow(app, target, req);
  await checkQueueRoom(app, 1);
  // An idle executor thread in this process and nothing else due: insert the job already claimed
  // (on backends that offer direct dispatch).
  const { queue } = app;
  const runAt = insertInput.runAt;
  const due = runAt === undefined || toMs(runAt, 'job runAt') <= Date.now();
  const direct = queue.insertClaimed && due ? app.dispatch.current?.reserve() : undefined;
  const claimed = direct && (await queue.insertClaimed?.(insertInput, direct));
  if (claimed) return { job: claimed.job, created: true };
  return queue.enqueue(insertInput);
}

/** The input breaks the task's input schema; violation paths are inside the input (`$` = input). */
export class InputSchemaError extends ValidationError {}

export type EnqueueTarget = Awaited<ReturnType<typeof enqueueTarget>>;

/**
 * The stored row of a checked request: the input held to the task's schema (ValidationError with
 * paths under `$`), writeOnly fields split off, defaults from metadata.json and the configuration.
 */
export function jobRow(app: Ratchet, target: EnqueueTarget, req: EnqueueRequest): InsertJobInput {
  const { version, pkg, validator } = target;
  const priority = req.priority === undefined ? JOB_PRIORITY.NORMAL : parsePriority(req.priority);
  const input = req.input === undefined ? {} : req.input;
  if (app.config.execution.validate_schemas && validator !== undefined) {
    const violations = validator.validate(input);
    if (violations.length > 0) {
      throw new InputSchemaError(
        `input does not match the input schema of task "${pkg.metadata.name}"`,
        violations.map(({ path, message }) => ({ path, message })),
      );
    }
  }
  const q = app.config.server.job_queue;
  const runAt = req.runAt ?? (req.delayMs !== undefined ? new Date(Date.now() + req.delayMs) : undefined);
  // Fields the schema marks writeOnly are stored masked; the real input rides in the job's
  // secret_input for the worker (and retries) only.
  const secret = splitSecretInput(pkg.inputSchema, input, `input of task "${pkg.metadata.name}"`);
  return {
    taskId: version.taskId,
    taskVersionId: req.version !== undefined && req.version !== 'latest' ? version.id : null,
    input: secret.shown,
    ...(secret.secret !== undefined ? { secretInput: secret.secret } : {}),
    priority,
    runAt,
    maxRetries: req.maxRetries ?? pkg.metadata.maxRetries ?? q.default_max_retries,
    timeoutMs: req.timeoutMs ?? null,
    idempotencyKey: req.idempotencyKey ?? null,
    outputDestinations: req.outputDestinations ?? null,
    scheduleId: req.scheduleId ?? null,
  };
}

/** QueueFullError when `adding` more jobs would pass server.job_queue.max_queue_size. */
export async function checkQueueRoom(app: Ratchet, adding: number): Promise<void> {
  const max = app.config.server.job_queue.max_queue_size;
  const waiting = await countClaimable(app.store, app.queueCaches, 1000, adding);
  if (waiting + adding > max) {
    // Refused: the cached count must not keep the jobs it took in.
    if (app.queueCaches.claimable) app.queueCaches.claimable.count -= adding;
    throw new QueueFullError(
      adding === 1
        ? `the queue holds ${max} waiting jobs (server.job_queue.max_queue_size); try again later`
        : `${adding} more jobs would pass the queue's ${max} waiting jobs (server.job_queue.max_queue_size; ${waiting} wait now); try again later or send fewer`,
    );
  }
}

// ---- Jobs for the REST/MCP adapters: create from an API body, list, reprioritise, steer, stats.

export interface CreateJobRequest {
  /** Task id, UUID or name. */
  taskId: string | number;
  version?: string;
  input?: unknown;
  priority?: PriorityInput | string;
  maxRetries?: number;
  /** ISO-8601 time (or epoch ms) before which the job does not run. */
  scheduledFor?: string | number;
  delayMs?: number;
  timeoutMs?: number;
  idempotencyKey?: string;
  outputDestinations?: unknown[];
}

/** Malformed destinations, and filesystem ones outside delivery.filesystem.allowed_roots. */
export async function destinationViolations(app: Ratchet, value: unknown): Promise<Violation[]> {
  try {
    return await rootViolations(app.config, parseDestinations(value));
  } catch (err) {
    if (!(err instanceof DestinationError)) throw err;
    return err.message.split('; ').map((part) => {
      const [where, ...rest] = part.split(': ');
      return {
        path: where!.replace(/^outputDestinations/, '$.outputDestinations'),
        message: rest.join(': '),
      };
    });
  }
}

export function timeOf(value: string | number, path: string): Date {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new ValidationError('invalid job request', [
      { path, message: `must be an ISO-8601 time or epoch milliseconds, not ${JSON.stringify(value)}` },
    ]);
  }
  return new Date(ms);
}

/** Queues a job from an API body: destinations checked, the task must be enabled. */
export async function createJob(
  app: Ratchet,
  req: CreateJobRequest,
): Promise<{ job: JobRecord; created: boolean }> {
  const problems = await destinationViolations(app, req.outputDestinations);
  if (problems.length > 0) throw new ValidationError('invalid job request', problems);
  const task = await requireTask(app, req.taskId);
  if (!task.enabled)
    throw new ConflictError(`task "${task.name}" is disabled; enable it before queuing jobs for it`);
  return enqueueJob(app, {
    task: task.id,
    version: req.version,
    input: req.input,
    priority: req.priority === undefined ? undefined : parsePriority(req.priority),
    maxRetries: req.maxRetries,
    runAt: req.scheduledFor === undefined ? undefined : timeOf(req.scheduledFor, '$.scheduledFor'),
    delayMs: req.delayMs,
    timeoutMs: req.timeoutMs,
    idempotencyKey: req.idempotencyKey,
    outputDestinations: req.outputDestinations,
  });
}
