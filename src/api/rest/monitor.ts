// GET /monitor: one snapshot for live views (the console's `monitor` asks every second): queue
// depth and pause state, throughput, success rate and duration percentiles over the last minute,
// workers and the latest failures (services/monitor.ts).
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { monitorSnapshot } from '../../services/monitor.ts';
import type { RestOptions } from './common.ts';
import { dataOf, routeSchema } from './schema.ts';

const Snapshot = z.object({
  at: z.string(),
  paused: z.boolean(),
  depth: z.record(z.string(), z.number()),
  oldestQueuedAgeSeconds: z.number(),
  windowSeconds: z.number(),
  jobsPerSecond: z.number(),
  successRate: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  workers: z.object({
    online: z.number(),
    capacity: z.number(),
    busy: z.number(),
    byStatus: z.record(z.string(), z.number()),
  }),
  lastFailures: z.array(
    z.object({ executionId: z.number(), task: z.string(), at: z.string(), error: z.string() }),
  ),
});

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/monitor',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags: ['jobs'],
        summary: 'Queue, throughput, success rate, p50/p99 duration (last minute), workers, last failures',
        response: dataOf(Snapshot),
      }),
    },
    async () => ({ data: await monitorSnapshot(app) }),
  );
};

export default plugin;
