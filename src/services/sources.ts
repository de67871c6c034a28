// Task sources ("repositories") as adapters see them: the configured folders and git repositories
// with what the store last saw of each (id once synced, task counts, last sync, last error, commit),
// listed with the full list contract, looked up by id or name, and synced on request.
import type { Ratchet } from './context.ts';
import { NotFoundError } from '../store/codec.ts';
import type { ListQuery, ListResult } from '../store/list-query.ts';
import { listSources } from '../store/repos/sources.ts';
import { listInMemory, type MemoryListSpec } from './list-memory.ts';
import {
  sourceStatuses,
  syncAllSources,
  syncSourceByName,
  type SourceStatus,
  type SourceSyncResult,
  type SyncOptions,
} from './registry-service.ts';

export interface Repository extends SourceStatus {
  /** Store id; null until the source was synced once. */
  id: number | null;
}

const SPEC: MemoryListSpec = {
  fields: {
    id: 'number',
    name: 'string',
    kind: 'string',
    uri: 'string',
    branch: 'string',
    watch: 'boolean',
    tasks: 'number',
    available: 'number',
    lastSyncedAt: 'time',
    lastError: 'string',
  },
  defaultSort: { field: 'name', order: 'asc' },
};

async function allRepositories(app: Ratchet, opts: SyncOptions): Promise<Repository[]> {
  const [statuses, rows] = await Promise.all([sourceStatuses(app, opts), listSources(app.store.db)]);
  const ids = new Map(rows.map((r) => [r.name, r.id]));
  return statuses.map((s) => ({ id: ids.get(s.name) ?? null, ...s }));
}

export async function listRepositoryPage(
  app: Ratchet,
  q: ListQuery,
  opts: SyncOptions = {},
): Promise<ListResult<Repository>> {
  return listInMemory(await allRepositories(app, opts), SPEC, q);
}

/** A configured source by store id or name; NotFoundError naming the configured ones otherwise. */
export async function getRepository(
  app: Ratchet,
  ref: string | number,
  opts: SyncOptions = {},
): Promise<Repository> {
  const all = await allRepositories(app, opts);
  const text = String(ref);
  const found =
    all.find((r) => r.name === text) ??
    (/^[0-9]+$/.test(text) ? all.find((r) => r.id === Number(text)) : undefined);
  if (!found) {
    const names = all.map((r) => r.name).join(', ') || 'none';
    throw new NotFoundError(`no task source "${text}" (configured: ${names})`);
  }
  return found;
}

/** Syncs one source now; a source-level failure is reported in `error`, not thrown. */
export async function syncRepository(
  app: Ratchet,
  ref: string | number,
  opts: SyncOptions = {},
): Promise<SourceSyncResult> {
  const repo = await getRepository(app, ref, opts);
  return syncSourceByName(app, repo.name, opts);
}

export function syncAllRepositories(app: Ratchet, opts: SyncOptions = {}): Promise<SourceSyncResult[]> {
  return syncAllSources(app, opts);
}
