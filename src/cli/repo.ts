// `ratchet repo init|refresh-metadata|status|verify|sync`: task repositories and the configured
// task sources (registry.sources). Exit 1 when something failed to load or sync.
import type { Command } from 'commander';
import YAML from 'yaml';
import { initRepository, refreshIndex, RepoInitError } from '../registry/repo-index.ts';
import { pickSource, resolveSources } from '../registry/sources.ts';
import { verifyFailed, verifySource } from '../registry/verify.ts';
import type { SyncFailure } from '../registry/sync.ts';
import {
  hasFailures,
  sourceStatuses,
  syncAllSources,
  syncSourceByName,
} from '../services/registry-service.ts';
import type { SourceStatus, SourceSyncResult } from '../services/registry-service.ts';
import { CliExit, UsageError } from './errors.ts';
import { loadCliConfig } from './load-config.ts';
import { handleServiceError } from './service-errors.ts';
import { formatTable, yesNo } from './table.ts';
import { withApp } from './with-app.ts';

const out = (text: string) => process.stdout.write(text);

function printFailures(failed: SyncFailure[], indent = '  '): void {
  for (const f of failed) {
    out(`${indent}failed    ${f.path}\n`);
    for (const p of f.problems) out(`${indent}            ${p}\n`);
  }
}

function printSync(r: SourceSyncResult): void {
  if (r.error !== undefined) {
    out(`${r.source} (${r.kind}): error: ${r.error}\n`);
    return;
  }
  const rep = r.report!;
  const commit = rep.commit ? ` at ${rep.commit.slice(0, 12)}` : '';
  out(
    `${r.source} (${r.kind}${commit}): ${rep.added.length} added, ${rep.updated.length} updated, ` +
      `${rep.unchanged} unchanged, ${rep.removed.length} removed, ${rep.failed.length} failed\n`,
  );
  for (const a of rep.added) out(`  added     ${a}\n`);
  for (const u of rep.updated) out(`  updated   ${u}\n`);
  for (const x of rep.restored) out(`  restored  ${x}\n`);
  for (const x of rep.removed) out(`  removed   ${x}\n`);
  printFailures(rep.failed);
}

/** `repo status --detailed`: the tasks of every source, one row each, under the sources table. */
function printTaskRows(rows: SourceStatus[]): void {
  const tasks = rows.flatMap((s) => (s.taskRows ?? []).map((t) => ({ source: s.name, ...t })));
  if (tasks.length === 0) {
    out('\nno tasks in the store: run `ratchet repo sync`\n');
    return;
  }
  out('\n');
  out(
    formatTable(
      ['SOURCE', 'TASK', 'LATEST', 'ENABLED', 'AVAILABLE', 'UPDATED'],
      tasks.map((t) => [
        t.source,
        t.name,
        t.latestVersion ?? '-',
        yesNo(t.enabled),
        yesNo(t.available),
        t.updatedAt,
      ]),
    ),
  );
}

