// /jobs: list, get (id or UUID), create, update priority/schedule, cancel, retry, stats.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  cancelJob,
  createJob,
  getJobRecord,
  jobStats,
  listJobPage,
  retryJob,
  updateJob,
  type CreateJobRequest,
} from '../../services/jobs/index.ts';
import { JOB_PRIORITY } from '../../store/repos/jobs.ts';
import { allows, minimumRole, type Role } from '../../services/roles.ts';
import { ApiError } from '../../server/errors.ts';
import { emptyBodyAsObject, type IdParam, type RestOptions } from './common.ts';
import { listBody, parseListParams, upper } from './list-params.ts';
import { Job, Stats, jobView } from './models.ts';
import { ListQuerystring, dataOf, listOf, routeSchema } from './schema.ts';

const tags = ['jobs'];
const JobIdParams = z.object({ id: z.string().min(1).max(64).describe('Numeric id or UUID') });
const Priority = z
  .union([z.string().min(1).max(16), z.number().int()])
  .describe('LOW, NORMAL, HIGH, CRITICAL (any case) or an integer');
const When = z.union([z.string().min(1).max(64), z.number().int()]).describe('ISO-8601 time or epoch ms');

export const TaskRef = z.union([z.string().min(1).max(256), z.number().int()]);

// The README's body, `{"task_id": 1, "input_data": {...}}`, is accepted as an alias of ours: the
// schema says one of taskId/task_id is required (anyOf, so OpenAPI shows it too) and the handler
// maps the aliases onto the service's request.
export const CreateBody = z
  .strictObject({
    taskId: TaskRef.optional().describe('Task id, UUID or name (this or task_id is required)'),
    task_id: TaskRef.optional().describe('Alias of taskId (the README’s spelling)'),
    input: z.unknown().optional(),
    input_data: z.unknown().optional().describe('Alias of input (the README’s spelling)'),
    priority: Priority.optional(),
    maxRetries: z.number().int().min(0).max(100).optional(),
    scheduledFor: When.optional().describe('Not run before this time'),
    delayMs: z.number().int().min(0).optional(),
    timeoutMs: z.number().int().min(1).optional(),
    version: z.string().min(1).max(64).optional().describe('Pin a version; default latest at run time'),
    idempotencyKey: z.string().min(1).max(256).optional(),
    outputDestinations: z.array(z.unknown()).max(20).optional().describe('webhook, filesystem or stdio'),
  })
  .meta({ anyOf: [{ required: ['taskId'] }, { required: ['task_id'] }] });
type CreateBody = z.infer<typeof CreateBody>;

/** The service's request from a body that may use the README's names. */
function createRequest(body: CreateBody): CreateJobRequest {
  const { task_id, input_data, taskId, input, ...rest } = body;
  const clash = (ours: string, alias: string) =>
    new ApiError(400, 'BAD_REQUEST', `give ${ours} or its alias ${alias}, not both`, {
      fields: [{ path: `body.${alias}`, message: `duplicates body.${ours}` }],
    });
  if ('taskId' in body && 'task_id' in body) throw clash('taskId', 'task_id');
  if ('input' in body && 'input_data' in body) throw clash('input', 'input_data');
  const ref = taskId ?? task_id;
  // The schema's anyOf makes one of them present; this only satisfies the type.
  if (ref === undefined) throw new ApiError(400, 'BAD_REQUEST', 'taskId (or task_id) is required');
  const request: CreateJobRequest = { ...rest, taskId: ref };
  if ('input' in body) request.input = input;
  else if ('input_data' in body) request.input = input_data;
  return request;
}

const UpdateBody = z.strictObject({ priority: Priority.optional(), scheduledFor: When.optional() });

/** `priority=HIGH` filters on the stored number; numbers pass through. */
function priorityValue(v: string): unknown {
  const key = v.toUpperCase() as keyof typeof JOB_PRIORITY;
  return key in JOB_PRIORITY ? JOB_PRIORITY[key] : v;
}

/**
 * Queuing needs `run` access, but a destination that writes files or calls URLs acts with the
 * server's own rights: it needs `write` (developer), as creating a schedule does.
 */
