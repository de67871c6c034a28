// /executions: list, get (id or UUID), logs, trace (HTTP exchanges), cancel, retry, stats. The
// live event stream is execution-events.ts.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  cancelExecution,
  executionLogs,
  executionStats,
  executionTrace,
  getExecutionRecord,
  listExecutionPage,
  retryExecution,
} from '../../services/executions.ts';
import { executionTimeline } from '../../services/execution-timeline.ts';
import { emptyBodyAsObject, type IdParam, type RestOptions } from './common.ts';
import { listBody, parseListParams, upper } from './list-params.ts';
import {
  ExecutionModel,
  ExecutionSummaryModel,
  Job,
  Stats,
  executionSummaryView,
  executionView,
  jobView,
} from './models.ts';
import { IdParams, ListQuerystring, dataOf, listOf, routeSchema } from './schema.ts';

const tags = ['executions'];
const ExecutionIdParams = z.object({ id: z.string().min(1).max(64).describe('Numeric id or UUID') });

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/executions',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'List executions (newest first)',
        description:
          'Filters on id, uuid, jobId, taskId (id, UUID or name), taskVersionId, attempt, status, workerId, durationMs, createdAt, startedAt, finishedAt. Logs and HTTP exchanges are left out; see /executions/{id}.',
        querystring: ListQuerystring,
        response: listOf(ExecutionSummaryModel),
      }),
    },
    async (request, reply) => {
      const params = parseListParams(request.query, { values: { status: upper } });
      return listBody(
        reply,
        'executions',
        params,
        await listExecutionPage(app, params.query),
        executionSummaryView,
      );
    },
  );

  server.get(
    '/executions/stats',
    {
      config: { access: 'read' },
      schema: routeSchema({ tags, summary: 'Execution counts and durations', response: dataOf(Stats) }),
    },
    async () => ({ data: await executionStats(app) }),
  );

  server.get<{ Querystring: { minutes?: number; bucketSeconds?: number } }>(
    '/executions/timeline',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Executions per time bucket over a recent window, by how they ended',
        description:
          'Buckets by creation time (default: the last 60 minutes in 60-second buckets, the last one in progress), each with completed, failed, cancelled and open counts; durationMs has the window’s p50 and p99.',
        querystring: z.object({
          minutes: z.number().int().min(1).max(1440).optional(),
          bucketSeconds: z.number().int().min(10).max(3600).optional(),
        }),
        response: dataOf(Stats),
      }),
    },
    async (request) => ({ data: await executionTimeline(app, request.query) }),
  );

  server.get<{ Params: IdParam }>(
    '/executions/:id',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Get an execution with its logs and HTTP exchanges',
        params: ExecutionIdParams,
        response: dataOf(ExecutionModel),
      }),
    },
    async (request) => ({ data: executionView(await getExecutionRecord(app, request.params.id)) }),
  );

  server.get<{ Params: IdParam }>(
    '/executions/:id/logs',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'The console lines an execution wrote',
        params: ExecutionIdParams,
        response: dataOf(
          z.object({ executionId: z.number().int(), status: z.string(), logs: z.array(z.unknown()) }),
        ),
      }),
    },
    async (request) => ({ data: await executionLogs(app, request.params.id) }),
  );

  server.get<{ Params: IdParam }>(
    '/executions/:id/trace',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'The HTTP calls an execution made (request, response, timings)',
        params: ExecutionIdParams,
        response: dataOf(
          z.object({ executionId: z.number().int(), status: z.string(), http: z.array(z.unknown()) }),
        ),
      }),
    },
    async (request) => ({ data: await executionTrace(app, request.params.id) }),
  );

  server.post<{ Params: IdParam }>(
    '/executions/:id/cancel',
    {
      config: { access: 'run' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Cancel a running or waiting execution',
        description:
          'A queued run is cancelled through its job; a synchronous run is interrupted when it runs on this server. A finished execution is a 409.',
        params: IdParams,
        response: dataOf(z.object({ execution: ExecutionModel, job: Job.nullable(), stopping: z.boolean() })),
      }),
    },
    async (request) => {
      const out = await cancelExecution(app, request.params.id);
      return {
        data: {
          execution: executionView(out.execution),
          job: out.job ? jobView(out.job) : null,
          stopping: out.stopping,
        },
      };
    },
  );

  server.post<{ Params: IdParam }>(
    '/executions/:id/retry',
    {
      config: { access: 'run' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Run a FAILED or CANCELLED execution again through the queue',
        params: IdParams,
        response: dataOf(z.object({ job: Job, requeued: z.boolean() })),
        status: 202,
      }),
    },
    async (request, reply) => {
      const out = await retryExecution(app, request.params.id);
      reply.code(202);
      return { data: { job: jobView(out.job), requeued: out.requeued } };
    },
  );
};

export default plugin;
