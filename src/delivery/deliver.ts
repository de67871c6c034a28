// Delivers a finished job's (or workflow run's) result to each of its destinations, one after
// another, recording every attempt in delivery_results. Nothing here throws: a failed delivery is
// an outcome, never a reason to fail the job (its result is already stored when delivery starts).
import type { RatchetConfig } from '../config/schema.ts';
import type { Store } from '../store/database.ts';
import type { ExecutionRecord } from '../store/repos/executions.ts';
import type { JobRecord } from '../store/repos/jobs.ts';
import type { WorkflowRunRecord } from '../store/repos/workflow-runs.ts';
import { insertDeliveryResult } from '../store/repos/deliveries.ts';
import type { InsertDeliveryResultInput } from '../store/repos/deliveries.ts';
import { getTask } from '../store/repos/tasks.ts';
import { parseDestination, redactDestination } from './destinations.ts';
import type { Destination } from './destinations.ts';
import { deliverToFile } from './filesystem.ts';
import { allowedRoots } from './roots.ts';
import type { DeliveryContext, FinishedStatus, RunDeliveryContext } from './payload.ts';
import { deliverToStdio } from './stdio.ts';
import { ownPorts } from '../http/own-ports.ts';
import type { StdioStreams } from './stdio.ts';

/** What delivery needs of the application (the services' context satisfies it). */
export interface DeliveryApp {
  config: RatchetConfig;
  store: Store;
  listeningPorts: readonly number[];
}

export interface DeliverRequest {
  job: JobRecord;
  execution: ExecutionRecord | null;
  /** Default: from the execution, else the job. */
  status?: FinishedStatus;
  /** Default: the job's own outputDestinations. */
  destinations?: unknown[] | null;
}

export interface DeliverOptions {
  /** Where relative filesystem paths resolve (default the first delivery.filesystem.allowed_roots). */
  baseDir?: string;
  streams?: StdioStreams;
  /** Pause between webhook attempts; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryOutcome {
  index: number;
  type: string;
  success: boolean;
  attempts: number;
  error: string | null;
  /** Where it went: the file written, the URL, the stream. */
  target: string | null;
}

