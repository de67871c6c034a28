// Listing executions, jobs and schedules: filters by task and status, newest first, paged.
import { z } from 'zod';
import type { ListFilter } from '../../../store/list-query.ts';
import { listExecutionPage } from '../../../services/executions.ts';
import { listJobPage } from '../../../services/jobs/index.ts';
import { listSchedulePage } from '../../../services/schedules.ts';
import { defineTool } from '../tool.ts';
import { READ_ONLY, errorShape, pageFields, pageInfo, pageOf } from './common.ts';
import { jobView, jobViewOf, scheduleView, scheduleViewOf, taskNames } from './views.ts';

const taskFilter = z.string().min(1).max(200).optional().describe('Only this task: numeric id, UUID or name');

function filters(task: string | undefined, extra: ListFilter[] = []): ListFilter[] {
  return [...(task !== undefined ? [{ field: 'taskId', op: 'eq' as const, value: task }] : []), ...extra];
}

export const listExecutions = defineTool({
  name: 'ratchet_list_executions',
  title: 'List executions',
  description:
    'Lists executions, newest first, optionally of one task or status. Returns a page of executions and the pagination.',
  input: z.object({
    task_id: taskFilter,
    status: z
      .enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'])
      .optional()
      .describe('Only this status'),
    job_id: z.number().int().positive().optional().describe('Only the attempts of this job'),
    ...pageFields,
    sort_order: z.enum(['desc', 'asc']).default('desc').describe('By creation time; desc = newest first'),
  }),
  output: z.object({
    executions: z.array(
      z.object({
        execution_id: z.number().int(),
        execution_uuid: z.string(),
        task: z.string(),
        job_id: z.number().int().nullable(),
        attempt: z.number().int(),
        status: z.string(),
        error: errorShape.nullable(),
        created_at: z.string(),
        duration_ms: z.number().nullable(),
      }),
    ),
    pagination: pageInfo,
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { task_id: 'addition', limit: 10 },
  async handler(args, ctx) {
    const extra: ListFilter[] = [];
    if (args.status) extra.push({ field: 'status', op: 'eq', value: args.status });
    if (args.job_id) extra.push({ field: 'jobId', op: 'eq', value: args.job_id });
    const { rows, total } = await listExecutionPage(ctx.app, {
      filters: filters(args.task_id, extra),
      sort: { field: 'createdAt', order: args.sort_order },
      offset: (args.page - 1) * args.limit,
      limit: args.limit,
    });
    const name = taskNames(ctx.app);
    const executions = await Promise.all(
      rows.map(async (e) => ({
        execution_id: e.id,
        execution_uuid: e.uuid,
        task: await name(e.taskId),
        job_id: e.jobId,
        attempt: e.attempt,
        status: e.status,
        error: e.error ? { ...e.error } : null,
        created_at: e.createdAt,
        duration_ms: e.durationMs,
      })),
    );
    return { executions, pagination: pageOf(args.page, args.limit, total) };
  },
});

export const listJobs = defineTool({
  name: 'ratchet_list_jobs',
  title: 'List jobs',
  description:
    'Lists jobs, newest first, optionally of one task or status. Returns a page of jobs and the pagination.',
  input: z.object({
    task_id: taskFilter,
    status: z
      .enum(['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED', 'RETRYING'])
      .optional()
      .describe('Only this status'),
    schedule_id: z.number().int().positive().optional().describe('Only jobs this schedule queued'),
    ...pageFields,
  }),
  output: z.object({ jobs: z.array(jobView), pagination: pageInfo }),
  annotations: READ_ONLY,
  access: 'read',
  example: { status: 'QUEUED' },
  async handler(args, ctx) {
    const extra: ListFilter[] = [];
    if (args.status) extra.push({ field: 'status', op: 'eq', value: args.status });
    if (args.schedule_id) extra.push({ field: 'scheduleId', op: 'eq', value: args.schedule_id });
    const { rows, total } = await listJobPage(ctx.app, {
      filters: filters(args.task_id, extra),
      sort: { field: 'createdAt', order: 'desc' },
      offset: (args.page - 1) * args.limit,
      limit: args.limit,
    });
    const name = taskNames(ctx.app);
    return {
      jobs: await Promise.all(rows.map((j) => jobViewOf(j, name))),
      pagination: pageOf(args.page, args.limit, total),
    };
  },
});

export const listSchedulesTool = defineTool({
  name: 'ratchet_list_schedules',
  title: 'List schedules',
  description:
    'Lists cron schedules with their task, cron expression, input, next and last run. Returns a page of schedules and the pagination.',
  input: z.object({
    task_id: taskFilter,
    enabled: z.boolean().optional().describe('Only enabled (true) or disabled (false) schedules'),
    ...pageFields,
  }),
  output: z.object({ schedules: z.array(scheduleView), pagination: pageInfo }),
  annotations: READ_ONLY,
  access: 'read',
  example: {},
  async handler(args, ctx) {
    const extra: ListFilter[] =
      args.enabled === undefined ? [] : [{ field: 'enabled', op: 'eq', value: args.enabled }];
    const { rows, total } = await listSchedulePage(ctx.app, {
      filters: filters(args.task_id, extra),
      offset: (args.page - 1) * args.limit,
      limit: args.limit,
    });
    const name = taskNames(ctx.app);
    return {
      schedules: await Promise.all(rows.map((s) => scheduleViewOf(ctx.app, s, name))),
      pagination: pageOf(args.page, args.limit, total),
    };
  },
});

export const listTools = [listExecutions, listJobs, listSchedulesTool];
