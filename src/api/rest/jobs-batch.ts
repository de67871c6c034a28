// POST /jobs/batch: many jobs of one task in one call and one transaction (bulk enqueue; the
// service is services/jobs/enqueue-many.ts). The answer lists each queued item by its index with
// the job's id and UUID, not whole job records, so a 10,000-job batch stays a small response.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { enqueueMany, MAX_BATCH_JOBS } from '../../services/jobs/index.ts';
import type { RestOptions } from './common.ts';
import { assertMayDeliver, CreateBody, TaskRef } from './jobs.ts';
import { dataOf, routeSchema } from './schema.ts';

// The fields of POST /jobs that belong to one job (the task and version are the batch's).
const BatchItem = CreateBody.omit({ taskId: true, task_id: true, input_data: true, version: true });

const BatchBody = z.strictObject({
  taskId: TaskRef.describe('Task id, UUID or name'),
  version: CreateBody.shape.version,
  jobs: z.array(BatchItem).min(1).max(MAX_BATCH_JOBS).describe('One entry per job, each with its own input'),
  partial: z
    .boolean()
    .optional()
    .describe('Queue the valid jobs and list the others under rejected (default: all or none, 422)'),
});

const BatchResult = z.object({
  created: z.number().int().describe('Jobs stored by this call (the others were idempotency-key hits)'),
  jobs: z.array(
    z.object({
      index: z.number().int(),
      id: z.number().int(),
      uuid: z.string(),
      created: z.boolean(),
    }),
  ),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      violations: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  ),
});

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.post<{ Body: z.infer<typeof BatchBody> }>(
    '/jobs/batch',
    {
      config: { access: 'run' },
      schema: routeSchema({
        tags: ['jobs'],
        summary: 'Queue many jobs of one task in one transaction',
        description: `Up to ${MAX_BATCH_JOBS} jobs, each with its own input, priority, delay or time and idempotency key. Every input is checked against the task's input schema; problems are named by index ($.jobs[3].input.x). All or none by default (422 listing every problem); with partial: true the valid ones are queued and the rest listed under rejected.`,
        body: BatchBody,
        response: dataOf(BatchResult),
        status: 201,
      }),
    },
    async (request, reply) => {
      for (const item of request.body.jobs) assertMayDeliver(request.principal.role, item.outputDestinations);
      const { taskId, version, jobs, partial } = request.body;
      const result = await enqueueMany(app, { task: taskId, version, jobs, partial });
      reply.code(result.created > 0 ? 201 : 200);
      return {
        data: {
          created: result.created,
          jobs: result.jobs.map(({ index, job, created }) => ({
            index,
            id: job.id,
            uuid: job.uuid,
            created,
          })),
          rejected: result.rejected,
        },
      };
    },
  );
};

export default plugin;
