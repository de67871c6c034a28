// `ratchet task list|show|versions|execute`: the tasks in the store (synced from sources or saved
// through the API), addressed by numeric id, UUID or name. `execute` lives in task-execute.ts.
import type { Command } from 'commander';
import type { Db } from '../store/codec.ts';
import { NotFoundError } from '../store/codec.ts';
import { getSource, listSources } from '../store/repos/sources.ts';
import { findTask, getTask, listTaskVersions, listTasks } from '../store/repos/tasks.ts';
import type { TaskRecord } from '../store/repos/tasks.ts';
import type { ListFilter } from '../store/list-query.ts';
import { MAX_LIMIT } from '../store/list-query.ts';
import { formatTable, yesNo } from './table.ts';
import { withApp } from './with-app.ts';
import { addTaskExecute } from './task-execute.ts';

const out = (text: string) => process.stdout.write(text);

async function sourceNames(db: Db): Promise<Map<number, string>> {
  return new Map((await listSources(db)).map((s) => [s.id, s.name]));
}

async function allTasks(db: Db, filters: ListFilter[]): Promise<TaskRecord[]> {
  const rows: TaskRecord[] = [];
  for (let offset = 0; ; offset += MAX_LIMIT) {
    const page = await listTasks(db, { filters, offset, limit: MAX_LIMIT });
    rows.push(...page.rows);
    if (rows.length >= page.total || page.rows.length === 0) return rows;
  }
}

async function taskOrThrow(db: Db, ref: string): Promise<TaskRecord> {
  const task = await getTask(db, ref);
  if (!task) throw new NotFoundError(`no task "${ref}" (give a numeric id, a UUID or a name)`);
  return task;
}

export function registerTask(program: Command): void {
  const task = program.command('task').description('tasks in the store');

  task
    .command('list')
    .description('list tasks: id, name, latest version, enabled, available, source')
    .option('--json', 'print a JSON array')
    .option('--enabled', 'only enabled tasks')
    .option('--source <name>', 'only tasks from this source')
    .action(async (opts: { json?: boolean; enabled?: boolean; source?: string }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const db = app.store.db;
        const filters: ListFilter[] = [];
        if (opts.enabled) filters.push({ field: 'enabled', op: 'eq', value: true });
        if (opts.source !== undefined) {
          const src = await getSource(db, opts.source);
          if (!src) throw new NotFoundError(`no task source named "${opts.source}" in the store`);
          filters.push({ field: 'sourceId', op: 'eq', value: src.id });
        }
        const names = await sourceNames(db);
        const rows = (await allTasks(db, filters)).map((t) => ({
          ...t,
          source: t.sourceId === null ? null : (names.get(t.sourceId) ?? null),
        }));
        if (opts.json) return out(`${JSON.stringify(rows)}\n`);
        if (rows.length === 0) return out('no tasks\n');
        out(
          formatTable(
            ['ID', 'NAME', 'LATEST', 'ENABLED', 'AVAILABLE', 'SOURCE'],
            rows.map((t) => [
              String(t.id),
              t.name,
              t.latestVersion ?? '-',
              yesNo(t.enabled),
              yesNo(t.available),
              t.source ?? '-',
            ]),
          ),
        );
      });
    });

  task
    .command('show')
    .description('a task and one version (default the latest): metadata, schemas, source')
    .argument('<ref>', 'numeric id, UUID or name')
    .option('--version <version>', 'this version instead of the latest')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { version?: string; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const db = app.store.db;
        const t = await taskOrThrow(db, ref);
        const found = await findTask(db, t.id, opts.version);
        if (!found) {
          throw new NotFoundError(
            opts.version
              ? `task "${t.name}" has no version ${opts.version}`
              : `task "${t.name}" has no enabled version`,
          );
        }
        const versions = (await listTaskVersions(db, t.id)).length;
        const source = t.sourceId === null ? null : ((await getSource(db, t.sourceId))?.name ?? null);
        const v = found.version;
        if (opts.json) return out(`${JSON.stringify({ task: t, source, versions, version: v })}\n`);
        out(`${t.name}  (id ${t.id}, uuid ${t.uuid})\n`);
        out(
          `  version      ${v.version}${v.id === t.latestVersionId ? ' (latest)' : ''}${v.enabled ? '' : ' (disabled)'}\n`,
        );
        out(`  versions     ${versions}\n`);
        out(`  enabled      ${yesNo(t.enabled)}\n`);
        out(`  available    ${yesNo(t.available)}\n`);
        out(`  source       ${source ?? '-'} (${v.changeSource})\n`);
        out(`  description  ${v.description ?? '-'}\n`);
        out(`  checksum     ${v.checksum}\n`);
        out(`  created      ${v.createdAt}\n`);
        out(`metadata:\n${indent(JSON.stringify(v.metadata, null, 2))}\n`);
        out(
          `input schema:\n${indent(v.inputSchema == null ? '(none)' : JSON.stringify(v.inputSchema, null, 2))}\n`,
        );
        out(
          `output schema:\n${indent(v.outputSchema == null ? '(none)' : JSON.stringify(v.outputSchema, null, 2))}\n`,
        );
      });
    });

  task
    .command('versions')
    .description('every version of a task, highest first')
    .argument('<ref>', 'numeric id, UUID or name')
    .option('--json', 'print a JSON array')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const t = await taskOrThrow(app.store.db, ref);
        const versions = (await listTaskVersions(app.store.db, t.id)).map(({ code: _code, ...v }) => ({
          ...v,
          latest: v.id === t.latestVersionId,
        }));
        if (opts.json) return out(`${JSON.stringify(versions)}\n`);
        out(
          formatTable(
            ['VERSION', 'LATEST', 'ENABLED', 'FROM', 'CHECKSUM', 'CREATED'],
            versions.map((v) => [
              v.version,
              v.latest ? '*' : '',
              yesNo(v.enabled),
              v.changeSource,
              v.checksum.slice(0, 12),
              v.createdAt,
            ]),
          ),
        );
      });
    });

  addTaskExecute(task);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
