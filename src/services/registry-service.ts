// The registry as the adapters use it: sync every source (start-up of `serve` and `worker`, and
// `ratchet repo sync`), sync one by name, refresh git sources on their interval, report status.
import type { Ratchet } from './context.ts';
import { getSource, listSources } from '../store/repos/sources.ts';
import { listTasks, listTasksBySource } from '../store/repos/tasks.ts';
import { SourceSyncError, syncResolvedSource } from '../registry/sync-source.ts';
import { addedSourceOf, pickSource, resolveSources } from '../registry/sources.ts';
import type { ResolvedSource } from '../registry/sources.ts';
import type { SyncReport } from '../registry/sync.ts';

export { startWatching } from '../registry/watch.ts';
export type { WatchEvent } from '../registry/watch.ts';
export type { SyncReport } from '../registry/sync.ts';

type AppLike = Pick<Ratchet, 'config' | 'store' | 'sourceLocks'>;

export interface SourceSyncResult {
  source: string;
  kind: ResolvedSource['kind'];
  /** Present when the source could be read (task failures are inside it). */
  report?: SyncReport;
  /** Why the whole source could not be synced (unreachable repository, missing folder). */
  error?: string;
}

export interface SyncOptions {
  /** Locates the implicit `./tasks` source; default the working directory. */
  cwd?: string;
}

/**
 * The configured sources (or the implicit ./tasks), then those added at run time with `repo add`
 * (kept in the store, so every node sees them), skipping an added one a configured one shadows.
 */
export async function allSources(app: AppLike, cwd?: string): Promise<ResolvedSource[]> {
  const configured = resolveSources(app.config, cwd);
  const names = new Set(configured.map((s) => s.name));
  const added = (await listSources(app.store.db)).flatMap((r) => {
    const s = addedSourceOf(r);
    return s && !names.has(s.name) ? [s] : [];
  });
  return [...configured, ...added];
}

async function syncOne(app: AppLike, source: ResolvedSource): Promise<SourceSyncResult> {
  try {
    const report = await syncResolvedSource(
      app.store.db,
      app.config.registry.cache_dir,
      source,
      app.sourceLocks,
    );
    return { source: source.name, kind: source.kind, report };
  } catch (err) {
    if (err instanceof SourceSyncError) return { source: source.name, kind: source.kind, error: err.message };
    throw err;
  }
}

/** Syncs every source in configuration order; one failing source does not stop the others. */
export async function syncAllSources(app: AppLike, opts: SyncOptions = {}): Promise<SourceSyncResult[]> {
  const results: SourceSyncResult[] = [];
  for (const source of await allSources(app, opts.cwd)) results.push(await syncOne(app, source));
  return results;
}

/** Syncs the named source; an unknown name is a NotFoundError naming the sources. */
export async function syncSourceByName(
  app: AppLike,
  name: string,
  opts: SyncOptions = {},
): Promise<SourceSyncResult> {
  return syncOne(app, pickSource(await allSources(app, opts.cwd), name));
}

/** Whether a source synced whole: it could be read and every task in it loaded. */
export function syncSucceeded(r: SourceSyncResult): boolean {
  return r.error === undefined && (r.report?.failed.length ?? 0) === 0;
}

/** A sync result as every face shows it: the kind upper-case (FILE, GIT) and `ok`. */
export function syncOutcome(r: SourceSyncResult) {
  return { ...r, kind: r.kind.toUpperCase() as Uppercase<SourceSyncResult['kind']>, ok: syncSucceeded(r) };
}

/** True when a result has a source-level error or any task that failed to load. */
export function hasFailures(results: SourceSyncResult[]): boolean {
  return results.some((r) => !syncSucceeded(r));
}

/**
 * Re-syncs each git source with `config.refresh_interval_seconds` on that interval (a run still
 * going when the next is due is not doubled up). Returns a function that stops the timers.
 */
export function startRefreshTimers(
  app: AppLike,
  onResult: (r: SourceSyncResult) => void = () => {},
  opts: SyncOptions = {},
): () => void {
  const timers: NodeJS.Timeout[] = [];
  for (const source of resolveSources(app.config, opts.cwd)) {
    if (source.kind !== 'git' || source.refreshIntervalSeconds === null) continue;
    let running = false;
    const tick = () => {
      if (running) return;
      running = true;
      syncOne(app, source)
        .then(onResult, (err: unknown) =>
          onResult({ source: source.name, kind: source.kind, error: (err as Error).message }),
        )
        .finally(() => (running = false));
    };
    timers.push(setInterval(tick, source.refreshIntervalSeconds * 1000));
  }
  return () => timers.forEach((t) => clearInterval(t));
}

export interface SourceStatus {
  name: string;
  kind: ResolvedSource['kind'];
  uri: string;
  branch: string | null;
  ref: string | null;
  watch: boolean;
  /** Tasks of this source in the store, and how many of them are still in the source. */
  tasks: number;
  available: number;
  lastSyncedAt: string | null;
  lastError: string | null;
  commit: string | null;
  /** With `detailed`: one row per task of the source in the store (deleted ones left out). */
  taskRows?: SourceTaskRow[];
}

export interface SourceTaskRow {
  name: string;
  uuid: string;
  latestVersion: string | null;
  enabled: boolean;
  available: boolean;
  updatedAt: string;
}

/** Each configured source as the store last saw it (never synced: no time, zero tasks). */
export async function sourceStatuses(
  app: AppLike,
  opts: SyncOptions & { detailed?: boolean } = {},
): Promise<SourceStatus[]> {
  const out: SourceStatus[] = [];
  for (const s of await allSources(app, opts.cwd)) {
    const row = await getSource(app.store.db, s.name);
    let tasks = 0;
    let available = 0;
    let taskRows: SourceTaskRow[] | undefined = opts.detailed ? [] : undefined;
    if (row && opts.detailed) {
      taskRows = (await listTasksBySource(app.store.db, row.id))
        .filter((t) => t.deletedAt === null)
        .map((t) => ({
          name: t.name,
          uuid: t.uuid,
          latestVersion: t.latestVersion,
          enabled: t.enabled,
          available: t.available,
          updatedAt: t.updatedAt,
        }));
    }
    if (row) {
      const filters = [{ field: 'sourceId', op: 'eq' as const, value: row.id }];
      tasks = (await listTasks(app.store.db, { filters, limit: 1 })).total;
      available = (
        await listTasks(app.store.db, {
          filters: [...filters, { field: 'available', op: 'eq', value: true }],
          limit: 1,
        })
      ).total;
    }
    out.push({
      name: s.name,
      kind: s.kind,
      uri: s.uri,
      branch: s.branch,
      ref: s.ref,
      watch: s.watch,
      tasks,
      available,
      lastSyncedAt: row?.lastSyncedAt ?? null,
      lastError: row?.lastError ?? null,
      commit: row?.commitSha ?? null,
      ...(taskRows ? { taskRows } : {}),
    });
  }
  return out;
}
