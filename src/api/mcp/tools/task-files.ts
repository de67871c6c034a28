// A stored task seen as its folder: list, read and write single files, and the focused updates
// (code, schemas, metadata). Every write is a NEW version, checked before it is saved.
import { z } from 'zod';
import { defineTool, ToolInputError } from '../tool.ts';
import { readTaskFiles, writeTaskFiles } from '../../../services/task-edits.ts';
import { updateTaskMetadata } from '../../../services/task-admin.ts';
import {
  CHANGES_STATE,
  READ_ONLY,
  atVersion,
  authorOf,
  jsonSchemaArg,
  newVersion,
  savedView,
  savedViewOf,
  taskRef,
} from './dev-common.ts';

const filePath = z
  .string()
  .min(1)
  .max(200)
  .describe('metadata.json, main.js, input.schema.json, output.schema.json or tests/<name>.json');

const listTaskFiles = defineTool({
  name: 'ratchet_list_task_files',
  title: 'List a task\u2019s files',
  description:
    "The files of a task version (default latest) as a task folder holds them. Returns each file's path, bytes and lines.",
  input: z.object({ task_id: taskRef, version: atVersion }),
  output: z.object({
    task: z.string(),
    version: z.string(),
    files: z.array(z.object({ path: z.string(), bytes: z.number().int(), lines: z.number().int() })),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { task_id: 'addition' },
  async handler(args, ctx) {
    const { task, version, files } = await readTaskFiles(ctx.app, args.task_id, args.version);
    return {
      task: task.name,
      version: version.version,
      files: Object.entries(files).map(([path, text]) => ({
        path,
        bytes: Buffer.byteLength(text),
        lines: text === '' ? 0 : text.split('\n').length,
      })),
    };
  },
});

const readTaskFile = defineTool({
  name: 'ratchet_read_task_file',
  title: 'Read a task file',
  description:
    'One file of a task version (default latest), e.g. main.js or tests/test-001.json. Returns its text.',
  input: z.object({ task_id: taskRef, path: filePath, version: atVersion }),
  output: z.object({ task: z.string(), version: z.string(), path: z.string(), content: z.string() }),
  annotations: READ_ONLY,
  access: 'read',
  example: { task_id: 'addition', path: 'main.js' },
  async handler(args, ctx) {
    const { task, version, files } = await readTaskFiles(ctx.app, args.task_id, args.version);
    const content = files[args.path];
    if (content === undefined) {
      throw new ToolInputError(
        `task "${task.name}" ${version.version} has no file "${args.path}"; its files are: ${Object.keys(files).join(', ')}`,
      );
    }
    return { task: task.name, version: version.version, path: args.path, content };
  },
});

const writeTaskFile = defineTool({
  name: 'ratchet_write_task_file',
  title: 'Write a task file',
  description:
    'Writes (content null: deletes) one task file and saves a NEW version (patch bumped unless new_version), the whole task checked first. Returns the version created.',
  input: z.object({
    task_id: taskRef,
    path: filePath,
    content: z
      .string()
      .max(1_000_000)
      .nullable()
      .describe('The new file text; null deletes the file (schemas and tests only)'),
    new_version: newVersion,
  }),
  output: savedView,
  annotations: CHANGES_STATE,
  access: 'write',
  example: {
    task_id: 'addition',
    path: 'tests/test-009.json',
    content: '{"input": {"a": 1, "b": 2}, "expected_output": {"sum": 3}}',
  },
  async handler(args, ctx) {
    const saved = await writeTaskFiles(ctx.app, args.task_id, { [args.path]: args.content }, authorOf(ctx), {
      version: args.new_version,
    });
    return savedViewOf(saved);
  },
});

const updateTaskCode = defineTool({
  name: 'ratchet_update_task_code',
  title: 'Update a task\u2019s code',
  description:
    'Replaces main.js (syntax-checked) and saves a new version. Returns the task, the version created and previous, and the changed files.',
  input: z.object({
    task_id: taskRef,
    code: z
      .string()
      .min(1)
      .max(1_000_000)
      .describe('The complete new main.js: (function(input, context) { ... })'),
    new_version: newVersion,
  }),
  output: savedView,
  annotations: CHANGES_STATE,
  access: 'write',
  example: { task_id: 'addition', code: '(function(input) {\n  return { sum: input.a + input.b };\n})' },
  async handler(args, ctx) {
    return savedViewOf(
      await writeTaskFiles(ctx.app, args.task_id, { 'main.js': args.code }, authorOf(ctx), {
        version: args.new_version,
      }),
    );
  },
});

const updateTaskSchemas = defineTool({
  name: 'ratchet_update_task_schemas',
  title: 'Update a task\u2019s schemas',
  description:
    'Replaces the input and/or output schema (null removes one; the test cases are checked against them) and saves a new version. Returns the versions and changed files.',
  input: z.object({
    task_id: taskRef,
    input_schema: jsonSchemaArg
      .nullable()
      .optional()
      .describe('New input schema; null removes it; omit to keep it'),
    output_schema: jsonSchemaArg
      .nullable()
      .optional()
      .describe('New output schema; null removes it; omit to keep it'),
    new_version: newVersion,
  }),
  output: savedView,
  annotations: CHANGES_STATE,
  access: 'write',
  example: {
    task_id: 'addition',
    output_schema: { type: 'object', required: ['sum'], properties: { sum: { type: 'number' } } },
  },
  async handler(args, ctx) {
    const changes: Record<string, string | null> = {};
    if (args.input_schema !== undefined)
      changes['input.schema.json'] =
        args.input_schema === null ? null : JSON.stringify(args.input_schema, null, 2);
    if (args.output_schema !== undefined)
      changes['output.schema.json'] =
        args.output_schema === null ? null : JSON.stringify(args.output_schema, null, 2);
    if (Object.keys(changes).length === 0)
      throw new ToolInputError('give input_schema and/or output_schema (null removes one)');
    return savedViewOf(
      await writeTaskFiles(ctx.app, args.task_id, changes, authorOf(ctx), { version: args.new_version }),
    );
  },
});

const updateTaskMetadataTool = defineTool({
  name: 'ratchet_update_task_metadata',
  title: 'Update a task\u2019s metadata',
  description:
    'Merges fields into metadata.json (description, label, tags, author, timeout ms, memory_limit, max_concurrency, max_retries, own keys; null removes) and saves a new version; name, uuid and version are not set here. Returns the task, the version created and previous, and the changed files.',
  input: z.object({
    task_id: taskRef,
    fields: z
      .record(z.string(), z.unknown())
      .describe(
        'Keys to set in metadata.json, e.g. { "timeout": 30000, "tags": ["api"], "description": "…" }',
      ),
    new_version: newVersion,
  }),
  output: savedView,
  annotations: CHANGES_STATE,
  access: 'write',
  example: { task_id: 'addition', fields: { timeout: 10000, tags: ['math', 'example'] } },
  async handler(args, ctx) {
    if (Object.keys(args.fields).length === 0)
      throw new ToolInputError('fields is empty: give at least one metadata key to set');
    return savedViewOf(
      await updateTaskMetadata(ctx.app, args.task_id, args.fields, authorOf(ctx), args.new_version),
    );
  },
});

export const taskFileTools = [
  listTaskFiles,
  readTaskFile,
  writeTaskFile,
  updateTaskCode,
  updateTaskSchemas,
  updateTaskMetadataTool,
];
