// /workflow-runs: start, list (the standard list contract), status, transitions, graph, cancel,
// retry a step, resolve a step. Roles as for jobs: reading needs read, acting needs run.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  cancelWorkflowRun,
  listRuns,
  resolveWorkflowStep,
  retryWorkflowStep,
  runGraph,
  runStatus,
  runTransitions,
  startWorkflow,
} from '../../services/workflows/index.ts';
import { actorOf, emptyBodyAsObject, type RestOptions } from './common.ts';
import { assertMayDeliver } from './jobs.ts';
import { listBody, parseListParams, upper } from './list-params.ts';
import { ListQuerystring, dataOf, listOf, routeSchema } from './schema.ts';
import { RunStatus, Transition, WorkflowRun } from './workflow-models.ts';

const tags = ['workflow-runs'];
const RunParams = z.object({ id: z.string().min(1).max(64).describe('Numeric id or UUID') });
const StepParams = RunParams.extend({ step: z.string().min(1).max(200).describe('Step name') });
const StartBody = z.strictObject({
  workflow: z.string().min(1).max(200).describe('Workflow name'),
  version: z.string().min(1).max(64).optional().describe('Default: the latest'),
  input: z.unknown().optional(),
  idempotencyKey: z.string().min(1).max(256).optional(),
  outputDestinations: z
    .array(z.unknown())
    .max(20)
    .optional()
    .describe('webhook, filesystem or stdio: where the run’s result goes when it ends'),
});
const ResolveBody = z.strictObject({
  output: z.unknown().optional().describe('What dependents see (default null)'),
});

type RunReq = { Params: { id: string } };
type StepReq = { Params: { id: string; step: string } };

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/workflow-runs',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'List workflow runs (newest first)',
        description: 'Filters on id, uuid, workflow, version, status, createdAt, updatedAt, finishedAt.',
        querystring: ListQuerystring,
        response: listOf(WorkflowRun),
      }),
    },
    async (request, reply) => {
      const params = parseListParams(request.query, { values: { status: upper } });
      return listBody(reply, 'workflow-runs', params, await listRuns(app, params.query), (r) => r);
    },
  );

  server.post<{ Body: z.infer<typeof StartBody> }>(
    '/workflow-runs',
    {
      config: { access: 'run' },
      schema: routeSchema({
        tags,
        summary: 'Start a workflow run',
        description:
          'The input is checked against the workflow’s input_schema (422). The same idempotencyKey returns the existing run with 200 instead of 201.',
        body: StartBody,
        response: dataOf(WorkflowRun),
        status: 201,
      }),
    },
    async (request, reply) => {
      assertMayDeliver(request.principal.role, request.body.outputDestinations);
      const { created, ...run } = await startWorkflow(app, { ...request.body, actor: actorOf(request) });
      reply.code(created ? 201 : 200).header('Location', `/api/v1/workflow-runs/${run.uuid}`);
      return { data: run };
    },
  );

  server.get<RunReq>(
    '/workflow-runs/:id',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'A run with each step’s state, attempts, timings, output and error',
        params: RunParams,
        response: dataOf(RunStatus),
      }),
    },
    async (request) => ({ data: await runStatus(app, request.params.id) }),
  );

  server.get<RunReq>(
    '/workflow-runs/:id/transitions',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Every state change of the run and its steps, in order',
        params: RunParams,
        response: dataOf(z.array(Transition)),
      }),
    },
    async (request) => ({ data: await runTransitions(app, request.params.id) }),
  );

  server.get<RunReq & { Querystring: { format?: 'mermaid' | 'dot' } }>(
    '/workflow-runs/:id/graph',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'The run’s DAG with each step’s state, as Mermaid or dot',
        params: RunParams,
        querystring: z.object({ format: z.enum(['mermaid', 'dot']).optional() }),
        response: dataOf(z.object({ format: z.enum(['mermaid', 'dot']), graph: z.string() })),
      }),
    },
    async (request) => {
      const format = request.query.format ?? 'mermaid';
      return { data: { format, graph: await runGraph(app, request.params.id, format) } };
    },
  );

  server.post<RunReq>(
    '/workflow-runs/:id/cancel',
    {
      config: { access: 'run' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Cancel a run (running steps are interrupted)',
        params: RunParams,
        response: dataOf(RunStatus),
      }),
    },
    async (request) => ({ data: await cancelWorkflowRun(app, request.params.id, actorOf(request)) }),
  );

  server.post<StepReq>(
    '/workflow-runs/:id/steps/:step/retry',
    {
      config: { access: 'run' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Run a FAILED step again; the run resumes',
        params: StepParams,
        response: dataOf(RunStatus),
      }),
    },
    async (request) => ({
      data: await retryWorkflowStep(app, request.params.id, request.params.step, actorOf(request)),
    }),
  );

  server.post<StepReq & { Body: z.infer<typeof ResolveBody> }>(
    '/workflow-runs/:id/steps/:step/resolve',
    {
      config: { access: 'run' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Resolve a step by hand with an output; its dependents run',
        description: 'A FAILED, PENDING or WAITING_FOR_RETRY step becomes RESOLVED_MANUALLY (409 otherwise).',
        params: StepParams,
        body: ResolveBody,
        response: dataOf(RunStatus),
      }),
    },
    async (request) => ({
      data: await resolveWorkflowStep(
        app,
        request.params.id,
        request.params.step,
        request.body.output ?? null,
        actorOf(request),
      ),
    }),
  );
};

export default plugin;