export function registerRepo(program: Command): void {
  const repo = program.command('repo').description('task repositories and the configured task sources');

  repo
    .command('init')
    .description('create a task repository: README, an example task and the index file')
    .argument('<dir>', 'new or empty folder')
    .option('--name <name>', "the repository's name, in its README and index (default: the folder's name)")
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { name?: string; json?: boolean }) => {
      try {
        const made = await initRepository(dir, { name: opts.name });
        if (opts.json) {
          out(`${JSON.stringify(made)}\n`);
          return;
        }
        out(`created task repository "${made.name}" in ${made.dir}\n`);
        for (const f of made.files) out(`  ${f}\n`);
      } catch (err) {
        if (!(err instanceof RepoInitError)) throw err;
        process.stderr.write(`error: ${err.message}\n`);
        throw new CliExit(1);
      }
    });

  repo
    .command('refresh-metadata')
    .description('rewrite the index file (ratchet-repo.yaml) from the task folders found')
    .argument('[dir]', 'repository folder', '.')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { json?: boolean }) => {
      let r;
      try {
        r = await refreshIndex(dir);
      } catch (err) {
        // A missing folder or an unreadable index: one line naming it, not a stack trace.
        process.stderr.write(`error: repo refresh-metadata: ${(err as Error).message}\n`);
        throw new CliExit(1);
      }
      if (opts.json) out(`${JSON.stringify(r)}\n`);
      else if (r.written) {
        out(`wrote ${r.file}: ${r.index.tasks.length} task${r.index.tasks.length === 1 ? '' : 's'}\n`);
        for (const t of r.index.tasks) out(`  ${t.name}@${t.version}  ${t.path}\n`);
      } else {
        out(`not written: ${r.failed.length} task folder(s) do not load; fix them and run again\n`);
        printFailures(r.failed);
      }
      if (!r.written) throw new CliExit(1);
    });

  repo
    .command('status')
    .description('each configured source: kind, URI, tasks in the store, last sync, last error, commit')
    .option('--detailed', 'also one row per task of each source (version, enabled, available)')
    .option('--format <format>', 'table, json or yaml', 'table')
    .option('--json', 'same as --format json')
    .action(async (opts: { detailed?: boolean; format: string; json?: boolean }, cmd: Command) => {
      const format = opts.json ? 'json' : opts.format;
      if (!['table', 'json', 'yaml'].includes(format)) {
        throw new UsageError(`repo status: --format must be table, json or yaml (got "${format}")`);
      }
      await withApp(cmd, async (app) => {
        const rows = await sourceStatuses(app, { detailed: opts.detailed });
        if (format === 'json') return out(`${JSON.stringify(rows)}\n`);
        if (format === 'yaml') return out(YAML.stringify(rows));
        if (rows.length === 0) return out('no task sources: configure registry.sources or create ./tasks\n');
        out(
          formatTable(
            ['NAME', 'KIND', 'URI', 'TASKS', 'LAST SYNC', 'COMMIT', 'LAST ERROR'],
            rows.map((s) => [
              s.name,
              s.kind,
              s.uri + (s.ref ? ` @${s.ref}` : s.branch ? ` #${s.branch}` : ''),
              `${s.available}/${s.tasks}`,
              s.lastSyncedAt ?? 'never',
              s.commit?.slice(0, 12) ?? '-',
              s.lastError ?? '-',
            ]),
          ),
        );
        if (opts.detailed) printTaskRows(rows);
      });
    });

  repo
    .command('verify')
    .description('check each source is reachable and every task in it loads (exit 1 listing failures)')
    .option('--repository <name>', 'check this source only')
    .option('--list-tasks', 'list the tasks found in each source')
    .option('--json', 'print JSON')
    .action(async (opts: { repository?: string; listTasks?: boolean; json?: boolean }, cmd: Command) => {
      const config = await loadCliConfig(cmd);
      const all = resolveSources(config);
      const sources =
        opts.repository === undefined
          ? all
          : [await handleServiceError(async () => pickSource(all, opts.repository!))];
      if (sources.length === 0) {
        process.stderr.write('error: no task sources: configure registry.sources or create ./tasks\n');
        throw new CliExit(1);
      }
      const results = [];
      for (const s of sources) results.push(await verifySource(s, config.registry.cache_dir));
      if (opts.json) out(`${JSON.stringify(results)}\n`);
      else {
        for (const r of results) {
          const state = r.error ? 'unreachable' : r.failed.length ? 'problems' : 'ok';
          out(`${r.source} (${r.kind} ${r.uri}): ${state}, ${r.tasks.length} task(s) load\n`);
          if (r.error) out(`  error     ${r.error}\n`);
          if (opts.listTasks) for (const t of r.tasks) out(`  task      ${t.name}@${t.version}  ${t.path}\n`);
          printFailures(r.failed);
        }
      }
      if (verifyFailed(results)) throw new CliExit(1);
    });

  repo
    .command('sync')
    .description('sync all sources (or the named one) into the store; prints what changed')
    .argument('[name]', 'source name (default: all sources)')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const results = name === undefined ? await syncAllSources(app) : [await syncSourceByName(app, name)];
        if (opts.json) out(`${JSON.stringify(results)}\n`);
        else if (results.length === 0) out('no task sources: configure registry.sources or create ./tasks\n');
        else results.forEach(printSync);
        if (hasFailures(results)) throw new CliExit(1);
      });
    });
}
