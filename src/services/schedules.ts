// Schedules as every adapter (CLI, REST, MCP) sees them: validated create/update, list, enable,
// disable, delete and trigger. next_run_at is always derived here from the cron expression, so
// callers never compute ticks themselves.
import { randomBytes } from 'node:crypto';
import type { Ratchet } from './context.ts';
import { CronError, nextCronRun, validateCron } from '../scheduler/cron.ts';
import { MISSED_RUN_POLICIES } from './scheduling/tick.ts';
import {
  fireSchedule,
  resolveScheduleTarget,
  scheduleTarget,
  type ScheduleTargetRef,
} from './scheduling/target.ts';
import type { WorkflowRunRecord } from '../store/repos/workflow-runs.ts';
import type { MissedRunPolicy } from './scheduling/tick.ts';
import { NotFoundError } from '../store/codec.ts';
import type { JobRecord } from '../store/repos/jobs.ts';
import * as repo from '../store/repos/schedules.ts';
import type { ScheduleRecord } from '../store/repos/schedules.ts';
import type { ListFilter, ListQuery, ListResult } from '../store/list-query.ts';
import { resolveTaskFilters } from './task-ref.ts';
import { destinationViolations } from './jobs/enqueue.ts';
import { ValidationError } from './errors.ts';
import type { Violation } from './errors.ts';
import { resolveTaskPackage } from '../tasks/stored-versions.ts';

export type { ScheduleRecord } from '../store/repos/schedules.ts';

export interface ScheduleFields {
  name?: string;
  description?: string | null;
  cronExpression?: string;
  /** IANA zone; null/absent: UTC. */
  timezone?: string | null;
  input?: unknown;
  enabled?: boolean;
  maxRuns?: number | null;
  missedRunPolicy?: MissedRunPolicy;
  outputDestinations?: unknown[] | null;
}

/** `task` (id, UUID or name) or `workflow` (name): exactly one. */
export interface CreateScheduleRequest extends ScheduleFields, ScheduleTargetRef {
  cronExpression: string;
}

async function check(app: Ratchet, fields: ScheduleFields): Promise<Violation[]> {
  const v: Violation[] = [];
  if (fields.cronExpression !== undefined || fields.timezone) {
    try {
      validateCron(fields.cronExpression ?? '* * * * *', fields.timezone);
    } catch (err) {
      if (!(err instanceof CronError)) throw err;
      const path = /timezone/.test(err.message) ? '$.timezone' : '$.cronExpression';
      v.push({ path, message: err.message });
    }
  }
  if (fields.name !== undefined && !/^\S(.{0,126}\S)?$/.test(fields.name)) {
    v.push({ path: '$.name', message: 'must be 1–128 characters without leading or trailing spaces' });
  }
  if (fields.name !== undefined && /^[0-9]+$/.test(fields.name)) {
    v.push({ path: '$.name', message: 'must not be all digits (it would read as an id)' });
  }
  if (fields.maxRuns != null && (!Number.isInteger(fields.maxRuns) || fields.maxRuns < 1)) {
    v.push({ path: '$.maxRuns', message: `must be an integer ≥ 1, not ${JSON.stringify(fields.maxRuns)}` });
  }
  if (fields.missedRunPolicy !== undefined && !MISSED_RUN_POLICIES.includes(fields.missedRunPolicy)) {
    v.push({
      path: '$.missedRunPolicy',
      message: `must be ${MISSED_RUN_POLICIES.join(' or ')}, not ${JSON.stringify(fields.missedRunPolicy)}`,
    });
  }
  v.push(...(await destinationViolations(app, fields.outputDestinations)));
  return v;
}

/** The next run from `now`, or null when the schedule is disabled or has used up its runs. */
function nextRun(
  s: Pick<ScheduleRecord, 'cronExpression' | 'timezone' | 'enabled' | 'maxRuns' | 'runCount'>,
  now: Date,
) {
  if (!s.enabled || (s.maxRuns !== null && s.runCount >= s.maxRuns)) return null;
  return nextCronRun(s.cronExpression, now, s.timezone);
}

export async function createSchedule(
  app: Ratchet,
  req: CreateScheduleRequest,
  now: Date = new Date(),
): Promise<ScheduleRecord> {
  const problems = await check(app, req);
  if (problems.length > 0) throw new ValidationError('invalid schedule', problems);
  const { taskId, workflowId, split } = await resolveScheduleTarget(app, req, req.input);
  const enabled = req.enabled ?? true;
  const shape = {
    ...req,
    enabled,
    timezone: req.timezone ?? null,
    maxRuns: req.maxRuns ?? null,
    runCount: 0,
  };
  return repo.createSchedule(app.store.db, {
    taskId,
    workflowId,
    name: req.name ?? `${String(req.task ?? req.workflow)}-${randomBytes(3).toString('hex')}`,
    description: req.description ?? null,
    cronExpression: req.cronExpression.trim().split(/\s+/).join(' '),
    timezone: shape.timezone,
    input: split.shown,
    secretInput: split.secret ?? null,
    enabled,
    nextRunAt: nextRun(shape, now),
    maxRuns: shape.maxRuns,
    missedRunPolicy: req.missedRunPolicy ?? 'skip',
    outputDestinations: req.outputDestinations ?? null,
  });
}

