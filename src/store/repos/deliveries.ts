// Delivery results: one row per attempt to deliver a job's output to a destination.
import type { Selectable } from 'kysely';
import type { DeliveryResultsTable } from '../schema.ts';
import { bool, fromJson, iso, toJson } from '../codec.ts';
import type { Db } from '../codec.ts';

export interface DeliveryResultRecord {
  id: number;
  jobId: number | null;
  executionId: number | null;
  workflowRunId: number | null;
  destinationType: string;
  destination: unknown;
  attempt: number;
  success: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number | null;
  createdAt: string;
}

export interface InsertDeliveryResultInput {
  jobId?: number | null;
  executionId?: number | null;
  workflowRunId?: number | null;
  destinationType: string;
  /** The destination's configuration; secrets should be redacted by the caller. */
  destination: unknown;
  attempt?: number;
  success: boolean;
  statusCode?: number | null;
  error?: string | null;
  durationMs?: number | null;
}

function toDelivery(row: Selectable<DeliveryResultsTable>): DeliveryResultRecord {
  return {
    id: Number(row.id),
    jobId: row.job_id === null ? null : Number(row.job_id),
    executionId: row.execution_id === null ? null : Number(row.execution_id),
    workflowRunId: row.workflow_run_id === null ? null : Number(row.workflow_run_id),
    destinationType: row.destination_type,
    destination: fromJson(row.destination),
    attempt: row.attempt,
    success: bool(row.success),
    statusCode: row.status_code,
    error: row.error,
    durationMs: row.duration_ms,
    createdAt: iso(row.created_at),
  };
}

export async function insertDeliveryResult(
  db: Db,
  input: InsertDeliveryResultInput,
): Promise<DeliveryResultRecord> {
  const row = await db
    .insertInto('delivery_results')
    .values({
      job_id: input.jobId ?? null,
      execution_id: input.executionId ?? null,
      workflow_run_id: input.workflowRunId ?? null,
      destination_type: input.destinationType,
      destination: toJson(input.destination),
      attempt: input.attempt ?? 1,
      success: input.success,
      status_code: input.statusCode ?? null,
      error: input.error ?? null,
      duration_ms: input.durationMs ?? null,
      created_at: Date.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toDelivery(row);
}

/** Delivery attempts for a job, an execution or a workflow run, oldest first. */
export async function listDeliveryResults(
  db: Db,
  by: { jobId: number } | { executionId: number } | { workflowRunId: number },
): Promise<DeliveryResultRecord[]> {
  let qb = db.selectFrom('delivery_results').selectAll();
  qb =
    'jobId' in by
      ? qb.where('job_id', '=', by.jobId)
      : 'executionId' in by
        ? qb.where('execution_id', '=', by.executionId)
        : qb.where('workflow_run_id', '=', by.workflowRunId);
  const rows = await qb.orderBy('created_at').orderBy('id').execute();
  return rows.map(toDelivery);
}
