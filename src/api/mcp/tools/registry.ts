// The task registry as an agent sees it: look at a server folder for task folders (nothing is
// imported), sync the configured sources, and their health.
import { z } from 'zod';
import { defineTool } from '../tool.ts';
import { discoverTaskFolders } from '../../../services/discovery.ts';
import {
  hasFailures,
  sourceStatuses,
  syncAllSources,
  syncSourceByName,
} from '../../../services/registry-service.ts';
import { taskCatalogStats } from '../../../services/task-checks.ts';
import { CHANGES_STATE, READ_ONLY } from './dev-common.ts';

const discover = defineTool({
  name: 'ratchet_discover_tasks',
  title: 'Discover task folders',
  description:
    "Scans a folder on the SERVER for task folders; nothing is imported. Returns each folder's task, whether it loads, and how it compares with the store.",
  input: z.object({
    path: z
      .string()
      .min(1)
      .max(1000)
      .describe(
        'Absolute folder path on the server (relative paths are taken from the server\u2019s working directory)',
      ),
    max_depth: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(6)
      .describe('How many folder levels to descend (default 6)'),
  }),
  output: z.object({
    root: z.string(),
    found: z.number().int(),
    tasks: z.array(
      z.object({
        path: z.string(),
        name: z.string().nullable(),
        version: z.string().nullable(),
        uuid: z.string().nullable(),
        valid: z.boolean(),
        errors: z.array(z.string()),
        warnings: z.number().int(),
        tests: z.number().int(),
        store: z.enum(['new', 'same_version', 'newer', 'older', 'unknown']),
        stored_version: z.string().nullable(),
      }),
    ),
  }),
  annotations: { ...READ_ONLY, openWorldHint: true },
  // Reads the server's file system: admins only.
  access: 'admin',
  example: { path: '/srv/ratchet/tasks' },
  async handler(args, ctx) {
    const { root, tasks } = await discoverTaskFolders(ctx.app, args.path, args.max_depth);
    return {
      root,
      found: tasks.length,
      tasks: tasks.map(({ storedVersion, ...t }) => ({ ...t, stored_version: storedVersion })),
    };
  },
});

const syncRegistry = defineTool({
  name: 'ratchet_sync_registry',
  title: 'Sync the task registry',
  description:
    'Loads the configured task sources (or one `source`) into the store. Returns ok and per source what was added, updated, unchanged and failed.',
  input: z.object({
    source: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Only this source, by its configured name; default all'),
  }),
  output: z.object({
    ok: z.boolean().describe('False when a source could not be read or a task failed to load'),
    sources: z.array(
      z.object({
        source: z.string(),
        kind: z.string(),
        error: z.string().nullable().describe('Why the whole source could not be synced'),
        report: z.unknown().describe('Tasks added, updated, unchanged, removed and failed'),
      }),
    ),
  }),
  // Tasks gone from a source are marked unavailable (they stop running): destructive. Git sources
  // are fetched over the network.
  annotations: { ...CHANGES_STATE, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  access: 'write',
  example: {},
  async handler(args, ctx) {
    const results = args.source
      ? [await syncSourceByName(ctx.app, args.source)]
      : await syncAllSources(ctx.app);
    return {
      ok: !hasFailures(results),
      sources: results.map((r) => ({
        source: r.source,
        kind: r.kind,
        error: r.error ?? null,
        report: r.report ?? null,
      })),
    };
  },
});

const registryHealth = defineTool({
  name: 'ratchet_registry_health',
  title: 'Registry health',
  description:
    'The configured task sources (last sync, errors, tasks held) and task totals. Returns healthy, the problems, the sources and the totals.',
  input: z.object({}),
  output: z.object({
    healthy: z.boolean(),
    problems: z.array(z.string()),
    sources: z.array(
      z.object({
        name: z.string(),
        kind: z.string(),
        uri: z.string(),
        tasks: z.number().int(),
        available: z.number().int(),
        last_synced_at: z.string().nullable(),
        last_error: z.string().nullable(),
        commit: z.string().nullable(),
      }),
    ),
    tasks: z.object({
      total: z.number().int(),
      enabled: z.number().int(),
      unavailable: z.number().int(),
      deleted: z.number().int(),
      versions: z.number().int(),
    }),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: {},
  async handler(_args, ctx) {
    const [sources, stats] = await Promise.all([sourceStatuses(ctx.app), taskCatalogStats(ctx.app)]);
    const problems: string[] = [];
    for (const s of sources) {
      if (s.lastError) problems.push(`source "${s.name}" failed its last sync: ${s.lastError}`);
      else if (s.lastSyncedAt === null)
        problems.push(`source "${s.name}" has never been synced (run ratchet_sync_registry)`);
      if (s.tasks > s.available)
        problems.push(`source "${s.name}": ${s.tasks - s.available} task(s) are no longer in the source`);
    }
    return {
      healthy: problems.length === 0,
      problems,
      sources: sources.map((s) => ({
        name: s.name,
        kind: s.kind,
        uri: s.uri,
        tasks: s.tasks,
        available: s.available,
        last_synced_at: s.lastSyncedAt,
        last_error: s.lastError,
        commit: s.commit,
      })),
      tasks: {
        total: stats.total,
        enabled: stats.enabled,
        unavailable: stats.unavailable,
        deleted: stats.deleted,
        versions: stats.versions,
      },
    };
  },
});

export const registryTools = [discover, syncRegistry, registryHealth];