/** A schedule by id, UUID or name; NotFoundError otherwise. */
export async function getSchedule(app: Ratchet, ref: string | number): Promise<ScheduleRecord> {
  const s = await repo.getSchedule(app.store.db, ref);
  if (!s) throw new NotFoundError(`no schedule "${ref}" (give a numeric id, a UUID or a name)`);
  return s;
}

/** Changes fields; a new cron expression, timezone or run limit recomputes the next run from `now`. */
export async function updateSchedule(
  app: Ratchet,
  ref: string | number,
  patch: ScheduleFields,
  now: Date = new Date(),
): Promise<ScheduleRecord> {
  const current = await getSchedule(app, ref);
  const problems = await check(app, {
    ...patch,
    timezone: patch.timezone ?? (patch.cronExpression ? current.timezone : undefined),
  });
  if (problems.length > 0) throw new ValidationError('invalid schedule', problems);
  const split =
    patch.input !== undefined
      ? (await resolveScheduleTarget(app, await scheduleTarget(app, current), patch.input)).split
      : undefined;
  const merged = {
    ...current,
    ...patch,
    timezone: patch.timezone === undefined ? current.timezone : patch.timezone,
  };
  const timing = ['cronExpression', 'timezone', 'enabled', 'maxRuns'].some(
    (k) => patch[k as keyof ScheduleFields] !== undefined,
  );
  return repo.updateSchedule(app.store.db, current.id, {
    ...patch,
    ...(split ? { input: split.shown, secretInput: split.secret ?? null } : {}),
    ...(timing ? { nextRunAt: nextRun({ ...merged, maxRuns: merged.maxRuns ?? null }, now) } : {}),
  });
}

export interface ListSchedulesRequest {
  task?: string | number;
  status?: 'enabled' | 'disabled';
  limit?: number;
  offset?: number;
}

export async function listSchedules(
  app: Ratchet,
  req: ListSchedulesRequest = {},
): Promise<ListResult<ScheduleRecord>> {
  const filters: ListFilter[] = [];
  if (req.task !== undefined) {
    const { task } = await resolveTaskPackage(app.store.db, req.task);
    filters.push({ field: 'taskId', op: 'eq', value: task.id });
  }
  if (req.status !== undefined) filters.push({ field: 'enabled', op: 'eq', value: req.status === 'enabled' });
  return repo.listSchedules(app.store.db, { filters, limit: req.limit, offset: req.offset });
}

/** Enabling starts the cadence afresh from `now`: ticks that passed while disabled are not "missed". */
export function enableSchedule(app: Ratchet, ref: string | number, now: Date = new Date()) {
  return updateSchedule(app, ref, { enabled: true }, now);
}

export function disableSchedule(app: Ratchet, ref: string | number) {
  return updateSchedule(app, ref, { enabled: false });
}

export async function deleteSchedule(app: Ratchet, ref: string | number): Promise<ScheduleRecord> {
  const s = await getSchedule(app, ref);
  await repo.deleteSchedule(app.store.db, s.id);
  return s;
}

/**
 * Fires the schedule now, outside its cadence (next run and run count unchanged): a job for a
 * task schedule, a workflow run for a workflow schedule.
 */
export async function triggerSchedule(
  app: Ratchet,
  ref: string | number,
): Promise<{ schedule: ScheduleRecord; job?: JobRecord; run?: WorkflowRunRecord }> {
  const schedule = await getSchedule(app, ref);
  const fired = await fireSchedule(app, schedule);
  return fired.kind === 'job' ? { schedule, job: fired.job } : { schedule, run: fired.run };
}

/** The REST/MCP list: the full list contract, `taskId` filters accepting ids, UUIDs and names. */
export async function listSchedulePage(app: Ratchet, q: ListQuery): Promise<ListResult<ScheduleRecord>> {
  return repo.listSchedules(app.store.db, await resolveTaskFilters(app, q));
}

export interface ScheduleStats {
  total: number;
  enabled: number;
  disabled: number;
  /** Runs all schedules have made. */
  totalRuns: number;
  /** The soonest next run of an enabled schedule, or null. */
  nextRunAt: string | null;
  /** Jobs that schedules queued, by status. */
  jobsByStatus: Record<string, number>;
}

export async function scheduleStats(app: Ratchet): Promise<ScheduleStats> {
  const { db } = app.store;
  const [counts, jobs] = await Promise.all([
    db
      .selectFrom('schedules')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('total'),
        eb.fn
          .sum<number | string | null>(eb.case().when('enabled', '=', true).then(1).else(0).end())
          .as('enabled'),
        eb.fn.sum<number | string | null>('run_count').as('runs'),
        eb.fn
          .min<number | string | null>(eb.case().when('enabled', '=', true).then(eb.ref('next_run_at')).end())
          .as('next'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('jobs')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('schedule_id', 'is not', null)
      .groupBy('status')
      .execute(),
  ]);
  const total = Number(counts.total);
  const enabled = Number(counts.enabled ?? 0);
  const jobsByStatus: Record<string, number> = {};
  for (const j of jobs) jobsByStatus[j.status] = Number(j.n);
  return {
    total,
    enabled,
    disabled: total - enabled,
    totalRuns: Number(counts.runs ?? 0),
    nextRunAt: counts.next === null ? null : new Date(Number(counts.next)).toISOString(),
    jobsByStatus,
  };
}
