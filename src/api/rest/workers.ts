// /workers: list, get, stats, from the rows each worker node keeps current by heartbeat.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { getWorkerRecord, listWorkerPage, workerStats } from '../../services/workers.ts';
import type { IdParam, RestOptions } from './common.ts';
import { listBody, parseListParams, upper } from './list-params.ts';
import { Stats, Worker } from './models.ts';
import { ListQuerystring, dataOf, listOf, routeSchema } from './schema.ts';

const tags = ['workers'];

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/workers',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'List worker nodes',
        description: 'Filters on id, hostname, status, capacity, runningJobs, startedAt, lastHeartbeatAt.',
        querystring: ListQuerystring,
        response: listOf(Worker),
      }),
    },
    async (request, reply) => {
      const params = parseListParams(request.query, { values: { status: upper } });
      return listBody(reply, 'workers', params, await listWorkerPage(app, params.query), (w) => w);
    },
  );

  server.get(
    '/workers/stats',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Capacity, load and totals of the workers',
        response: dataOf(Stats),
      }),
    },
    async () => ({ data: await workerStats(app) }),
  );

  server.get<{ Params: IdParam }>(
    '/workers/:id',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Get a worker node',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: dataOf(Worker),
      }),
    },
    async (request) => ({ data: await getWorkerRecord(app, request.params.id) }),
  );
};

export default plugin;
