// Task packages in and out: file maps (path → text, as a task folder holds them) or one zip in
// base64 with a folder per task.
import { z } from 'zod';
import { defineTool, ToolInputError } from '../tool.ts';
import {
  exportTaskPackages,
  importTaskPackages,
  packagesFromZip,
  zipExport,
  type PackageInput,
} from '../../../services/task-transfer.ts';
import { CHANGES_STATE, READ_ONLY, authorOf } from './dev-common.ts';

const fileMap = z
  .record(z.string().min(1).max(200), z.string())
  .describe('Path → text: metadata.json, main.js, input.schema.json, output.schema.json, tests/<name>.json');

const importTasks = defineTool({
  name: 'ratchet_import_tasks',
  title: 'Import task packages',
  description:
    'Stores task packages (file maps or a base64 zip), each on its own: new task, higher version, unchanged, or failed (same version, other content). Returns one outcome per package.',
  input: z.object({
    packages: z
      .array(z.object({ files: fileMap }))
      .max(200)
      .optional()
      .describe('Task packages as file maps'),
    zip_base64: z
      .string()
      .max(70_000_000)
      .optional()
      .describe('A .zip of task folders, base64-encoded (max 50 MB unpacked)'),
  }),
  output: z.object({
    imported: z.number().int().describe('Packages created or stored as a new version'),
    unchanged: z.number().int(),
    failed: z.number().int(),
    results: z.array(
      z.object({
        source: z.string().describe('packages[i] or archive:<folder>/'),
        status: z.enum(['created', 'new_version', 'unchanged', 'failed']),
        name: z.string().optional(),
        version: z.string().optional(),
        task_id: z.number().int().optional(),
        errors: z.array(z.string()).optional(),
      }),
    ),
  }),
  annotations: CHANGES_STATE,
  access: 'write',
  example: {
    packages: [
      {
        files: {
          'metadata.json': '{"name": "echo", "version": "1.0.0"}',
          'main.js': '(function(input) { return input; })',
        },
      },
    ],
  },
  async handler(args, ctx) {
    if (!args.packages?.length && args.zip_base64 === undefined) {
      throw new ToolInputError('give packages (file maps) and/or zip_base64 (a base64 .zip of task folders)');
    }
    const inputs: PackageInput[] = (args.packages ?? []).map((p, i) => ({
      source: `packages[${i}]`,
      files: p.files,
    }));
    if (args.zip_base64 !== undefined) {
      if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(args.zip_base64))
        throw new ToolInputError('zip_base64 is not base64 text');
      inputs.push(...(await packagesFromZip(Buffer.from(args.zip_base64, 'base64'))));
    }
    const results = (await importTaskPackages(ctx.app, inputs, authorOf(ctx))).map((r) => {
      const { taskId, ...rest } = r;
      return taskId === undefined ? rest : { ...rest, task_id: taskId };
    });
    return {
      imported: results.filter((r) => r.status === 'created' || r.status === 'new_version').length,
      unchanged: results.filter((r) => r.status === 'unchanged').length,
      failed: results.filter((r) => r.status === 'failed').length,
      results,
    };
  },
});

const exportTasks = defineTool({
  name: 'ratchet_export_tasks',
  title: 'Export task packages',
  description:
    'Tasks as file maps ready for ratchet_import_tasks, or (as_zip) a base64 zip of one folder per task. Returns the packages.',
  input: z.object({
    task_ids: z
      .array(z.string().min(1).max(200))
      .max(500)
      .optional()
      .describe('The tasks to export, each its numeric id, UUID or name; default all'),
    version: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('Version to export (only with exactly one task); default latest'),
    as_zip: z.boolean().default(false).describe('Also return a base64 .zip with a folder per task'),
    include_files: z
      .boolean()
      .default(true)
      .describe('Return the file maps (set false with as_zip to keep the answer small)'),
  }),
  output: z.object({
    tasks: z.array(
      z.object({ name: z.string(), version: z.string(), files: z.record(z.string(), z.string()).nullable() }),
    ),
    zip_base64: z.string().nullable(),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { task_ids: ['addition'] },
  async handler(args, ctx) {
    const tasks = await exportTaskPackages(ctx.app, args.task_ids ?? [], args.version);
    return {
      tasks: tasks.map((t) => ({
        name: t.name,
        version: t.version,
        files: args.include_files ? t.files : null,
      })),
      zip_base64: args.as_zip ? zipExport(tasks) : null,
    };
  },
});

export const importExportTools = [importTasks, exportTasks];
