// Watching folder sources with `config.watch: true`: file changes are gathered for a short quiet
// period (editors write several files, or write in steps), then only the task folders they touch
// are re-synced. A broken edit is reported and recorded as the source's last_error while the last
// good version stays active; the next good edit clears it. Workflow folders are few and small, so
// every reload re-syncs all of them (a task edit can also make a refused workflow valid).
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { RatchetConfig } from '../config/schema.ts';
import type { Db } from '../store/codec.ts';
import { markUnavailable } from '../store/repos/tasks.ts';
import { getSource } from '../store/repos/sources.ts';
import type { SourceRecord } from '../store/repos/sources.ts';
import { inspectTask } from '../tasks/load.ts';
import type { SourceLocks } from './lock.ts';
import { findTaskFolders, isIgnoredPath, relativeTaskPath } from './scan.ts';
import { resolveSources } from './sources.ts';
import type { ResolvedSource } from './sources.ts';
import { recordOutcome, syncResolvedSource } from './sync-source.ts';
import { applyInspection, emptyReport, record, summariseFailures } from './sync.ts';
import type { Claims, SyncFailure, SyncReport, SyncedTask } from './sync.ts';
import { syncWorkflowFolders } from './sync-workflows.ts';

export const WATCH_DEBOUNCE_MS = 200;

export type WatchEvent =
  | { type: 'ready'; source: string }
  | { type: 'synced'; source: string; report: SyncReport }
  | { type: 'error'; source: string; message: string };

export interface WatchOptions {
  debounceMs?: number;
  /** Where problems are logged; default stderr. */
  log?: (message: string) => void;
  cwd?: string;
}

interface AppLike {
  config: RatchetConfig;
  store: { db: Db };
  sourceLocks: SourceLocks;
}

class FolderWatch {
  private readonly known = new Map<string, SyncedTask>();
  private readonly failures = new Map<string, string[]>();
  private workflowFailures: SyncFailure[] = [];
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private readonly db: Db;
  private readonly locks: SourceLocks;
  private readonly source: ResolvedSource;
  private readonly root: string;
  private row: SourceRecord | undefined;
  private readonly onEvent: (e: WatchEvent) => void;
  private readonly opts: Required<Pick<WatchOptions, 'debounceMs' | 'log'>>;

  constructor(
    db: Db,
    locks: SourceLocks,
    source: ResolvedSource,
    onEvent: (e: WatchEvent) => void,
    opts: WatchOptions,
  ) {
    this.db = db;
    this.locks = locks;
    this.source = source;
    this.root = source.path!;
    this.onEvent = onEvent;
    this.opts = {
      debounceMs: opts.debounceMs ?? WATCH_DEBOUNCE_MS,
      log: opts.log ?? ((m) => process.stderr.write(`ratchet registry: ${m}\n`)),
    };
  }

  async start(cacheDir: string): Promise<void> {
    // A full sync first, so the watcher knows which folder holds which task.
    const report = await syncResolvedSource(this.db, cacheDir, this.source, this.locks);
    for (const t of report.tasks) this.known.set(t.path, t);
    for (const f of report.failed) {
      if (this.isTaskFolder(f.path)) this.failures.set(f.path, f.problems);
      else this.workflowFailures.push(f);
    }
    this.row = await getSource(this.db, this.source.name);
    // Loaded when a source is really watched, not by every command that opens the application.
    const { watch } = await import('chokidar');
    const watcher = watch(this.root, {
      ignoreInitial: true,
      ignored: (p: string) => isIgnoredPath(this.root, p),
    });
    this.watcher = watcher;
    watcher.on('all', (_event, path) => this.queue(path));
    watcher.on('error', (err) => this.report(`watching ${this.root} failed: ${(err as Error).message}`));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    this.onEvent({ type: 'ready', source: this.source.name });
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.watcher?.close();
  }

  private isTaskFolder(rel: string): boolean {
    return existsSync(join(rel === '.' ? this.root : join(this.root, rel), 'metadata.json'));
  }

  private report(message: string): void {
    this.opts.log(`source "${this.source.name}": ${message}`);
    this.onEvent({ type: 'error', source: this.source.name, message });
  }

