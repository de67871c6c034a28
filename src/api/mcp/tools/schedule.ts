// Cron schedules: create, change, delete. Times are computed by the schedules service.
import { z } from 'zod';
import {
  createSchedule,
  deleteSchedule,
  triggerSchedule,
  updateSchedule,
  type ScheduleFields,
} from '../../../services/schedules.ts';
import { MISSED_RUN_POLICIES } from '../../../services/scheduling/tick.ts';
import { defineTool } from '../tool.ts';
import { CHANGES_STATE, RUNS_TASKS, taskRef } from './common.ts';
import { jobView, jobViewOf, scheduleView, scheduleViewOf, taskNames } from './views.ts';

const scheduleRef = z
  .union([z.number().int().positive(), z.string().min(1).max(200)])
  .describe('Schedule id, UUID or name');
const cron = z
  .string()
  .min(1)
  .max(200)
  .describe('Cron: 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "*/5 * * * *"');
const timezone = z.string().min(1).max(100).describe('IANA time zone, e.g. "Europe/Berlin" (default UTC)');
const policy = z.enum(MISSED_RUN_POLICIES).describe('What to do with runs missed while the server was down');

export const scheduleTask = defineTool({
  name: 'ratchet_schedule_task',
  title: 'Schedule a task',
  description:
    'Creates a cron schedule that queues a run of the task at every tick, with a fixed input checked now. Returns the schedule with next_run_at.',
  input: z.object({
    task_id: taskRef,
    cron_expression: cron,
    input: z.record(z.string(), z.unknown()).default({}).describe('Input for every run'),
    name: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe('A unique name (default: task name + random suffix)'),
    description: z.string().max(1000).optional().describe('What the schedule is for'),
    timezone: timezone.optional(),
    enabled: z.boolean().default(true).describe('Start enabled'),
    max_runs: z.number().int().min(1).optional().describe('Stop after this many runs'),
    missed_run_policy: policy.default('skip'),
  }),
  output: z.object({ schedule: scheduleView }),
  // Every tick runs task code, which may call the outside world.
  annotations: { ...CHANGES_STATE, openWorldHint: true },
  access: 'write',
  example: {
    task_id: 'addition',
    cron_expression: '*/5 * * * *',
    input: { num1: 1, num2: 1 },
    name: 'add-every-5-min',
  },
  async handler(args, ctx) {
    const s = await createSchedule(ctx.app, {
      task: args.task_id,
      cronExpression: args.cron_expression,
      input: args.input,
      name: args.name,
      description: args.description,
      timezone: args.timezone,
      enabled: args.enabled,
      maxRuns: args.max_runs,
      missedRunPolicy: args.missed_run_policy,
    });
    return { schedule: await scheduleViewOf(ctx.app, s, taskNames(ctx.app)) };
  },
});

export const updateScheduleTool = defineTool({
  name: 'ratchet_update_schedule',
  title: 'Change a schedule',
  description:
    'Changes the given fields of a schedule (enabled false pauses it); next_run_at is recomputed. Returns the schedule.',
  input: z.object({
    schedule_id: scheduleRef,
    cron_expression: cron.optional(),
    timezone: z
      .string()
      .min(1)
      .max(100)
      .nullable()
      .optional()
      .describe('New IANA time zone, e.g. "Europe/Berlin"; null sets UTC'),
    input: z.record(z.string(), z.unknown()).optional().describe('New input for every run'),
    name: z.string().min(1).max(128).optional().describe('New name'),
    description: z.string().max(1000).nullable().optional().describe('New description (null clears it)'),
    enabled: z.boolean().optional().describe('false pauses, true resumes'),
    max_runs: z.number().int().min(1).nullable().optional().describe('New run limit (null: unlimited)'),
    missed_run_policy: policy.optional(),
  }),
  output: z.object({ schedule: scheduleView }),
  // Overwrites the settings given (the old values are gone); enabling resumes runs of task code.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  access: 'write',
  example: { schedule_id: 'add-every-5-min', enabled: false },
  async handler(args, ctx) {
    const patch: ScheduleFields = {
      cronExpression: args.cron_expression,
      timezone: args.timezone,
      input: args.input,
      name: args.name,
      description: args.description,
      enabled: args.enabled,
      maxRuns: args.max_runs,
      missedRunPolicy: args.missed_run_policy,
    };
    for (const k of Object.keys(patch) as (keyof ScheduleFields)[])
      if (patch[k] === undefined) delete patch[k];
    const s = await updateSchedule(ctx.app, args.schedule_id, patch);
    return { schedule: await scheduleViewOf(ctx.app, s, taskNames(ctx.app)) };
  },
});

export const deleteScheduleTool = defineTool({
  name: 'ratchet_delete_schedule',
  title: 'Delete a schedule',
  description:
    'Deletes a schedule for good (to pause one, update it with enabled false). Returns the deleted schedule.',
  input: z.object({ schedule_id: scheduleRef }),
  output: z.object({ deleted: scheduleView }),
  // Deleting again finds nothing to delete: no further effect.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  access: 'write',
  example: { schedule_id: 'add-every-5-min' },
  async handler(args, ctx) {
    const s = await deleteSchedule(ctx.app, args.schedule_id);
    return { deleted: await scheduleViewOf(ctx.app, s, taskNames(ctx.app)) };
  },
});

export const triggerScheduleTool = defineTool({
  name: 'ratchet_trigger_schedule',
  title: 'Run a schedule now',
  description:
    'Queues one run of a schedule now, outside its cadence (its next_run_at stays). Returns the schedule and the job (a workflow schedule: workflow_run_id instead).',
  input: z.object({ schedule_id: scheduleRef }),
  output: z.object({
    schedule: scheduleView,
    job: jobView.nullable(),
    workflow_run_id: z.number().int().nullable(),
  }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: { schedule_id: 'add-every-5-min' },
  async handler(args, ctx) {
    const { schedule, job, run } = await triggerSchedule(ctx.app, args.schedule_id);
    const names = taskNames(ctx.app);
    return {
      schedule: await scheduleViewOf(ctx.app, schedule, names),
      job: job ? await jobViewOf(job, names) : null,
      workflow_run_id: run?.id ?? null,
    };
  },
});

export const scheduleTools = [scheduleTask, updateScheduleTool, triggerScheduleTool, deleteScheduleTool];
