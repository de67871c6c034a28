// Schedules: cron expressions that enqueue jobs. claimScheduleTick is the compare-and-set that
// lets many nodes run the scheduler while each tick fires exactly once.
import { randomUUID } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import type { SchedulesTable } from '../schema.ts';
import {
  ConflictError,
  NotFoundError,
  bool,
  fromJson,
  isUniqueViolation,
  iso,
  toJson,
  toJsonOrNull,
  toMs,
} from '../codec.ts';
import type { Db, TimeInput } from '../codec.ts';
import { runListQuery } from '../list-query.ts';
import type { ListQuery, ListResult, ListSpec } from '../list-query.ts';

export interface ScheduleRecord {
  id: number;
  uuid: string;
  /** The task each tick enqueues; null when the schedule starts a workflow. */
  taskId: number | null;
  /** The workflow each tick starts (its latest version); null for a task schedule. */
  workflowId: number | null;
  name: string;
  description: string | null;
  cronExpression: string;
  timezone: string | null;
  input: unknown;
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  runCount: number;
  maxRuns: number | null;
  missedRunPolicy: string;
  outputDestinations: unknown[] | null;
  lastTickClaimedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreateScheduleInput {
  /** Exactly one of taskId and workflowId. */
  taskId?: number | null;
  workflowId?: number | null;
  name: string;
  cronExpression: string;
  description?: string | null;
  timezone?: string | null;
  input?: unknown;
  enabled?: boolean;
  nextRunAt?: TimeInput | null;
  maxRuns?: number | null;
  missedRunPolicy?: string;
  outputDestinations?: unknown[] | null;
  /** The real input when `input` has writeOnly fields masked (null: none); never read back by users. */
  secretInput?: unknown;
}

export type UpdateScheduleInput = Partial<Omit<CreateScheduleInput, 'taskId' | 'workflowId'>>;

function toSchedule(row: Selectable<SchedulesTable>): ScheduleRecord {
  return {
    id: Number(row.id),
    uuid: row.uuid,
    taskId: row.task_id === null ? null : Number(row.task_id),
    workflowId: row.workflow_id === null ? null : Number(row.workflow_id),
    name: row.name,
    description: row.description,
    cronExpression: row.cron_expression,
    timezone: row.timezone,
    input: fromJson(row.input),
    enabled: bool(row.enabled),
    nextRunAt: iso(row.next_run_at),
    lastRunAt: iso(row.last_run_at),
    runCount: row.run_count,
    maxRuns: row.max_runs,
    missedRunPolicy: row.missed_run_policy,
    outputDestinations: fromJson<unknown[]>(row.output_destinations),
    lastTickClaimedAt: iso(row.last_tick_claimed_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

async function nameClash<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(`a schedule named "${name}" already exists`);
    throw err;
  }
}

export async function createSchedule(db: Db, input: CreateScheduleInput): Promise<ScheduleRecord> {
  const now = Date.now();
  const row = await nameClash(input.name, () =>
    db
      .insertInto('schedules')
      .values({
        uuid: randomUUID(),
        task_id: input.taskId ?? null,
        workflow_id: input.workflowId ?? null,
        name: input.name,
        description: input.description ?? null,
        cron_expression: input.cronExpression,
        timezone: input.timezone ?? null,
        input: toJson(input.input ?? {}),
        secret_input: input.secretInput == null ? null : toJson(input.secretInput),
        enabled: input.enabled ?? true,
        next_run_at: input.nextRunAt == null ? null : toMs(input.nextRunAt, 'schedule nextRunAt'),
        run_count: 0,
        max_runs: input.maxRuns ?? null,
        missed_run_policy: input.missedRunPolicy ?? 'skip',
        output_destinations: toJsonOrNull(input.outputDestinations),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toSchedule(row);
}

/** A schedule by numeric id, UUID or name. */
export async function getSchedule(db: Db, ref: number | string): Promise<ScheduleRecord | undefined> {
  const qb = db.selectFrom('schedules').selectAll();
  const row =
    typeof ref === 'number' || /^[0-9]{1,15}$/.test(ref)
      ? await qb.where('id', '=', Number(ref)).executeTakeFirst()
      : await qb
          .where((eb) => eb.or([eb('uuid', '=', ref.toLowerCase()), eb('name', '=', ref)]))
          .executeTakeFirst();
  return row ? toSchedule(row) : undefined;
}

export async function updateSchedule(
  db: Db,
  id: number,
  patch: UpdateScheduleInput,
): Promise<ScheduleRecord> {
  const set: Updateable<SchedulesTable> = { updated_at: Date.now() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.cronExpression !== undefined) set.cron_expression = patch.cronExpression;
  if (patch.timezone !== undefined) set.timezone = patch.timezone;
  if (patch.input !== undefined) set.input = toJson(patch.input);
  if (patch.secretInput !== undefined)
    set.secret_input = patch.secretInput === null ? null : toJson(patch.secretInput);
  if (patch.enabled !== undefined) set.enabled = patch.enabled;
  if (patch.nextRunAt !== undefined)
    set.next_run_at = patch.nextRunAt === null ? null : toMs(patch.nextRunAt);
  if (patch.maxRuns !== undefined) set.max_runs = patch.maxRuns;
  if (patch.missedRunPolicy !== undefined) set.missed_run_policy = patch.missedRunPolicy;
  if (patch.outputDestinations !== undefined)
    set.output_destinations = toJsonOrNull(patch.outputDestinations);
  const row = await nameClash(patch.name, () =>
    db.updateTable('schedules').set(set).where('id', '=', id).returningAll().executeTakeFirst(),
  );
  if (!row) throw new NotFoundError(`schedule ${id} does not exist`);
  return toSchedule(row);
}

export async function deleteSchedule(db: Db, id: number): Promise<boolean> {
  const res = await db.deleteFrom('schedules').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** The input a schedule's jobs run: the real one when writeOnly fields are masked in `input`. */
export async function scheduleRunInput(db: Db, id: number): Promise<unknown> {
  const row = await db
    .selectFrom('schedules')
    .select(['input', 'secret_input'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`schedule ${id} does not exist`);
  return fromJson(row.secret_input ?? row.input);
}

/** Enabled schedules whose next run is due at `now`, earliest first. */
export async function listDueSchedules(db: Db, now: TimeInput, limit = 100): Promise<ScheduleRecord[]> {
  const rows = await db
    .selectFrom('schedules')
    .selectAll()
    .where('enabled', '=', true)
    .where('next_run_at', '<=', toMs(now))
    .orderBy('next_run_at')
    .limit(limit)
    .execute();
  return rows.map(toSchedule);
}

/**
 * Claims the tick at `tickAt` for this node: true for exactly one caller per tick. Records the run
 * and moves next_run_at on (null when the schedule is finished).
 */
export async function claimScheduleTick(
  db: Db,
  id: number,
  tickAt: TimeInput,
  nextRunAt: TimeInput | null,
): Promise<boolean> {
  const tick = toMs(tickAt, 'schedule tick');
  const res = await db
    .updateTable('schedules')
    .set((eb) => ({
      last_tick_claimed_at: tick,
      last_run_at: tick,
      next_run_at: nextRunAt === null ? null : toMs(nextRunAt, 'schedule nextRunAt'),
      run_count: eb('run_count', '+', 1),
      updated_at: Date.now(),
    }))
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_tick_claimed_at', 'is', null), eb('last_tick_claimed_at', '<', tick)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

const SCHEDULE_LIST: ListSpec = {
  fields: {
    id: { column: 'id', kind: 'number' },
    uuid: { column: 'uuid', kind: 'string' },
    taskId: { column: 'task_id', kind: 'number' },
    workflowId: { column: 'workflow_id', kind: 'number' },
    name: { column: 'name', kind: 'string' },
    cronExpression: { column: 'cron_expression', kind: 'string' },
    enabled: { column: 'enabled', kind: 'boolean' },
    nextRunAt: { column: 'next_run_at', kind: 'time' },
    lastRunAt: { column: 'last_run_at', kind: 'time' },
    runCount: { column: 'run_count', kind: 'number' },
    createdAt: { column: 'created_at', kind: 'time' },
    updatedAt: { column: 'updated_at', kind: 'time' },
  },
  defaultSort: { field: 'name', order: 'asc' },
  idColumn: 'id',
};

export async function listSchedules(db: Db, q: ListQuery = {}): Promise<ListResult<ScheduleRecord>> {
  const res = await runListQuery<Selectable<SchedulesTable>>(
    db.selectFrom('schedules'),
    SCHEDULE_LIST,
    q,
    (qb) => qb.selectAll(),
  );
  return { rows: res.rows.map(toSchedule), total: res.total };
}
