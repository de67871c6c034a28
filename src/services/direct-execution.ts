// Synchronous execution ("run this task now and answer with the result"): records an execution row
// with no job (RUNNING → COMPLETED/FAILED/CANCELLED with output, error, logs, HTTP exchanges and
// progress) and runs the sandbox on an executor thread, never on the caller's event loop.
//
// Why a pool of its own rather than the embedded worker's: the queue worker sizes its claims from
// the pool's free threads; a second user of the same threads would make claimed jobs fail with
// "no free executor thread". So each application gets one small dedicated ExecutorPool (size:
// server.workers.worker_count, 0 = one per core), created on first use and closed with
// closeDirectExecution. Requests beyond its threads wait in a bounded FIFO (QueueFullError → 503).
import { hostname, availableParallelism } from 'node:os';
import type { Ratchet } from './context.ts';
import { ConflictError } from '../store/codec.ts';
import { taskGeneration } from '../store/repos/task-generation.ts';
import {
  finishExecution,
  insertExecution,
  insertFinishedExecution,
  updateExecutionProgress,
  type ExecutionRecord,
  type FinishExecutionInput,
} from '../store/repos/executions.ts';
import { fitResult, RESULT_STORE_ERROR, unstorable } from '../queue/fit-result.ts';
import { compileSchema } from '../tasks/schema.ts';
import { splitSecretInput } from './secret-input.ts';
import type { ProgressEvent } from '../runtime/types.ts';
import { cancelledByHost } from '../runtime/errors.ts';
import { ExecutorPool } from '../workers/pool.ts';
import { QueueFullError, ValidationError } from './errors.ts';
import { checkInputLimits, maxResultBytes } from './limits.ts';
import { publishExecutionEvent } from './execution-events.ts';
import { httpOptionsFromConfig, runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { filesOfVersion, resolveTaskPackage } from '../tasks/stored-versions.ts';
import { orderedUuid } from '../store/ordered-uuid.ts';

export interface ExecuteNowRequest {
  /** Task id, UUID or name. */
  task: string | number;
  /** Default: the latest enabled version. */
  version?: string;
  input?: unknown;
  /** At most execution.max_execution_duration; default metadata.json `timeout`, else that maximum. */
  timeoutMs?: number;
  onProgress?: (progress: ProgressEvent) => void;
  /** Called once the execution row exists and the run starts (adapters use the id to cancel it). */
  onStarted?: (execution: ExecutionRecord) => void;
}

/** Requests allowed to wait for a thread, per thread, before new ones are refused. */
const WAITING_PER_THREAD = 64;
const PROGRESS_WRITE_MS = 500;

class DirectExecutor {
  readonly pool: ExecutorPool;
  private readonly waiting: (() => void)[] = [];
  private readonly maxWaiting: number;
  /** Threads promised to callers that have not called pool.run yet. */
  private reserved = 0;
  /** Execution id → the pool's key of its run, for runs whose row exists (cancel finds them). */
  readonly runKeys = new Map<number, number>();
  private lastKey = 0;

  /** A pool key for a new run: negative, so it never clashes with a job id. */
  nextKey(): number {
    this.lastKey = this.lastKey <= -(2 ** 30) ? -1 : this.lastKey - 1;
    return this.lastKey;
  }

  constructor(app: Ratchet) {
    const w = app.config.server.workers;
    const size = w.worker_count > 0 ? w.worker_count : availableParallelism();
    this.pool = new ExecutorPool({
      size,
      idleThreadMs: w.idle_thread_seconds * 1000,
      http: httpOptionsFromConfig(app.config, app.listeningPorts),
      limits: runtimeLimitsFromConfig(app.config),
      restartOnCrash: w.restart_on_crash,
      healthCheckIntervalMs: w.health_check_interval_seconds * 1000,
      log: (m) => process.stderr.write(`[direct executor] ${m}\n`),
    });
    this.maxWaiting = size * WAITING_PER_THREAD;
    this.pool.onFree = () => this.waiting.shift()?.();
  }

  /** Resolves once a thread is set aside for the caller, who must then call run() or release(). */
  async acquire(): Promise<void> {
    while (this.pool.freeSlots() - this.reserved <= 0) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new QueueFullError(
          `all ${this.pool.size} executor threads are busy and ${this.waiting.length} requests are waiting; try again shortly`,
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.reserved++;
  }

  release(): void {
    this.reserved--;
    this.waiting.shift()?.();
  }

  run(...args: Parameters<ExecutorPool['run']>): ReturnType<ExecutorPool['run']> {
    this.reserved--;
    return this.pool.run(...args);
  }
}

type Resolved = Awaited<ReturnType<typeof resolveTaskPackage>>;

/** An application's synchronous-execution state (a field of the context, see context.ts). */
export class DirectExecution {
  /** Made on first use, so commands that never run a task now start no threads. */
  executor: DirectExecutor | undefined;
  /** Task lookups by reference (resolveCached). */
  readonly lookups = new Map<string, { at: number; generation: number; value: Resolved }>();
}

function executorOf(app: Ratchet): DirectExecutor {
  return (app.directExecution.executor ??= new DirectExecutor(app));
}

/** Stops the synchronous-execution threads of app (server shutdown); running runs fail. */
export async function closeDirectExecution(app: Ratchet): Promise<void> {
  const ex = app.directExecution.executor;
  app.directExecution.executor = undefined;
  await ex?.pool.close();
}

/** Interrupts a synchronous execution running in this process; false when it is not here. */
export function cancelDirectExecution(app: Ratchet, executionId: number): boolean {
  const ex = app.directExecution.executor;
  const key = ex?.runKeys.get(executionId);
  return ex !== undefined && key !== undefined && ex.pool.cancel(key);
}

const NODE = `api:${hostname()}-${process.pid}`;

function checkTimeout(app: Ratchet, timeoutMs: number | undefined): number {
  const cap = app.config.execution.max_execution_duration * 1000;
  if (timeoutMs === undefined) return cap;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > cap) {
    throw new ValidationError('invalid execution request', [
      {
        path: '$.timeoutMs',
        message: `must be an integer from 1 to ${cap} (execution.max_execution_duration), not ${JSON.stringify(timeoutMs)}`,
      },
    ]);
  }
  return timeoutMs;
}

/**
 * Runs shorter than this are recorded with one INSERT when they finish; longer ones get their
 * RUNNING row at this point (visible to lists, SSE watchers and cancel) and an UPDATE at the end.
 * Nobody can watch or cancel a run before its row exists, and nobody learns its id before the
 * response, so a short run loses nothing by skipping the RUNNING row, and saves two statements.
 */
export const RUNNING_ROW_AFTER_MS = 50;
/** Task lookups by reference are reused this long at most (writes by other processes). */
const LOOKUP_TTL_MS = 1000;
const LOOKUP_CACHE_SIZE = 1000;

/** resolveTaskPackage with a small cache, void after any task write here or after LOOKUP_TTL_MS. */
async function resolveCached(app: Ratchet, ref: string | number, version?: string): Promise<Resolved> {
  const cache = app.directExecution.lookups;
  const key = `${typeof ref}:${ref}\u0000${version ?? ''}`;
  const hit = cache.get(key);
  const now = Date.now();
  if (hit && hit.generation === taskGeneration() && now - hit.at < LOOKUP_TTL_MS) return hit.value;
  const generation = taskGeneration();
  const value = await resolveTaskPackage(app.store.db, ref, version);
  cache.delete(key);
  if (cache.size >= LOOKUP_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, { at: now, generation, value });
  return value;
}

/**
 * Runs a task version now and returns the finished execution. NotFoundError for an unknown task or
 * version, ConflictError for a disabled task, ValidationError for input breaking the input schema
 * (nothing is recorded then), QueueFullError when too many runs wait for a thread.
 */
export async function executeNow(app: Ratchet, req: ExecuteNowRequest): Promise<ExecutionRecord> {
  const cap = app.config.execution.max_execution_duration * 1000;
  const requested = checkTimeout(app, req.timeoutMs);
  // Before anything else touches it: a value nested thousands deep must never reach a thread.
  checkInputLimits(app.config, req.input);
  const { db } = app.store;
  const { task, version, pkg } = await resolveCached(app, req.task, req.version);
  if (!task.enabled) throw new ConflictError(`task "${task.name}" is disabled; enable it before running it`);
  const input = req.input === undefined ? {} : req.input;
  if (app.config.execution.validate_schemas && pkg.inputSchema !== undefined) {
    const violations = compileSchema(pkg.inputSchema, 'input.schema.json').validate(input);
    if (violations.length > 0) {
      throw new ValidationError(
        `input does not match the input schema of task "${task.name}"`,
        violations.map(({ path, message }) => ({ path: path.replace(/^\$/, '$.input'), message })),
      );
    }
  }
  // The row shows writeOnly fields masked; the thread below runs the real input.
  const { shown } = splitSecretInput(pkg.inputSchema, input, `input of task "${task.name}"`, '$.input');
  const timeoutMs = req.timeoutMs !== undefined ? requested : Math.min(pkg.metadata.timeoutMs ?? cap, cap);

  const ex = executorOf(app);
  await ex.acquire();
  const startedAt = Date.now();
  const uuid = orderedUuid(startedAt);
  const key = ex.nextKey();
  const base = { uuid, taskId: task.id, taskVersionId: version.id, input: shown, workerId: NODE, startedAt };

  // The RUNNING row, written once the run outlives RUNNING_ROW_AFTER_MS (at once when the caller
  // wants the execution as it starts).
  let execution: ExecutionRecord | undefined;
  let inserting: Promise<void> | undefined;
  let latestProgress: ProgressEvent | undefined;
  let lastWrite = 0;
  let progressWrite: Promise<void> = Promise.resolve();
  const writeProgress = (id: number, event: ProgressEvent): void => {
    lastWrite = Date.now();
    progressWrite = progressWrite.then(() => updateExecutionProgress(db, id, event).catch(() => undefined));
  };
  const insertRunning = (): Promise<void> =>
    (inserting ??= insertExecution(db, { ...base, status: 'RUNNING' }).then((row) => {
      execution = row;
      ex.runKeys.set(row.id, key);
      publishExecutionEvent(app, { type: 'status', executionId: row.id, status: 'RUNNING', final: false });
      req.onStarted?.(row);
      if (latestProgress !== undefined) {
        publishExecutionEvent(app, { type: 'progress', executionId: row.id, progress: latestProgress });
        writeProgress(row.id, latestProgress);
      }
    }));

  try {
    if (req.onStarted) await insertRunning();
  } catch (err) {
    ex.release();
    throw err;
  }
  const running = ex.run(
    {
      jobId: key,
      executionId: execution?.id ?? 0,
      executionUuid: uuid,
      versionId: version.id,
      files: () => filesOfVersion(task, version),
      label: `${task.name}@${version.version}`,
      input,
      timeoutMs,
      context: { taskId: task.uuid, taskVersion: version.version, jobId: null },
    },
    (event) => {
      req.onProgress?.(event);
      latestProgress = event;
      if (!execution) return;
      publishExecutionEvent(app, { type: 'progress', executionId: execution.id, progress: event });
      // Nodes that follow this execution through the database see progress at a bounded write rate.
      if (Date.now() - lastWrite >= PROGRESS_WRITE_MS) writeProgress(execution.id, event);
    },
    // Log lines go live once the execution has a row someone can follow (REST SSE, GraphQL).
    (entries, dropped) => {
      if (execution) publishExecutionEvent(app, { type: 'log', executionId: execution.id, entries, dropped });
    },
  );
  const timer = setTimeout(() => void insertRunning().catch(() => undefined), RUNNING_ROW_AFTER_MS);
  let result: Awaited<typeof running>;
  try {
    result = await running;
  } finally {
    clearTimeout(timer);
  }
  // Only the host's own cancel counts: a task throwing { type: "CancelledError" } is a failure.
  const cancelled = result.status === 'FAILED' && cancelledByHost(result.error);
  const outcome = fitResult<FinishExecutionInput>(
    {
      status: result.status === 'COMPLETED' ? 'COMPLETED' : cancelled ? 'CANCELLED' : 'FAILED',
      output: result.output,
      error: result.error ?? null,
      logs: result.logs,
      http: result.http,
      progress: result.progress.at(-1) ?? null,
    },
    maxResultBytes(app.config),
  );
  if (inserting) {
    await inserting;
    ex.runKeys.delete(execution!.id);
    await progressWrite;
  }
  const store = (o: FinishExecutionInput): Promise<ExecutionRecord> =>
    execution
      ? finishExecution(db, execution.id, o)
      : insertFinishedExecution(db, { ...base, ...o, finishedAt: Date.now() });
  let finished: ExecutionRecord;
  try {
    finished = await store(outcome);
  } catch (err) {
    // A record the database refuses must not leave the execution RUNNING for ever: store the
    // verdict without it (when that fails too, the database itself is the problem: report it).
    finished = await store(
      unstorable(
        outcome,
        `the database refused the execution's record (${(err as Error).message.slice(0, 500)})`,
        RESULT_STORE_ERROR,
      ),
    );
  }
  publishExecutionEvent(app, {
    type: 'status',
    executionId: finished.id,
    status: finished.status,
    final: true,
    execution: finished,
  });
  return finished;
}
