// A task from one operation of an OpenAPI document: the MCP face of
// `ratchet generate task from-openapi` (services/openapi-tasks.ts).
import { z } from 'zod';
import { defineTool, ToolInputError } from '../tool.ts';
import { generateStoredTaskFromOpenApi } from '../../../services/openapi-tasks.ts';
import { ScaffoldError } from '../../../tasks/scaffold/generate.ts';
import { CHANGES_STATE, authorOf, taskView, taskViewOf, versionView, versionViewOf } from './dev-common.ts';

const fromOpenApi = defineTool({
  name: 'ratchet_generate_task_from_openapi',
  title: 'Create a task from an OpenAPI operation',
  description:
    "Creates a task that calls one operation of an OpenAPI 3.0/3.1 document (`spec` text or `spec_url`): input holds the parameters, `body` and `baseUrl`; output is the 2xx JSON response; non-2xx answers throw the matching error class. auto_test_cases adds cases mocked from the document's examples. Stored as 1.0.0 unless save is false. Returns the files, what was skipped and notes.",
  input: z.object({
    spec: z.string().min(1).max(5_000_000).optional().describe('The OpenAPI document, JSON or YAML text'),
    spec_url: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('Where to fetch the document (http or https URL); instead of spec'),
    operation_id: z.string().min(1).max(200).describe('The operationId to call, e.g. "getUser"'),
    auto_test_cases: z
      .boolean()
      .default(true)
      .describe("Write test cases from the document's examples (default true)"),
    version: z.string().min(1).max(64).optional().describe('First version (default "1.0.0")'),
    author: z.string().max(200).optional().describe('metadata.json author'),
    tags: z.array(z.string().min(1).max(50)).max(30).optional().describe('Tags besides "openapi" and "http"'),
    save: z.boolean().default(true).describe('false: return the files, store nothing'),
  }),
  output: z.object({
    name: z.string().describe('Task name (the operationId in kebab case)'),
    operation_id: z.string(),
    method: z.string(),
    path: z.string().describe('The operation\u2019s path template, e.g. /users/{userId}'),
    files: z.record(z.string(), z.string()).describe('Path → content of every generated file'),
    skipped: z.array(z.string()).describe('Parts of the operation the task does not cover'),
    notes: z.array(z.string()).describe('How the test cases were made; cases left out and why'),
    task: taskView.nullable().describe('The stored task (null when save was false)'),
    version: versionView.nullable(),
  }),
  annotations: CHANGES_STATE,
  access: 'write',
  example: {
    spec: JSON.stringify({
      openapi: '3.1.0',
      info: { title: 'Users', version: '1.0.0' },
      servers: [{ url: 'https://api.example.com' }],
      paths: {
        '/users/{id}': {
          get: {
            operationId: 'getUserData',
            summary: 'Returns one user',
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' }, example: 7 }],
            responses: {
              '200': {
                description: 'the user',
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: { id: { type: 'integer' }, name: { type: 'string' } },
                    },
                    example: { id: 7, name: 'Ada' },
                  },
                },
              },
              '404': { description: 'no such user' },
            },
          },
        },
      },
    }),
    operation_id: 'getUserData',
    auto_test_cases: true,
  },
  async handler(args, ctx) {
    try {
      const r = await generateStoredTaskFromOpenApi(
        ctx.app,
        {
          ...(args.spec !== undefined ? { spec: args.spec } : {}),
          ...(args.spec_url !== undefined ? { specUrl: args.spec_url } : {}),
          operationId: args.operation_id,
          autoTestCases: args.auto_test_cases,
          save: args.save,
          ...(args.version !== undefined ? { version: args.version } : {}),
          ...(args.author !== undefined ? { author: args.author } : {}),
          ...(args.tags !== undefined ? { tags: args.tags } : {}),
        },
        authorOf(ctx),
      );
      return {
        name: r.name,
        operation_id: r.operationId,
        method: r.method,
        path: r.path,
        files: r.files,
        skipped: r.skipped,
        notes: r.notes,
        task: r.task ? taskViewOf(r.task) : null,
        version: r.task?.version ? versionViewOf(r.task.version) : null,
      };
    } catch (err) {
      // Bad documents, unknown operation ids and fetch failures are the caller's to fix.
      if (err instanceof ScaffoldError) throw new ToolInputError(err.message);
      throw err;
    }
  },
});

export const openApiTools = [fromOpenApi];
