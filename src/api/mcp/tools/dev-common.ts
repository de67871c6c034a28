// Pieces the development tools share: who made a change, the compact view of a task and of a saved
// version, and argument fields that mean the same in every tool.
import { z } from 'zod';
import type { ToolAnnotations, ToolContext } from '../tool.ts';
import type { Author, TaskDetail, TaskRecord, TaskVersionRecord } from '../../../services/tasks.ts';
import type { SavedFiles } from '../../../services/task-edits.ts';

export { READ_ONLY, CHANGES_STATE, RUNS_TASKS, taskRef } from './common.ts';

/** Creates or removes things that cannot be taken back without a backup. */
export const DESTRUCTIVE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: false,
};

export function authorOf(ctx: ToolContext): Author {
  return { changeSource: 'mcp', changedBy: ctx.principal.name };
}

export const newVersion = z
  .string()
  .min(1)
  .max(64)
  .optional()
  .describe('Version to save as (default: latest, patch bumped)');

export const atVersion = z.string().min(1).max(64).optional().describe('Version (default: latest enabled)');

export const jsonSchemaArg = z
  .union([z.record(z.string(), z.unknown()), z.boolean()])
  .describe('A JSON Schema (draft-07 or 2020-12) as an object');

export const taskView = z.object({
  task_id: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  latest_version: z.string().nullable().describe('The highest enabled version'),
  description: z.string().nullable(),
});

export function taskViewOf(t: TaskRecord): z.input<typeof taskView> {
  return {
    task_id: t.id,
    uuid: t.uuid,
    name: t.name,
    enabled: t.enabled,
    latest_version: t.latestVersion,
    description: t.description,
  };
}

export const versionView = z.object({
  version: z.string(),
  version_id: z.number().int(),
  created_at: z.string(),
  change_source: z.string().describe('Where the version came from: file, git, api, mcp or cli'),
  changed_by: z.string().nullable(),
  enabled: z.boolean(),
  tests: z.array(z.string()).describe('Test case files of this version (tests/<name>)'),
});

export function versionViewOf(v: TaskVersionRecord): z.input<typeof versionView> {
  return {
    version: v.version,
    version_id: v.id,
    created_at: v.createdAt,
    change_source: v.changeSource,
    changed_by: v.changedBy,
    enabled: v.enabled,
    tests: v.tests.map((t) => t.name),
  };
}

export const savedView = z.object({
  task: taskView,
  created_version: z.string().describe('The version this call created'),
  previous_version: z.string().nullable().describe('The highest version before this call'),
  changed_files: z.array(z.string()).describe('Files that differ from the version it was based on'),
});

export function savedViewOf(s: SavedFiles): z.input<typeof savedView> {
  return {
    task: taskViewOf(s.task),
    created_version: s.version.version,
    previous_version: s.previous,
    changed_files: s.changed,
  };
}

export function detailView(d: TaskDetail): {
  task: z.input<typeof taskView>;
  version: z.input<typeof versionView> | null;
} {
  return { task: taskViewOf(d), version: d.version ? versionViewOf(d.version) : null };
}