function statusOf(req: DeliverRequest): FinishedStatus {
  if (req.status) return req.status;
  const s = req.execution?.status ?? req.job.status;
  return s === 'COMPLETED' || s === 'CANCELLED' ? s : 'FAILED';
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Records one attempt; a recording failure is reported but does not stop delivery. */
async function record(app: DeliveryApp, row: InsertDeliveryResultInput): Promise<void> {
  try {
    await insertDeliveryResult(app.store.db, row);
  } catch (err) {
    const of = row.workflowRunId ? `workflow run ${row.workflowRunId}` : `job ${row.jobId}`;
    process.stderr.write(
      `warning: could not record a ${row.destinationType} delivery for ${of}: ${message(err)}\n`,
    );
  }
}

/** What a delivery_results row is about. */
function subjectOf(ctx: DeliveryContext) {
  return ctx.kind === 'workflow_run'
    ? { jobId: null, executionId: null, workflowRunId: ctx.run.id }
    : { jobId: ctx.job.id, executionId: ctx.execution?.id ?? null, workflowRunId: null };
}

async function deliverOne(
  app: DeliveryApp,
  ctx: DeliveryContext,
  dest: Destination,
  index: number,
  opts: DeliverOptions,
): Promise<DeliveryOutcome> {
  const base = {
    ...subjectOf(ctx),
    destinationType: dest.type,
    destination: redactDestination(dest),
  };
  if (dest.type === 'webhook') {
    // Loaded on the first webhook: its HTTP client (undici) is ~4 MB of heap a server without
    // webhook destinations never needs.
    const { deliverWebhook } = await import('./webhook.ts');
    const attempts = await deliverWebhook(dest, ctx, {
      http: {
        userAgent: app.config.http.user_agent,
        verifySsl: app.config.http.verify_ssl,
        allowedHosts: app.config.http.allowed_hosts,
        deniedHosts: app.config.http.denied_hosts,
        ownPorts: ownPorts(app.config, app.listeningPorts),
      },
      sleep: opts.sleep,
      onAttempt: (a) =>
        record(app, {
          ...base,
          attempt: a.attempt,
          success: a.success,
          statusCode: a.statusCode,
          error: a.error,
          durationMs: a.durationMs,
        }),
    });
    const last = attempts.at(-1)!;
    return {
      index,
      type: dest.type,
      success: last.success,
      attempts: attempts.length,
      error: last.error,
      target: dest.url,
    };
  }
  const started = performance.now();
  let target: string | null = dest.type === 'stdio' ? dest.stream : null;
  let error: string | null = null;
  try {
    if (dest.type === 'filesystem') {
      const roots = allowedRoots(app.config);
      target = (await deliverToFile(dest, ctx, { baseDir: opts.baseDir ?? roots[0], roots })).path;
    } else {
      deliverToStdio(dest, ctx, opts.streams);
    }
  } catch (err) {
    error = message(err);
  }
  const durationMs = Math.round(performance.now() - started);
  await record(app, { ...base, attempt: 1, success: error === null, error, durationMs });
  return { index, type: dest.type, success: error === null, attempts: 1, error, target };
}

/** Delivers a job's result to every destination in order; one outcome per destination. */
export async function deliverResult(
  app: DeliveryApp,
  req: DeliverRequest,
  opts: DeliverOptions = {},
): Promise<DeliveryOutcome[]> {
  const raw = req.destinations === undefined ? req.job.outputDestinations : req.destinations;
  if (!raw || raw.length === 0) return [];
  let taskName = `task-${req.job.taskId}`;
  try {
    taskName = (await getTask(app.store.db, req.job.taskId))?.name ?? taskName;
  } catch {
    // The name only fills templates; the id-based fallback is still unique.
  }
  const ctx: DeliveryContext = { job: req.job, execution: req.execution, status: statusOf(req), taskName };
  return deliverAll(app, ctx, raw, opts);
}

/** Delivers a finished workflow run's result to `destinations` (the run's own by default). */
export async function deliverRunResult(
  app: DeliveryApp,
  run: WorkflowRunRecord,
  destinations: unknown[],
  opts: DeliverOptions = {},
): Promise<DeliveryOutcome[]> {
  const status: RunDeliveryContext['status'] =
    run.status === 'COMPLETED' || run.status === 'RESOLVED_MANUALLY'
      ? 'COMPLETED'
      : run.status === 'CANCELLED'
        ? 'CANCELLED'
        : 'FAILED';
  return deliverAll(app, { kind: 'workflow_run', run, status }, destinations, opts);
}

async function deliverAll(
  app: DeliveryApp,
  ctx: DeliveryContext,
  raw: unknown[],
  opts: DeliverOptions,
): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  for (const [index, rawDest] of raw.entries()) {
    let dest: Destination;
    try {
      dest = parseDestination(rawDest, index);
    } catch (err) {
      // A destination stored before validation existed, or edited by hand: record why it was skipped.
      const type =
        rawDest !== null &&
        typeof rawDest === 'object' &&
        typeof (rawDest as { type?: unknown }).type === 'string'
          ? (rawDest as { type: string }).type
          : 'unknown';
      await record(app, {
        ...subjectOf(ctx),
        destinationType: type,
        destination: { type },
        success: false,
        error: message(err),
      });
      outcomes.push({ index, type, success: false, attempts: 1, error: message(err), target: null });
      continue;
    }
    try {
      outcomes.push(await deliverOne(app, ctx, dest, index, opts));
    } catch (err) {
      // Unexpected (a bug or an exotic failure): still an outcome, never an exception for the queue.
      outcomes.push({
        index,
        type: dest.type,
        success: false,
        attempts: 0,
        error: message(err),
        target: null,
      });
    }
  }
  return outcomes;
}
