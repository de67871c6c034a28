// /tasks: list, get (id, UUID or name; ?version=), create, update (a new version), soft delete,
// enable, disable, versions. Running and checking tasks is in task-actions.ts.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  createTaskFromBody,
  deleteTask,
  getTaskDetail,
  listTaskPage,
  listVersions,
  setTaskEnabledState,
  updateTaskFromBody,
  type TaskBody,
} from '../../services/tasks.ts';
import { actorOf, emptyBodyAsObject, type IdParam, type RestOptions } from './common.ts';
import { listBody, parseListParams } from './list-params.ts';
import { Task, TaskDetail, TaskVersion, taskDetailView, taskView, versionView } from './models.ts';
import { IdParams, ListQuerystring, dataOf, listOf, routeSchema } from './schema.ts';

const tags = ['tasks'];
// null first: the server validates with type coercion, which would turn a null into `false` (a
// schema rejecting everything) if the boolean branch were tried before the null one.
const jsonSchemaValue = z.union([z.null(), z.looseObject({}), z.boolean()]);

const TaskFields = {
  name: z.string().min(1).max(128).describe('Unique task name'),
  version: z.string().min(1).max(64).describe('Semantic version; see the create/update rules'),
  description: z.string().max(10_000).nullable(),
  code: z.string().min(1).max(5_000_000).describe('main.js: a function expression taking the input'),
  inputSchema: jsonSchemaValue.describe('JSON Schema of the input'),
  outputSchema: jsonSchemaValue.describe('JSON Schema of the output'),
  metadata: z.looseObject({}).describe('Further metadata.json keys: timeout, memory_limit, tags, …'),
  tests: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(128),
        content: z.union([z.string(), z.looseObject({})]).describe('The test case (JSON text or object)'),
      }),
    )
    .max(1000),
};

const CreateBody = z.strictObject({
  ...TaskFields,
  version: TaskFields.version.optional(),
  description: TaskFields.description.optional(),
  inputSchema: TaskFields.inputSchema.optional(),
  outputSchema: TaskFields.outputSchema.optional(),
  metadata: TaskFields.metadata.optional(),
  tests: TaskFields.tests.optional(),
});
const UpdateBody = CreateBody.partial();
const VersionQuery = z.strictObject({ version: z.string().min(1).max(64).optional() });

const UPDATE_RULES =
  'Saves a new version. Omitted fields are taken from the latest version. `version` must be higher than every stored version; when omitted, the patch number of the highest version is bumped (1.0.3 → 1.0.4). The name cannot change.';

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/tasks',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'List tasks',
        description:
          'Filters on id, uuid, name, enabled, available, sourceId, latestVersion, description, createdAt, updatedAt (with _like, _ne, _gt, _gte, _lt, _lte, _in, _not_in).',
        querystring: ListQuerystring,
        response: listOf(Task),
      }),
    },
    async (request, reply) => {
      const params = parseListParams(request.query);
      return listBody(reply, 'tasks', params, await listTaskPage(app, params.query), taskView);
    },
  );

  server.get<{ Params: IdParam; Querystring: { version?: string } }>(
    '/tasks/:id',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Get a task with its latest (or ?version=) version',
        params: IdParams,
        querystring: VersionQuery,
        response: dataOf(TaskDetail),
      }),
    },
    async (request) => ({
      data: taskDetailView(await getTaskDetail(app, request.params.id, request.query.version)),
    }),
  );

  server.post<{ Body: TaskBody }>(
    '/tasks',
    {
      config: { access: 'write' },
      schema: routeSchema({
        tags,
        summary: 'Create a task (first version, default 1.0.0)',
        description: 'A syntax error or a bad schema is a 422 naming the field and line:column.',
        body: CreateBody,
        response: dataOf(TaskDetail),
        status: 201,
      }),
    },
    async (request, reply) => {
      const created = await createTaskFromBody(app, request.body, {
        changeSource: 'api',
        changedBy: actorOf(request),
      });
      reply.code(201).header('Location', `${request.url.replace(/\/$/, '')}/${created.id}`);
      return { data: taskDetailView(created) };
    },
  );

  for (const method of ['put', 'patch'] as const) {
    server[method]<{ Params: IdParam; Body: TaskBody }>(
      '/tasks/:id',
      {
        config: { access: 'write' },
        preValidation: emptyBodyAsObject,
        schema: routeSchema({
          tags,
          summary: 'Update a task (saves a new version)',
          description: UPDATE_RULES,
          params: IdParams,
          body: UpdateBody,
          response: dataOf(TaskDetail),
        }),
      },
      async (request) => ({
        data: taskDetailView(
          await updateTaskFromBody(app, request.params.id, request.body ?? {}, {
            changeSource: 'api',
            changedBy: actorOf(request),
          }),
        ),
      }),
    );
  }

  server.delete<{ Params: IdParam }>(
    '/tasks/:id',
    {
      config: { access: 'write' },
      schema: routeSchema({
        tags,
        summary: 'Delete a task (soft: versions, jobs and executions stay as history)',
        params: IdParams,
        response: dataOf(Task),
      }),
    },
    async (request) => ({ data: taskView(await deleteTask(app, request.params.id)) }),
  );

  for (const action of ['enable', 'disable'] as const) {
    server.post<{ Params: IdParam }>(
      `/tasks/:id/${action}`,
      {
        config: { access: 'write' },
        schema: routeSchema({
          tags,
          summary: action === 'enable' ? 'Enable a task' : 'Disable a task (it cannot be run or queued)',
          params: IdParams,
          response: dataOf(Task),
        }),
      },
      async (request) => ({
        data: taskView(await setTaskEnabledState(app, request.params.id, action === 'enable')),
      }),
    );
  }

  server.get<{ Params: IdParam }>(
    '/tasks/:id/versions',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Versions of a task, highest first',
        params: IdParams,
        response: z.object({ data: z.array(TaskVersion) }),
      }),
    },
    async (request) => ({ data: (await listVersions(app, request.params.id)).map(versionView) }),
  );
};

export default plugin;
