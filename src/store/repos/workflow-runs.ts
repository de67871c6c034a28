// Reading workflow runs, their steps and their transitions (the engine in src/workflows/engine
// writes them). Timestamps leave as ISO strings, JSON columns parsed.
import type { Selectable } from 'kysely';
import { fromJson, iso, type Db } from '../codec.ts';
import { runListQuery, type ListQuery, type ListResult, type ListSpec } from '../list-query.ts';
import type { WorkflowRunsTable, WorkflowStepsTable } from '../schema.ts';

export interface WorkflowRunRecord {
  id: number;
  uuid: string;
  workflow: string;
  version: string;
  workflowVersionId: number;
  status: string;
  input: unknown;
  output: unknown;
  error: unknown;
  idempotencyKey: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface WorkflowStepRecord {
  id: number;
  runId: number;
  name: string;
  /** for_each items: their step's id and position. */
  parentId: number | null;
  itemIndex: number | null;
  status: string;
  taskId: number;
  taskVersionId: number | null;
  attempts: number;
  jobId: number | null;
  input: unknown;
  output: unknown;
  error: unknown;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface WorkflowTransitionRecord {
  id: number;
  runId: number;
  stepId: number | null;
  step: string | null;
  from: string | null;
  to: string;
  reason: string;
  actor: string;
  at: string;
}

// Destinations stay out of the record (they hold webhook credentials): runDestinations reads them.
type RunRow = Omit<Selectable<WorkflowRunsTable>, 'output_destinations' | 'delivery_claimed_at'> & {
  workflow: string;
  version: string;
};

const selectRuns = (db: Db) =>
  db
    .selectFrom('workflow_runs as r')
    .innerJoin('workflows as w', 'w.id', 'r.workflow_id')
    .innerJoin('workflow_versions as v', 'v.id', 'r.workflow_version_id');

const RUN_COLUMNS = [
  'r.id',
  'r.uuid',
  'r.workflow_id',
  'r.workflow_version_id',
  'r.status',
  'r.input',
  'r.output',
  'r.error',
  'r.idempotency_key',
  'r.created_at',
  'r.updated_at',
  'r.finished_at',
  'w.name as workflow',
  'v.version',
] as const;

export function toRun(row: RunRow): WorkflowRunRecord {
  return {
    id: Number(row.id),
    uuid: row.uuid,
    workflow: row.workflow,
    version: row.version,
    workflowVersionId: Number(row.workflow_version_id),
    status: row.status,
    input: fromJson(row.input),
    output: fromJson(row.output),
    error: fromJson(row.error),
    idempotencyKey: row.idempotency_key,
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
    finishedAt: row.finished_at === null ? null : iso(Number(row.finished_at)),
  };
}

export function toStep(row: Selectable<WorkflowStepsTable>): WorkflowStepRecord {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: Number(row.id),
    runId: Number(row.run_id),
    name: row.name,
    parentId: n(row.parent_id),
    itemIndex: n(row.item_index),
    status: row.status,
    taskId: Number(row.task_id),
    taskVersionId: n(row.task_version_id),
    attempts: row.attempts,
    jobId: n(row.job_id),
    input: fromJson(row.input),
    output: fromJson(row.output),
    error: fromJson(row.error),
    startedAt: row.started_at === null ? null : iso(Number(row.started_at)),
    finishedAt: row.finished_at === null ? null : iso(Number(row.finished_at)),
  };
}

/** A run by numeric id or UUID. */
export async function getWorkflowRun(db: Db, ref: number | string): Promise<WorkflowRunRecord | undefined> {
  const qb = selectRuns(db).select(RUN_COLUMNS);
  const row =
    typeof ref === 'number' || /^[0-9]{1,15}$/.test(ref)
      ? await qb.where('r.id', '=', Number(ref)).executeTakeFirst()
      : await qb.where('r.uuid', '=', ref.toLowerCase()).executeTakeFirst();
  return row ? toRun(row) : undefined;
}

const RUN_LIST: ListSpec = {
  fields: {
    id: { column: 'r.id', kind: 'number' },
    uuid: { column: 'r.uuid', kind: 'string' },
    workflow: { column: 'w.name', kind: 'string' },
    version: { column: 'v.version', kind: 'string' },
    status: { column: 'r.status', kind: 'string' },
    createdAt: { column: 'r.created_at', kind: 'time' },
    updatedAt: { column: 'r.updated_at', kind: 'time' },
    finishedAt: { column: 'r.finished_at', kind: 'time' },
  },
  defaultSort: { field: 'id', order: 'desc' },
  idColumn: 'r.id',
};

export async function listWorkflowRuns(db: Db, q: ListQuery = {}): Promise<ListResult<WorkflowRunRecord>> {
  const base = selectRuns(db);
  const res = await runListQuery(base, RUN_LIST, q, (qb) => (qb as typeof base).select(RUN_COLUMNS));
  return { rows: (res.rows as RunRow[]).map(toRun), total: res.total };
}

/** The run's steps (items of for_each steps included), in creation order. */
export async function listWorkflowSteps(db: Db, runId: number): Promise<WorkflowStepRecord[]> {
  const rows = await db
    .selectFrom('workflow_steps')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('id')
    .execute();
  return rows.map(toStep);
}

export async function listWorkflowTransitions(db: Db, runId: number): Promise<WorkflowTransitionRecord[]> {
  const rows = await db
    .selectFrom('workflow_transitions as t')
    .leftJoin('workflow_steps as s', 's.id', 't.step_id')
    .select([
      't.id',
      't.run_id',
      't.step_id',
      's.name',
      's.item_index',
      't.from_status',
      't.to_status',
      't.reason',
      't.actor',
      't.at',
    ])
    .where('t.run_id', '=', runId)
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    runId: Number(r.run_id),
    stepId: r.step_id === null ? null : Number(r.step_id),
    step: r.name === null ? null : r.item_index === null ? r.name : `${r.name}[${r.item_index}]`,
    from: r.from_status,
    to: r.to_status,
    reason: r.reason,
    actor: r.actor,
    at: iso(Number(r.at)),
  }));
}

