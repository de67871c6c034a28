// /queue: whether workers are claiming (GET), pause and resume claiming across every worker
// sharing the store (admin), and /jobs/clear, deleting finished jobs (admin). Mutations are
// audited like every other POST. All behaviour is in services/queue-control.ts.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { clearJobs, pauseQueue, queueState, resumeQueue } from '../../services/queue-control.ts';
import { queueStats } from '../../services/queue-stats.ts';
import { actorOf, emptyBodyAsObject, type RestOptions } from './common.ts';
import { dataOf, routeSchema } from './schema.ts';

const tags = ['jobs'];
const State = z.object({
  paused: z.boolean(),
  changedAt: z.string().nullable(),
  changedBy: z.string().nullable(),
});
const QueueView = State.extend({
  depth: z.record(z.string(), z.number()),
  oldestQueuedAgeSeconds: z.number(),
});
const Switch = State.extend({ changed: z.boolean(), takesEffectWithinMs: z.number() });
const ClearBody = z.strictObject({
  status: z.string().min(1).max(16).optional().describe('COMPLETED (default), FAILED or CANCELLED'),
  olderThan: z
    .string()
    .min(2)
    .max(16)
    .optional()
    .describe('Only jobs finished longer ago than this: 30m, 12h, 7d, 2w'),
});
const Cleared = z.object({ status: z.string(), finishedBefore: z.string().nullable(), removed: z.number() });

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/queue',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Whether workers claim jobs (paused or not) and the queue depth by status',
        response: dataOf(QueueView),
      }),
    },
    async () => {
      const [state, stats] = await Promise.all([queueState(app), queueStats(app.store.db)]);
      return {
        data: { ...state, depth: stats.byStatus, oldestQueuedAgeSeconds: stats.oldestQueuedAgeSeconds },
      };
    },
  );

  for (const [action, fn] of [
    ['pause', pauseQueue],
    ['resume', resumeQueue],
  ] as const) {
    server.post(
      `/queue/${action}`,
      {
        config: { access: 'admin' },
        preValidation: emptyBodyAsObject,
        schema: routeSchema({
          tags,
          summary:
            action === 'pause'
              ? 'Stop every worker claiming jobs (running jobs finish; enqueueing still works)'
              : 'Let every worker claim jobs again',
          response: dataOf(Switch),
        }),
      },
      async (request) => ({ data: await fn(app, actorOf(request)) }),
    );
  }

  server.post<{ Body: z.infer<typeof ClearBody> }>(
    '/jobs/clear',
    {
      config: { access: 'admin' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Delete finished jobs (COMPLETED by default), optionally only older ones',
        description: 'Queued, retrying and running jobs are refused (409): cancel them first.',
        body: ClearBody,
        response: dataOf(Cleared),
      }),
    },
    async (request) => ({ data: await clearJobs(app, request.body) }),
  );
};

export default plugin;
