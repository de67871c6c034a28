// /schedules: list, get (id, UUID or name), create, update, delete, enable, disable, trigger, stats.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  createSchedule,
  deleteSchedule,
  disableSchedule,
  enableSchedule,
  getSchedule,
  listSchedulePage,
  scheduleStats,
  triggerSchedule,
  updateSchedule,
  type ScheduleFields,
} from '../../services/schedules.ts';
import type { MissedRunPolicy } from '../../services/scheduling/tick.ts';
import { emptyBodyAsObject, type IdParam, type RestOptions } from './common.ts';
import { listBody, parseListParams } from './list-params.ts';
import { Job, Schedule, Stats, jobView, scheduleView } from './models.ts';
import { IdParams, ListQuerystring, dataOf, listOf, routeSchema } from './schema.ts';
import { WorkflowRun } from './workflow-models.ts';

const tags = ['schedules'];

const Fields = {
  name: z.string().min(1).max(128),
  description: z.string().max(10_000).nullable(),
  cronExpression: z.string().min(1).max(256).describe('5 or 6 fields (seconds first when 6)'),
  timezone: z.string().min(1).max(64).nullable().describe('IANA zone; default UTC'),
  enabled: z.boolean(),
  input: z.unknown(),
  maxRuns: z.number().int().min(1).nullable(),
  missedRunPolicy: z.string().min(1).max(16).describe('SKIP or RUN_ONCE (any case)'),
  outputDestinations: z.array(z.unknown()).max(20).nullable(),
};

const CreateBody = z.strictObject({
  taskId: z
    .union([z.string().min(1).max(256), z.number().int()])
    .optional()
    .describe('Task id, UUID or name: each tick queues a job of it'),
  workflow: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe('Workflow name, instead of taskId: each tick starts a run of its latest version'),
  ...Fields,
  name: Fields.name.optional(),
  description: Fields.description.optional(),
  timezone: Fields.timezone.optional(),
  enabled: Fields.enabled.optional(),
  input: Fields.input.optional(),
  maxRuns: Fields.maxRuns.optional(),
  missedRunPolicy: Fields.missedRunPolicy.optional(),
  outputDestinations: Fields.outputDestinations.optional(),
});
const UpdateBody = z.strictObject(Fields).partial();

type Body = Omit<ScheduleFields, 'missedRunPolicy'> & { missedRunPolicy?: string };

function fields(body: Body): ScheduleFields {
  const { missedRunPolicy, ...rest } = body;
  return missedRunPolicy === undefined
    ? rest
    : { ...rest, missedRunPolicy: missedRunPolicy.toLowerCase() as MissedRunPolicy };
}

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/schedules',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'List schedules',
        description:
          'Filters on id, uuid, taskId (id, UUID or name), name, cronExpression, enabled, nextRunAt, lastRunAt, runCount, createdAt, updatedAt.',
        querystring: ListQuerystring,
        response: listOf(Schedule),
      }),
    },
    async (request, reply) => {
      const params = parseListParams(request.query);
      return listBody(reply, 'schedules', params, await listSchedulePage(app, params.query), scheduleView);
    },
  );

  server.get(
    '/schedules/stats',
    {
      config: { access: 'read' },
      schema: routeSchema({ tags, summary: 'Schedule figures', response: dataOf(Stats) }),
    },
    async () => ({ data: await scheduleStats(app) }),
  );

  server.get<{ Params: IdParam }>(
    '/schedules/:id',
    {
      config: { access: 'read' },
      schema: routeSchema({ tags, summary: 'Get a schedule', params: IdParams, response: dataOf(Schedule) }),
    },
    async (request) => ({ data: scheduleView(await getSchedule(app, request.params.id)) }),
  );

  server.post<{ Body: Body & { taskId?: string | number; workflow?: string; cronExpression: string } }>(
    '/schedules',
    {
      config: { access: 'write' },
      schema: routeSchema({
        tags,
        summary: 'Create a schedule',
        body: CreateBody,
        response: dataOf(Schedule),
        status: 201,
      }),
    },
    async (request, reply) => {
      const { taskId, workflow, ...rest } = request.body;
      const s = await createSchedule(app, {
        ...fields(rest),
        ...(taskId !== undefined ? { task: taskId } : {}),
        ...(workflow !== undefined ? { workflow } : {}),
        cronExpression: rest.cronExpression,
      });
      reply.code(201).header('Location', `/api/v1/schedules/${s.id}`);
      return { data: scheduleView(s) };
    },
  );

  for (const method of ['put', 'patch'] as const) {
    server[method]<{ Params: IdParam; Body: Body }>(
      '/schedules/:id',
      {
        config: { access: 'write' },
        schema: routeSchema({
          tags,
          summary: 'Update a schedule (a new cron expression recomputes the next run)',
          params: IdParams,
          body: UpdateBody,
          response: dataOf(Schedule),
        }),
      },
      async (request) => ({
        data: scheduleView(await updateSchedule(app, request.params.id, fields(request.body))),
      }),
    );
  }

  server.delete<{ Params: IdParam }>(
    '/schedules/:id',
    {
      config: { access: 'write' },
      schema: routeSchema({
        tags,
        summary: 'Delete a schedule',
        params: IdParams,
        response: dataOf(Schedule),
      }),
    },
    async (request) => ({ data: scheduleView(await deleteSchedule(app, request.params.id)) }),
  );

  for (const action of ['enable', 'disable'] as const) {
    server.post<{ Params: IdParam }>(
      `/schedules/:id/${action}`,
      {
        config: { access: 'write' },
        preValidation: emptyBodyAsObject,
        schema: routeSchema({
          tags,
          summary:
            action === 'enable' ? 'Enable a schedule (cadence restarts from now)' : 'Disable a schedule',
          params: IdParams,
          response: dataOf(Schedule),
        }),
      },
      async (request) => ({
        data: scheduleView(
          action === 'enable'
            ? await enableSchedule(app, request.params.id)
            : await disableSchedule(app, request.params.id),
        ),
      }),
    );
  }

  server.post<{ Params: IdParam }>(
    '/schedules/:id/trigger',
    {
      config: { access: 'run' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Queue a run now, outside the cadence',
        params: IdParams,
        response: dataOf(
          z.object({
            schedule: Schedule,
            job: Job.nullable().describe('The job queued (task schedules)'),
            workflowRun: WorkflowRun.nullable().describe('The run started (workflow schedules)'),
          }),
        ),
        status: 202,
      }),
    },
    async (request, reply) => {
      const { schedule, job, run } = await triggerSchedule(app, request.params.id);
      reply.code(202);
      return {
        data: { schedule: scheduleView(schedule), job: job ? jobView(job) : null, workflowRun: run ?? null },
      };
    },
  );
};

export default plugin;