  private queue(path: string): void {
    this.pending.add(path);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const paths = this.pending;
      this.pending = new Set();
      this.locks
        .run(this.source.name, () => this.apply(paths))
        .catch((err: unknown) => this.report(`reload failed: ${(err as Error).message}`));
    }, this.opts.debounceMs);
  }

  /** Task folders (relative) touched by the changed paths. */
  private async affected(paths: Set<string>): Promise<Set<string>> {
    const out = new Set<string>();
    for (const p of paths) {
      for (const rel of [...this.known.keys(), ...this.failures.keys()]) {
        const abs = rel === '.' ? this.root : join(this.root, rel);
        if (abs === p || abs.startsWith(p + sep) || p.startsWith(abs + sep)) out.add(rel);
      }
      if (existsSync(p) && statSync(p).isDirectory()) {
        for (const f of await findTaskFolders(p).catch(() => [])) out.add(relativeTaskPath(this.root, f));
      }
      for (let dir = dirname(p); !relative(this.root, dir).startsWith('..'); dir = dirname(dir)) {
        if (existsSync(join(dir, 'metadata.json'))) {
          out.add(relativeTaskPath(this.root, dir));
          break;
        }
        if (dir === this.root) break;
      }
    }
    return out;
  }

  private async apply(paths: Set<string>): Promise<void> {
    const row = this.row!;
    const report = emptyReport(this.source.name);
    for (const rel of await this.affected(paths)) {
      const abs = rel === '.' ? this.root : join(this.root, rel);
      if (!existsSync(join(abs, 'metadata.json'))) {
        const gone = this.known.get(rel);
        this.known.delete(rel);
        this.failures.delete(rel);
        if (gone) {
          await markUnavailable(this.db, gone.taskId);
          report.removed.push(gone.name);
        }
        continue;
      }
      const claims: Claims = new Map();
      for (const [path, t] of this.known) {
        if (path === rel) continue;
        claims.set(`uuid:${t.uuid}`, path).set(`name:${t.name}`, path);
      }
      const outcome = await applyInspection(this.db, row, rel, await inspectTask(abs), 'file', claims);
      record(report, outcome);
      if (outcome.kind === 'failed') {
        this.failures.set(rel, outcome.problems);
        this.report(`${rel}: ${outcome.problems.join('; ')} (the last good version stays active)`);
      } else {
        this.failures.delete(rel);
        this.known.set(rel, report.tasks.at(-1)!);
      }
    }
    await this.syncWorkflows(report);
    const failed = [...this.failures].map(([path, problems]) => ({ path, problems }));
    failed.push(...this.workflowFailures);
    await recordOutcome(this.db, row.id, summariseFailures(failed));
    this.onEvent({ type: 'synced', source: this.source.name, report });
  }

  private async syncWorkflows(report: SyncReport): Promise<void> {
    const from = report.failed.length;
    await syncWorkflowFolders(this.db, this.root, report);
    const before = new Map(this.workflowFailures.map((f) => [f.path, f.problems.join('; ')]));
    this.workflowFailures = report.failed.slice(from);
    // Said once per new problem, not on every reload while it stays.
    for (const f of this.workflowFailures) {
      const text = f.problems.join('; ');
      if (before.get(f.path) !== text) this.report(`${f.path}: ${text} (the stored version stays active)`);
    }
  }
}

/**
 * Watches every folder source with `config.watch: true` (after a full sync of each). Returns a
 * function that stops all watchers. `serve` calls this at start-up.
 */
export async function startWatching(
  app: AppLike,
  onEvent: (e: WatchEvent) => void = () => {},
  opts: WatchOptions = {},
): Promise<() => Promise<void>> {
  const watches: FolderWatch[] = [];
  const stopAll = async () => {
    await Promise.all(watches.map((w) => w.stop()));
  };
  try {
    for (const source of resolveSources(app.config, opts.cwd)) {
      if (source.kind !== 'file' || !source.watch) continue;
      const w = new FolderWatch(app.store.db, app.sourceLocks, source, onEvent, opts);
      try {
        await w.start(app.config.registry.cache_dir);
        watches.push(w);
      } catch (err) {
        // One unreadable folder must not stop the others from being watched; its error is recorded.
        await w.stop();
        onEvent({ type: 'error', source: source.name, message: (err as Error).message });
      }
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  return stopAll;
}
