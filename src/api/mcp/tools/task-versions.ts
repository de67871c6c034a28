// Versions of a task: create one explicitly, list them, compare two, and backups (take, list,
// restore as a new version).
import { z } from 'zod';
import { defineTool } from '../tool.ts';
import { listVersions, updateTaskFromBody } from '../../../services/tasks.ts';
import { requireTask } from '../../../services/task-ref.ts';
import { compareTaskVersions } from '../../../services/task-compare.ts';
import { backupTask, listBackupsOfTask, restoreTaskBackup } from '../../../services/task-backups.ts';
import {
  CHANGES_STATE,
  READ_ONLY,
  atVersion,
  authorOf,
  detailView,
  jsonSchemaArg,
  savedView,
  savedViewOf,
  taskRef,
  taskView,
  versionView,
  versionViewOf,
} from './dev-common.ts';

const createTaskVersion = defineTool({
  name: 'ratchet_create_task_version',
  title: 'Create a task version',
  description:
    'Saves a new version under an explicit number higher than every stored one; fields left out are copied from the latest. Returns the task and the version created.',
  input: z.object({
    task_id: taskRef,
    new_version: z.string().min(1).max(64).describe('The version to create (semver, higher than the latest)'),
    code: z.string().min(1).max(1_000_000).optional().describe('New main.js (default: unchanged)'),
    input_schema: jsonSchemaArg.optional().describe('New input schema (default: unchanged)'),
    output_schema: jsonSchemaArg.optional().describe('New output schema (default: unchanged)'),
    description: z.string().max(2000).optional().describe('New description (default: unchanged)'),
  }),
  output: z.object({ task: taskView, version: versionView.nullable() }),
  annotations: CHANGES_STATE,
  access: 'write',
  example: { task_id: 'addition', new_version: '2.0.0', description: 'Adds two numbers (v2)' },
  async handler(args, ctx) {
    const detail = await updateTaskFromBody(
      ctx.app,
      args.task_id,
      {
        version: args.new_version,
        code: args.code,
        inputSchema: args.input_schema,
        outputSchema: args.output_schema,
        description: args.description,
      },
      authorOf(ctx),
    );
    return detailView(detail);
  },
});

const listTaskVersions = defineTool({
  name: 'ratchet_list_task_versions',
  title: 'List task versions',
  description:
    'Every stored version of a task, highest first. Returns the versions with when, where from and by whom each was made.',
  input: z.object({ task_id: taskRef }),
  output: z.object({ task: z.string(), latest: z.string().nullable(), versions: z.array(versionView) }),
  annotations: READ_ONLY,
  access: 'read',
  example: { task_id: 'addition' },
  async handler(args, ctx) {
    const task = await requireTask(ctx.app, args.task_id);
    const versions = await listVersions(ctx.app, task.id);
    return { task: task.name, latest: task.latestVersion, versions: versions.map(versionViewOf) };
  },
});

