// What a destination receives: the output alone, or the envelope describing the job and
// execution (or the workflow run) it came from, serialised as JSON, YAML, CSV or plain text.
import { stringify as toYaml } from 'yaml';
import type { ExecutionRecord } from '../store/repos/executions.ts';
import type { JobRecord } from '../store/repos/jobs.ts';
import type { WorkflowRunRecord } from '../store/repos/workflow-runs.ts';

export type FinishedStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** Everything a destination may need about one finished job. */
export interface JobDeliveryContext {
  kind?: 'job';
  job: JobRecord;
  execution: ExecutionRecord | null;
  status: FinishedStatus;
  taskName: string;
}

/** Everything a destination may need about one finished workflow run. */
export interface RunDeliveryContext {
  kind: 'workflow_run';
  run: WorkflowRunRecord;
  /** COMPLETED for a run resolved by hand too (it has an output); the run keeps its own status. */
  status: FinishedStatus;
}

export type DeliveryContext = JobDeliveryContext | RunDeliveryContext;

export interface JobEnvelope {
  event: string;
  status: FinishedStatus;
  task: { id: number; name: string };
  job: { id: number; uuid: string; scheduleId: number | null; attempts: number };
  execution: {
    id: number;
    uuid: string;
    attempt: number;
    startedAt: string | null;
    finishedAt: string | null;
    durationMs: number | null;
  } | null;
  output: unknown;
  error: unknown;
  deliveredAt: string;
}

export interface RunEnvelope {
  event: string;
  status: FinishedStatus;
  workflow: { name: string; version: string };
  run: {
    id: number;
    uuid: string;
    status: string;
    createdAt: string;
    finishedAt: string | null;
    durationMs: number | null;
  };
  output: unknown;
  error: unknown;
  deliveredAt: string;
}

export type ResultEnvelope = JobEnvelope | RunEnvelope;

/** `job.completed`, `workflow_run.failed`, …: the webhook's X-Ratchet-Event and the envelope's event. */
export function eventOf(ctx: DeliveryContext): string {
  return `${ctx.kind === 'workflow_run' ? 'workflow_run' : 'job'}.${ctx.status.toLowerCase()}`;
}

function runEnvelope(ctx: RunDeliveryContext, now: Date): RunEnvelope {
  const { run } = ctx;
  const finished = run.finishedAt === null ? null : Date.parse(run.finishedAt);
  return {
    event: eventOf(ctx),
    status: ctx.status,
    workflow: { name: run.workflow, version: run.version },
    run: {
      id: run.id,
      uuid: run.uuid,
      status: run.status,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      durationMs: finished === null ? null : finished - Date.parse(run.createdAt),
    },
    output: run.output ?? null,
    error: run.error ?? null,
    deliveredAt: now.toISOString(),
  };
}

export function envelopeOf(ctx: DeliveryContext, now: Date = new Date()): ResultEnvelope {
  if (ctx.kind === 'workflow_run') return runEnvelope(ctx, now);
  const { job, execution: ex } = ctx;
  return {
    event: eventOf(ctx),
    status: ctx.status,
    task: { id: job.taskId, name: ctx.taskName },
    job: { id: job.id, uuid: job.uuid, scheduleId: job.scheduleId, attempts: job.attempts },
    execution: ex
      ? {
          id: ex.id,
          uuid: ex.uuid,
          attempt: ex.attempt,
          startedAt: ex.startedAt,
          finishedAt: ex.finishedAt,
          durationMs: ex.durationMs,
        }
      : null,
    output: ex?.output ?? null,
    error: ex?.error ?? job.lastError ?? null,
    deliveredAt: now.toISOString(),
  };
}

/**
 * The value a file or stream gets: the output of a completed job or run unless the destination asks for
 * metadata; a job that did not complete has no output, so it always gets the envelope.
 */
export function valueFor(ctx: DeliveryContext, includeMetadata: boolean): unknown {
  if (!includeMetadata && ctx.status === 'COMPLETED')
    return (ctx.kind === 'workflow_run' ? ctx.run.output : ctx.execution?.output) ?? null;
  return envelopeOf(ctx);
}

export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function formatYaml(value: unknown): string {
  return toYaml(value ?? null);
}

/** Plain text: strings as they are, anything else as one-line JSON. */
export function formatText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // RFC 4180: quote cells holding a separator, a quote or a line break; double inner quotes.
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

function isFlatRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every((v) => v === null || typeof v !== 'object');
}

/**
 * CSV: an array of flat objects becomes a header (the union of keys, in first-seen order) and one
 * row per object; anything else becomes a single `value` column holding JSON.
 */
export function formatCsv(value: unknown): string {
  const rows: Record<string, unknown>[] =
    Array.isArray(value) && value.length > 0 && value.every(isFlatRecord)
      ? value
      : [{ value: JSON.stringify(value ?? null) }];
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const lines = [
    columns.map(csvCell).join(','),
    ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
