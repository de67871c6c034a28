// Running and checking tasks: synchronous execute, the stored test cases, the validation report,
// and statistics (per task and over all tasks).
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { executeNow } from '../../services/direct-execution.ts';
import {
  taskCatalogStats,
  taskStats,
  testStoredTask,
  validateStoredTask,
} from '../../services/task-checks.ts';
import { emptyBodyAsObject, type IdParam, type RestOptions } from './common.ts';
import { Stats } from './models.ts';
import { IdParams, dataOf, routeSchema } from './schema.ts';

const tags = ['tasks'];

const ExecuteBody = z.strictObject({
  input: z.unknown().optional().describe('The task input (default {})'),
  timeoutMs: z.number().int().min(1).optional().describe('At most execution.max_execution_duration'),
  version: z.string().min(1).max(64).optional().describe('Default: the latest enabled version'),
});

const ExecuteResult = z.looseObject({
  executionId: z.number().int(),
  uuid: z.string(),
  status: z.enum(['COMPLETED', 'FAILED', 'CANCELLED']),
  output: z.unknown().optional(),
  error: z.looseObject({ type: z.string(), message: z.string() }).optional(),
  durationMs: z.number().nullable(),
  logs: z.array(z.unknown()),
  taskId: z.number().int(),
  taskVersionId: z.number().int(),
});

const TestBody = z.strictObject({
  filter: z.string().max(500).optional().describe('Substring of a case name or file, or /regex/'),
  bail: z.boolean().optional().describe('Stop after the first case that does not pass'),
  version: z.string().min(1).max(64).optional(),
});

const VersionQuery = z.strictObject({ version: z.string().min(1).max(64).optional() });

const Report = z.looseObject({});

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.post<{ Params: IdParam; Body: z.infer<typeof ExecuteBody> | undefined }>(
    '/tasks/:id/execute',
    {
      config: { access: 'run' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Run a task now and answer with its result',
        description:
          'Runs on an executor thread and records an execution (no job). A run that fails answers 200 with status FAILED and the error; input that breaks the input schema is a 422 and runs nothing.',
        params: IdParams,
        body: ExecuteBody,
        response: dataOf(ExecuteResult),
      }),
    },
    async (request) => {
      const body = request.body ?? {};
      const e = await executeNow(app, {
        task: request.params.id,
        version: body.version,
        input: body.input,
        timeoutMs: body.timeoutMs,
      });
      return {
        data: {
          executionId: e.id,
          uuid: e.uuid,
          status: e.status as 'COMPLETED',
          ...(e.status === 'COMPLETED' ? { output: e.output } : { error: e.error ?? undefined }),
          durationMs: e.durationMs,
          logs: e.logs ?? [],
          taskId: e.taskId,
          taskVersionId: e.taskVersionId,
        },
      };
    },
  );

  server.post<{ Params: IdParam; Body: z.infer<typeof TestBody> }>(
    '/tasks/:id/test',
    {
      config: { access: 'run' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: "Run the task's stored test cases",
        description:
          'Each case runs in the sandbox with its mocks, off the event loop; the report lists every case.',
        params: IdParams,
        body: TestBody,
        response: dataOf(Report),
      }),
    },
    async (request) => {
      const body = request.body ?? {};
      const report = await testStoredTask(app, request.params.id, body);
      return { data: { ok: report.failed + report.errors === 0, ...report } };
    },
  );

  server.post<{ Params: IdParam; Querystring: { version?: string } }>(
    '/tasks/:id/validate',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Validation report of a stored task version (default latest)',
        params: IdParams,
        querystring: VersionQuery,
        response: dataOf(Report),
      }),
    },
    async (request) => ({ data: await validateStoredTask(app, request.params.id, request.query.version) }),
  );

  server.get(
    '/tasks/stats',
    {
      config: { access: 'read' },
      schema: routeSchema({ tags, summary: 'Figures over all tasks', response: dataOf(Stats) }),
    },
    async () => ({ data: await taskCatalogStats(app) }),
  );

  server.get<{ Params: IdParam }>(
    '/tasks/:id/stats',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Execution and job figures of one task',
        params: IdParams,
        response: dataOf(Stats),
      }),
    },
    async (request) => ({ data: await taskStats(app, request.params.id) }),
  );
};

export default plugin;