export function assertMayDeliver(role: Role, destinations: unknown[] | undefined): void {
  if (allows(role, 'write')) return;
  const kinds = (destinations ?? [])
    .map((d) => (d !== null && typeof d === 'object' ? (d as { type?: unknown }).type : undefined))
    .filter((t): t is string => t === 'filesystem' || t === 'webhook');
  if (kinds.length === 0) return;
  throw new ApiError(
    403,
    'FORBIDDEN',
    `${kinds[0]} output destinations need write access (role ${minimumRole('write')} or higher); this key has role ${role} (stdio destinations need only run access)`,
    { requiredAccess: 'write', role },
  );
}

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/jobs',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'List jobs (newest first)',
        description:
          'Filters on id, uuid, taskId (id, UUID or name), taskVersionId, status, priority (names or numbers; sorted numerically), runAt, attempts, scheduleId, idempotencyKey, leaseOwner, createdAt, updatedAt, startedAt, finishedAt.',
        querystring: ListQuerystring,
        response: listOf(Job),
      }),
    },
    async (request, reply) => {
      const params = parseListParams(request.query, { values: { status: upper, priority: priorityValue } });
      return listBody(reply, 'jobs', params, await listJobPage(app, params.query), jobView);
    },
  );

  server.get(
    '/jobs/stats',
    {
      config: { access: 'read' },
      schema: routeSchema({ tags, summary: 'Queue figures', response: dataOf(Stats) }),
    },
    async () => ({ data: await jobStats(app) }),
  );

  server.get<{ Params: IdParam }>(
    '/jobs/:id',
    {
      config: { access: 'read' },
      schema: routeSchema({ tags, summary: 'Get a job', params: JobIdParams, response: dataOf(Job) }),
    },
    async (request) => ({ data: jobView(await getJobRecord(app, request.params.id)) }),
  );

  server.post<{ Body: CreateBody }>(
    '/jobs',
    {
      config: { access: 'run' },
      schema: routeSchema({
        tags,
        summary: 'Queue a job',
        description:
          'The input is checked against the task’s input schema (422 listing every violation). The same idempotencyKey returns the existing job with 200 instead of 201. The README’s body `{"task_id": 1, "input_data": {…}}` is accepted: task_id and input_data are aliases of taskId and input.',
        body: CreateBody,
        response: dataOf(Job),
        status: 201,
      }),
    },
    async (request, reply) => {
      assertMayDeliver(request.principal.role, request.body.outputDestinations);
      const { job, created } = await createJob(app, createRequest(request.body));
      reply.code(created ? 201 : 200).header('Location', `/api/v1/jobs/${job.id}`);
      return { data: jobView(job) };
    },
  );

  for (const method of ['patch', 'put'] as const) {
    server[method]<{ Params: IdParam; Body: z.infer<typeof UpdateBody> }>(
      '/jobs/:id',
      {
        config: { access: 'write' },
        schema: routeSchema({
          tags,
          summary: 'Change the priority or due time of a waiting job',
          description: 'Only QUEUED or RETRYING jobs can change (409 otherwise).',
          params: JobIdParams,
          body: UpdateBody,
          response: dataOf(Job),
        }),
      },
      async (request) => ({ data: jobView(await updateJob(app, request.params.id, request.body)) }),
    );
  }

  server.post<{ Params: IdParam }>(
    '/jobs/:id/cancel',
    {
      config: { access: 'run' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Cancel a job (a running one is interrupted)',
        params: JobIdParams,
        response: dataOf(z.object({ job: Job, stopping: z.boolean() })),
      }),
    },
    async (request) => {
      const out = await cancelJob(app, request.params.id);
      return { data: { job: jobView(out.job), stopping: out.stopping } };
    },
  );

  server.post<{ Params: IdParam }>(
    '/jobs/:id/retry',
    {
      config: { access: 'run' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Requeue a FAILED or CANCELLED job with a fresh retry budget',
        params: JobIdParams,
        response: dataOf(Job),
      }),
    },
    async (request) => ({ data: jobView(await retryJob(app, request.params.id)) }),
  );
};

export default plugin;