/** Runs and steps (for_each items included) by state, for metrics. */
export async function countWorkflowStates(
  db: Db,
): Promise<{ runs: Record<string, number>; steps: Record<string, number> }> {
  const count = async (table: 'workflow_runs' | 'workflow_steps') => {
    const rows = await db
      .selectFrom(table)
      .select(['status', db.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  };
  return { runs: await count('workflow_runs'), steps: await count('workflow_steps') };
}

/** Where a run's result goes when it ends, as stored (credentials included: never show this). */
export async function runDestinations(db: Db, runId: number): Promise<unknown[] | null> {
  const row = await db
    .selectFrom('workflow_runs')
    .select('output_destinations')
    .where('id', '=', runId)
    .executeTakeFirst();
  return fromJson<unknown[]>(row?.output_destinations ?? null);
}

/**
 * Claims the delivery of a finished run's output: true for exactly one caller (the update is
 * guarded by delivery_claimed_at being unset), false when the run has not ended, has no
 * destinations or was claimed already.
 */
export async function claimRunDelivery(db: Db, runId: number, now: number = Date.now()): Promise<boolean> {
  const res = await db
    .updateTable('workflow_runs')
    .set({ delivery_claimed_at: now })
    .where('id', '=', runId)
    .where('finished_at', 'is not', null)
    .where('output_destinations', 'is not', null)
    .where('delivery_claimed_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Finished runs with destinations whose delivery no process has claimed, oldest first. */
export async function undeliveredRunIds(db: Db, finishedBefore: number, limit = 100): Promise<number[]> {
  const rows = await db
    .selectFrom('workflow_runs')
    .select('id')
    .where('output_destinations', 'is not', null)
    .where('delivery_claimed_at', 'is', null)
    .where('finished_at', '<', finishedBefore)
    .orderBy('finished_at')
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.id));
}
