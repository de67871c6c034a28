// Creating, reading, editing, cloning and deleting stored tasks. Every change is a new version;
// nothing stored is rewritten, so any earlier version stays runnable and comparable.
import { z } from 'zod';
import { defineTool, ToolInputError } from '../tool.ts';
import { createTaskFromBody, getTaskDetail, listVersions } from '../../../services/tasks.ts';
import { writeTaskFiles, readTaskFiles } from '../../../services/task-edits.ts';
import { backupTask } from '../../../services/task-backups.ts';
import { cloneTask, deleteTaskSafely } from '../../../services/task-admin.ts';
import {
  CHANGES_STATE,
  DESTRUCTIVE,
  READ_ONLY,
  atVersion,
  authorOf,
  detailView,
  jsonSchemaArg,
  newVersion,
  savedView,
  savedViewOf,
  taskRef,
  taskView,
  taskViewOf,
  versionView,
} from './dev-common.ts';
import { testCaseArg, testFilesOf } from './test-case-arg.ts';

const createTask = defineTool({
  name: 'ratchet_create_task',
  title: 'Create a task',
  description:
    'Creates a task from its code (one function expression: (function(input, context) { ...; return result; }); fetch is synchronous and returns { ok, status, headers, body }), optional schemas, metadata and test cases, as version 1.0.0. Everything is checked first; on failure nothing is stored and each problem is listed with file:line:column. Returns the task and version and the next steps.',
  input: z.object({
    name: z
      .string()
      .min(1)
      .max(100)
      .describe('Unique task name, e.g. "weather-fetcher" (letters, digits, "-", "_"; not all digits)'),
    description: z.string().max(2000).optional().describe('What the task does, in one or two sentences'),
    code: z
      .string()
      .min(1)
      .max(1_000_000)
      .describe('main.js: a function expression (function(input, context) { ... })'),
    input_schema: jsonSchemaArg
      .optional()
      .describe('JSON Schema the input must match (validated before every run)'),
    output_schema: jsonSchemaArg
      .optional()
      .describe('JSON Schema the result must match (validated after every run)'),
    tags: z
      .array(z.string().min(1).max(50))
      .max(30)
      .optional()
      .describe('Tags for finding the task, e.g. ["api", "weather"]'),
    version: z.string().min(1).max(64).optional().describe('First version (semver); default "1.0.0"'),
    metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'Further metadata.json keys, e.g. { "timeout": 30000, "memory_limit": "64MB", "author": "agent" }',
      ),
    test_cases: z
      .array(testCaseArg)
      .max(100)
      .optional()
      .describe('Test cases, each stored as tests/<file>.json with a file name derived from its title'),
  }),
  output: z.object({ task: taskView, version: versionView.nullable(), next_steps: z.array(z.string()) }),
  annotations: CHANGES_STATE,
  access: 'write',
  example: {
    name: 'greeter',
    description: 'Greets a person by name',
    code: '(function(input, context) {\n  return { greeting: "Hello, " + input.name + "!" };\n})',
    input_schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    output_schema: { type: 'object', required: ['greeting'], properties: { greeting: { type: 'string' } } },
    tags: ['example'],
    test_cases: [
      { name: 'greets-ada', input: { name: 'Ada' }, expected_output: { greeting: 'Hello, Ada!' } },
    ],
  },
  async handler(args, ctx) {
    const detail = await createTaskFromBody(
      ctx.app,
      {
        name: args.name,
        version: args.version,
        description: args.description,
        code: args.code,
        inputSchema: args.input_schema,
        outputSchema: args.output_schema,
        metadata: { ...(args.metadata ?? {}), ...(args.tags ? { tags: args.tags } : {}) },
        tests: testFilesOf(args.test_cases ?? []),
      },
      authorOf(ctx),
    );
    const next = ['ratchet_lint_task_code to check the code for common mistakes'];
    if ((args.test_cases ?? []).length > 0)
      next.unshift(`ratchet_run_task_tests { "task_id": "${args.name}" }`);
    else next.unshift(`ratchet_create_test_case to add a test to "${args.name}"`);
    return { ...detailView(detail), next_steps: next };
  },
});