const change = z.object({
  path: z.string().describe('JSON path, e.g. $.properties.name.type'),
  kind: z.enum(['added', 'removed', 'changed']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

const compareVersions = defineTool({
  name: 'ratchet_compare_task_versions',
  title: 'Compare two task versions',
  description:
    'Compares two versions of a task. Returns whether they are identical, a diff of main.js, the schema and metadata changes by path, and the changed test cases.',
  input: z.object({
    task_id: taskRef,
    from_version: z.string().min(1).max(64).describe('The older version, e.g. "1.0.0"'),
    to_version: atVersion.describe('The newer version (default: the latest)'),
  }),
  output: z.object({
    task: z.string(),
    from: z.string(),
    to: z.string(),
    identical: z.boolean(),
    code: z.object({
      diff: z.string().describe('Unified diff ("" when equal)'),
      lines_added: z.number().int(),
      lines_removed: z.number().int(),
    }),
    input_schema: z.array(change),
    output_schema: z.array(change),
    metadata: z.array(change).describe('Changes to metadata.json (version excluded)'),
    tests: z.object({
      added: z.array(z.string()),
      removed: z.array(z.string()),
      changed: z.array(z.object({ name: z.string(), diff: z.string() })),
      unchanged: z.array(z.string()),
    }),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { task_id: 'addition', from_version: '1.0.0' },
  async handler(args, ctx) {
    const c = await compareTaskVersions(ctx.app, args.task_id, args.from_version, args.to_version);
    return {
      task: c.task,
      from: c.from,
      to: c.to,
      identical: c.identical,
      code: { diff: c.code.diff, lines_added: c.code.linesAdded, lines_removed: c.code.linesRemoved },
      input_schema: c.inputSchema,
      output_schema: c.outputSchema,
      metadata: c.metadata,
      tests: c.tests,
    };
  },
});

const backupView = z.object({
  backup_id: z.number().int(),
  backup_uuid: z.string(),
  task: z.string(),
  version: z.string().describe('The version that was copied'),
  reason: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  files: z.array(z.string()),
});

type Backup = Awaited<ReturnType<typeof backupTask>>;
const backupViewOf = (b: Backup): z.input<typeof backupView> => ({
  backup_id: b.id,
  backup_uuid: b.uuid,
  task: b.taskName,
  version: b.version,
  reason: b.reason,
  created_by: b.createdBy,
  created_at: b.createdAt,
  files: Object.keys(b.files),
});

const backupTaskTool = defineTool({
  name: 'ratchet_backup_task',
  title: 'Back up a task',
  description:
    'Copies a task version (default latest) into a stored backup. Returns its backup_id for ratchet_restore_task_backup.',
  input: z.object({
    task_id: taskRef,
    version: atVersion,
    reason: z.string().max(500).optional().describe('Why the backup was taken, shown when listing backups'),
  }),
  output: backupView,
  annotations: CHANGES_STATE,
  access: 'write',
  example: { task_id: 'addition', reason: 'before refactoring' },
  async handler(args, ctx) {
    return backupViewOf(
      await backupTask(ctx.app, args.task_id, authorOf(ctx), { version: args.version, reason: args.reason }),
    );
  },
});

const listBackups = defineTool({
  name: 'ratchet_list_task_backups',
  title: 'List task backups',
  description:
    "The backups of a task, newest first. Returns each backup's backup_id, version, reason, author, time and files.",
  input: z.object({
    task_id: taskRef,
    limit: z.number().int().min(1).max(200).default(50).describe('At most this many backups (default 50)'),
  }),
  output: z.object({ backups: z.array(backupView) }),
  annotations: READ_ONLY,
  access: 'read',
  example: { task_id: 'addition' },
  async handler(args, ctx) {
    return { backups: (await listBackupsOfTask(ctx.app, args.task_id, args.limit)).map(backupViewOf) };
  },
});

const restoreBackup = defineTool({
  name: 'ratchet_restore_task_backup',
  title: 'Restore a task backup',
  description:
    "Saves a backup's files as a NEW version of its task (a deleted task comes back). Returns the version created.",
  input: z.object({
    backup_id: z
      .union([z.number().int().positive(), z.string().min(1).max(100)])
      .describe('The backup: numeric id or UUID'),
    new_version: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('Version to save as (higher than the latest); default: next patch'),
  }),
  output: savedView.extend({ restored_from_version: z.string(), undeleted: z.boolean() }),
  annotations: CHANGES_STATE,
  access: 'write',
  example: { backup_id: 1 },
  async handler(args, ctx) {
    const ref =
      typeof args.backup_id === 'string' && /^[0-9]+$/.test(args.backup_id)
        ? Number(args.backup_id)
        : args.backup_id;
    const r = await restoreTaskBackup(ctx.app, ref, authorOf(ctx), { version: args.new_version });
    return { ...savedViewOf(r), restored_from_version: r.backup.version, undeleted: r.undeleted };
  },
});

export const taskVersionTools = [
  createTaskVersion,
  listTaskVersions,
  compareVersions,
  backupTaskTool,
  listBackups,
  restoreBackup,
];
