// Syncing one configured source end to end: persist its row, fetch it (git), scan it into the store
// and record the outcome (time, error, commit) on the row. Source-level failures (unreachable
// repository, missing folder) are recorded and thrown; task-level failures are in the report.
import type { Db } from '../store/codec.ts';
import { recordSourceSync } from '../store/repos/sources.ts';
import type { SourceRecord } from '../store/repos/sources.ts';
import { refreshGitCheckout } from './git.ts';
import { SourceLocks } from './lock.ts';
import { persistSource } from './sources.ts';
import type { ResolvedSource } from './sources.ts';
import { summariseFailures, syncTree } from './sync.ts';
import type { SyncReport } from './sync.ts';

export class SourceSyncError extends Error {
  readonly source: string;
  constructor(source: string, message: string) {
    super(message);
    this.name = 'SourceSyncError';
    this.source = source;
  }
}

/** Records a finished sync: the time always, then the task failures (if any) as last_error. */
export async function recordOutcome(
  db: Db,
  id: number,
  error: string | null,
  commitSha?: string,
): Promise<SourceRecord> {
  // recordSourceSync only moves last_synced_at on success; a sync with some broken tasks still
  // synced everything else, so stamp the time first and then set the error.
  const ok = await recordSourceSync(db, id, { error: null, ...(commitSha ? { commitSha } : {}) });
  return error === null ? ok : recordSourceSync(db, id, { error });
}

/** `locks`: the application's; a private one (the default) only suits a caller that syncs alone (tests). */
export function syncResolvedSource(
  db: Db,
  cacheDir: string,
  source: ResolvedSource,
  locks: SourceLocks = new SourceLocks(),
): Promise<SyncReport> {
  return locks.run(source.name, async () => {
    const row = await persistSource(db, source);
    let root: string;
    let commit: string | undefined;
    try {
      if (source.kind === 'git') {
        const checkout = await refreshGitCheckout(source, cacheDir);
        root = checkout.dir;
        commit = checkout.commit;
      } else {
        root = source.path!;
      }
      const report = await syncTree(db, row, root, source.kind === 'git' ? 'git' : 'file');
      if (commit) report.commit = commit;
      await recordOutcome(db, row.id, summariseFailures(report.failed), commit);
      return report;
    } catch (err) {
      const message =
        source.kind === 'git'
          ? (err as Error).message
          : `folder source "${source.name}": ${(err as Error).message}`;
      await recordSourceSync(db, row.id, { error: message });
      throw new SourceSyncError(source.name, message);
    }
  });
}
