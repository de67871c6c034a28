// /workflows: store a definition (YAML or JSON text, or a JSON object), validate one, list, get a
// workflow with its versions, draw its graph. Storing needs write access, as for tasks.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  getWorkflow,
  listWorkflowDefinitions,
  saveWorkflow,
  validateWorkflow,
  workflowSourceOf,
  workflowVersions,
} from '../../services/workflows/index.ts';
import { drawGraph } from '../../workflows/graph.ts';
import type { WorkflowDefinition } from '../../workflows/types.ts';
import type { RestOptions } from './common.ts';
import { listBody, parseListParams } from './list-params.ts';
import { ListQuerystring, dataOf, listOf, routeSchema } from './schema.ts';
import { Validation, Workflow, WorkflowVersion } from './workflow-models.ts';

const tags = ['workflows'];
const NameParams = z.object({ name: z.string().min(1).max(200).describe('Workflow name') });
const DefinitionBody = z.strictObject({
  definition: z
    // The text always holds a mapping, so a `:`: the pattern also stops the server's type coercion
    // from taking a number sent here for a (one-line) text.
    .union([z.string().min(1).max(1_000_000).regex(/:/), z.record(z.string(), z.unknown())])
    .describe('workflow.yaml or workflow.json text, or the definition as a JSON object'),
});
type DefinitionBody = z.infer<typeof DefinitionBody>;

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/workflows',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'List workflows',
        description: 'Filters on id, name, latestVersion, description, createdAt, updatedAt.',
        querystring: ListQuerystring,
        response: listOf(Workflow),
      }),
    },
    async (request, reply) => {
      const params = parseListParams(request.query);
      return listBody(reply, 'workflows', params, await listWorkflowDefinitions(app, params.query), (w) => w);
    },
  );

  server.post<{ Body: DefinitionBody }>(
    '/workflows',
    {
      config: { access: 'write' },
      schema: routeSchema({
        tags,
        summary: 'Store a workflow version',
        description:
          'Validated first (422 with every problem: file, line, column, step). The same version with the same definition answers 200; with a different one, 409 (bump the version).',
        body: DefinitionBody,
        response: dataOf(WorkflowVersion),
        status: 201,
      }),
    },
    async (request, reply) => {
      const { version, created } = await saveWorkflow(app, workflowSourceOf(request.body.definition));
      reply.code(created ? 201 : 200).header('Location', `/api/v1/workflows/${version.name}`);
      return { data: version };
    },
  );

  server.post<{ Body: DefinitionBody }>(
    '/workflows/validate',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Validate a workflow definition without storing it',
        body: DefinitionBody,
        response: dataOf(Validation),
      }),
    },
    async (request) => {
      return { data: await validateWorkflow(app, workflowSourceOf(request.body.definition)) };
    },
  );

  server.get<{ Params: { name: string } }>(
    '/workflows/:name',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Get a workflow’s latest version',
        params: NameParams,
        response: dataOf(WorkflowVersion),
      }),
    },
    async (request) => ({ data: await getWorkflow(app, request.params.name) }),
  );

  server.get<{ Params: { name: string } }>(
    '/workflows/:name/versions',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'A workflow’s versions, highest first',
        params: NameParams,
        response: dataOf(z.array(WorkflowVersion)),
      }),
    },
    async (request) => {
      await getWorkflow(app, request.params.name);
      return { data: await workflowVersions(app, request.params.name) };
    },
  );

  server.get<{ Params: { name: string }; Querystring: { format?: 'mermaid' | 'dot'; version?: string } }>(
    '/workflows/:name/graph',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'The workflow’s DAG as Mermaid or Graphviz dot',
        params: NameParams,
        querystring: z.object({
          format: z.enum(['mermaid', 'dot']).optional(),
          version: z.string().min(1).max(64).optional(),
        }),
        response: dataOf(z.object({ format: z.enum(['mermaid', 'dot']), graph: z.string() })),
      }),
    },
    async (request) => {
      const version = await getWorkflow(app, request.params.name, request.query.version);
      const format = request.query.format ?? 'mermaid';
      return { data: { format, graph: drawGraph(version.definition as WorkflowDefinition, format) } };
    },
  );
};

export default plugin;
