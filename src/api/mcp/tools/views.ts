// Jobs and schedules as tools return them (snake_case, task names resolved), and a small cache so
// a page of rows costs one task lookup per distinct task.
import { z } from 'zod';
import type { Ratchet } from '../../../app.ts';
import type { JobRecord } from '../../../store/repos/jobs.ts';
import type { ScheduleRecord } from '../../../services/schedules.ts';
import { getTaskDetail } from '../../../services/tasks.ts';
import { scheduleWorkflowName } from '../../../services/scheduling/target.ts';

export function taskNames(app: Ratchet): (id: number) => Promise<string> {
  const names = new Map<number, Promise<string>>();
  return (id) => {
    let n = names.get(id);
    if (!n) {
      n = getTaskDetail(app, id).then(
        (t) => t.name,
        () => `#${id}`,
      );
      names.set(id, n);
    }
    return n;
  };
}

export const jobView = z.object({
  job_id: z.number().int(),
  job_uuid: z.string(),
  task: z.string(),
  status: z.enum(['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED', 'RETRYING']),
  priority: z.number().int(),
  run_at: z.string().describe('Not before this time'),
  attempts: z.number().int(),
  max_retries: z.number().int(),
  input: z.unknown(),
  last_error: z.unknown(),
  schedule_id: z.number().int().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});

export async function jobViewOf(
  j: JobRecord,
  name: (id: number) => Promise<string>,
): Promise<z.input<typeof jobView>> {
  return {
    job_id: j.id,
    job_uuid: j.uuid,
    task: await name(j.taskId),
    status: j.status,
    priority: j.priority,
    run_at: j.runAt,
    attempts: j.attempts,
    max_retries: j.maxRetries,
    input: j.input,
    last_error: j.lastError ?? null,
    schedule_id: j.scheduleId,
    created_at: j.createdAt,
    started_at: j.startedAt,
    finished_at: j.finishedAt,
  };
}

export const scheduleView = z.object({
  schedule_id: z.number().int(),
  schedule_uuid: z.string(),
  name: z.string(),
  task: z.string().nullable(),
  workflow: z.string().nullable(),
  description: z.string().nullable(),
  cron_expression: z.string(),
  timezone: z.string().nullable(),
  input: z.unknown(),
  enabled: z.boolean(),
  next_run_at: z.string().nullable(),
  last_run_at: z.string().nullable(),
  run_count: z.number().int(),
  max_runs: z.number().int().nullable(),
  missed_run_policy: z.string(),
});

export async function scheduleViewOf(
  app: Ratchet,
  s: ScheduleRecord,
  name: (id: number) => Promise<string>,
): Promise<z.input<typeof scheduleView>> {
  return {
    schedule_id: s.id,
    schedule_uuid: s.uuid,
    name: s.name,
    task: s.taskId === null ? null : await name(s.taskId),
    workflow: s.workflowId === null ? null : await scheduleWorkflowName(app, s.workflowId),
    description: s.description,
    cron_expression: s.cronExpression,
    timezone: s.timezone,
    input: s.input,
    enabled: s.enabled,
    next_run_at: s.nextRunAt,
    last_run_at: s.lastRunAt,
    run_count: s.runCount,
    max_runs: s.maxRuns,
    missed_run_policy: s.missedRunPolicy,
  };
}