const getTaskInfo = defineTool({
  name: 'ratchet_get_task_info',
  title: 'Show a task',
  description:
    'Everything about one task version (default latest): code, schemas, metadata, test cases. Returns them with the list of versions (include_code: false leaves out the code).',
  input: z.object({
    task_id: taskRef,
    version: atVersion,
    include_code: z.boolean().default(true).describe('Include main.js (default true)'),
    include_tests: z.boolean().default(true).describe('Include the test cases\u2019 content (default true)'),
  }),
  output: z.object({
    task: taskView,
    version: versionView.nullable(),
    code: z.string().nullable().describe('main.js, unless include_code was false'),
    input_schema: z.unknown().describe('Input JSON Schema, or null when the task has none'),
    output_schema: z.unknown().describe('Output JSON Schema, or null when the task has none'),
    metadata: z.record(z.string(), z.unknown()).describe('metadata.json as stored'),
    tests: z.array(z.object({ name: z.string(), content: z.unknown() })),
    versions: z.array(z.string()).describe('Every stored version, highest first'),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { task_id: 'addition' },
  async handler(args, ctx) {
    const detail = await getTaskDetail(ctx.app, args.task_id, args.version);
    const v = detail.version;
    const versions = await listVersions(ctx.app, detail.id);
    const parse = (text: string): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    };
    return {
      ...detailView(detail),
      code: v && args.include_code ? v.code : null,
      input_schema: v?.inputSchema ?? null,
      output_schema: v?.outputSchema ?? null,
      metadata: v?.metadata ?? {},
      tests: (v?.tests ?? []).map((t) => ({
        name: t.name,
        content: args.include_tests ? parse(t.text) : null,
      })),
      versions: versions.map((x) => x.version),
    };
  },
});

const editTask = defineTool({
  name: 'ratchet_edit_task',
  title: 'Edit a task',
  description:
    "Changes a task's code, schemas, description and/or tags and saves a NEW version (patch bumped unless new_version), checked first; create_backup backs up the latest. Returns the versions, changed files and backup id.",
  input: z.object({
    task_id: taskRef,
    code: z.string().min(1).max(1_000_000).optional().describe('New main.js'),
    input_schema: jsonSchemaArg.nullable().optional().describe('New input schema; null removes it'),
    output_schema: jsonSchemaArg.nullable().optional().describe('New output schema; null removes it'),
    description: z.string().max(2000).optional().describe('New description'),
    tags: z.array(z.string().min(1).max(50)).max(30).optional().describe('New tags (replace the old ones)'),
    new_version: newVersion,
    create_backup: z
      .boolean()
      .default(true)
      .describe('Back up the current latest version first (default true)'),
  }),
  output: savedView.extend({
    backup_id: z.number().int().nullable().describe('Id of the backup taken, if any'),
  }),
  annotations: CHANGES_STATE,
  access: 'write',
  example: {
    task_id: 'greeter',
    description: 'Greets a person by name, politely',
    tags: ['example', 'greeting'],
  },
  async handler(args, ctx) {
    const { files } = await readTaskFiles(ctx.app, args.task_id);
    const changes: Record<string, string | null> = {};
    if (args.code !== undefined) changes['main.js'] = args.code;
    for (const [arg, file] of [
      ['input_schema', 'input.schema.json'],
      ['output_schema', 'output.schema.json'],
    ] as const) {
      const value = args[arg];
      if (value === null && files[file] !== undefined) changes[file] = null;
      else if (value !== undefined && value !== null) changes[file] = JSON.stringify(value, null, 2);
    }
    if (args.description !== undefined || args.tags !== undefined) {
      const meta = JSON.parse(files['metadata.json']!) as Record<string, unknown>;
      if (args.description !== undefined) meta.description = args.description;
      if (args.tags !== undefined) meta.tags = args.tags;
      changes['metadata.json'] = JSON.stringify(meta, null, 2);
    }
    if (Object.keys(changes).length === 0) {
      throw new ToolInputError(
        'nothing to edit: give at least one of code, input_schema, output_schema, description, tags',
      );
    }
    const backup = args.create_backup
      ? await backupTask(ctx.app, args.task_id, authorOf(ctx), { reason: 'before ratchet_edit_task' })
      : null;
    const saved = await writeTaskFiles(ctx.app, args.task_id, changes, authorOf(ctx), {
      version: args.new_version,
    });
    return { ...savedViewOf(saved), backup_id: backup?.id ?? null };
  },
});

const deleteTask = defineTool({
  name: 'ratchet_delete_task',
  title: 'Delete a task',
  description:
    'Soft-deletes a task (history kept); refused while schedules or unfinished jobs use it unless force; create_backup backs it up first. Returns the task, the backup id and what uses it.',
  input: z.object({
    task_id: taskRef,
    create_backup: z
      .boolean()
      .default(true)
      .describe('Copy the latest version to a backup first (default true)'),
    force: z
      .boolean()
      .default(false)
      .describe('Delete even when enabled schedules or unfinished jobs use the task'),
  }),
  output: z.object({
    deleted: taskView,
    backup_id: z.number().int().nullable().describe('Backup to restore from, when one was taken'),
    enabled_schedules: z
      .array(z.string())
      .describe('Enabled schedules of the task (still there; they will fail)'),
    active_jobs: z.number().int().describe('Queued, running or retrying jobs of the task'),
  }),
  // Deleting again finds nothing to delete: no further effect.
  annotations: { ...DESTRUCTIVE, idempotentHint: true },
  access: 'write',
  example: { task_id: 'greeter' },
  async handler(args, ctx) {
    const out = await deleteTaskSafely(ctx.app, args.task_id, authorOf(ctx), {
      force: args.force,
      backup: args.create_backup,
    });
    return {
      deleted: taskViewOf(out.task),
      backup_id: out.backup?.id ?? null,
      enabled_schedules: out.enabledSchedules,
      active_jobs: out.activeJobs,
    };
  },
});

const cloneTaskTool = defineTool({
  name: 'ratchet_clone_task',
  title: 'Clone a task',
  description:
    'Creates a new task (new name and UUID) from a version of an existing one. Returns the source and the new task.',
  input: z.object({
    task_id: taskRef,
    new_name: z.string().min(1).max(100).describe('Name of the new task; must not exist yet'),
    from_version: atVersion,
    new_version: z.string().min(1).max(64).optional().describe('Version of the clone (default "1.0.0")'),
    description: z
      .string()
      .max(2000)
      .optional()
      .describe('Description of the clone (default: the source\u2019s)'),
    include_tests: z.boolean().default(true).describe('Copy the test cases (default true)'),
  }),
  output: z.object({
    source: z.string(),
    source_version: z.string(),
    task: taskView,
    version: versionView.nullable(),
  }),
  annotations: CHANGES_STATE,
  access: 'write',
  example: { task_id: 'addition', new_name: 'addition-copy' },
  async handler(args, ctx) {
    const r = await cloneTask(ctx.app, args.task_id, args.new_name, authorOf(ctx), {
      version: args.new_version,
      description: args.description,
      fromVersion: args.from_version,
      withoutTests: !args.include_tests,
    });
    return { source: r.source.name, source_version: r.sourceVersion, ...detailView(r.clone) };
  },
});

export const taskCrudTools = [createTask, getTaskInfo, editTask, deleteTask, cloneTaskTool];
