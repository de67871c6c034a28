// Per-task concurrency limits: metadata.json `max_concurrency` of the version a job runs, and
// server.job_queue.task_concurrency (task name → limit); when both are set the lower one applies.
// Versions never change once stored, so metadata figures are cached by version id for the life of
// the process.
import { sql } from 'kysely';
import type { Db } from '../store/codec.ts';
import type { QueueCaches } from './caches.ts';
import type { Store } from '../store/database.ts';

const cache = new Map<number, number | undefined>();
const CACHE_SIZE = 5000;

/** metadata.json `max_concurrency` of a version: a positive integer, or undefined (no limit). */
export async function taskConcurrencyLimit(db: Db, versionId: number): Promise<number | undefined> {
  if (cache.has(versionId)) return cache.get(versionId);
  const row = await db
    .selectFrom('task_versions')
    .select('metadata')
    .where('id', '=', versionId)
    .executeTakeFirst();
  let limit: number | undefined;
  if (row) {
    const value = (JSON.parse(row.metadata) as Record<string, unknown>).max_concurrency;
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) limit = value;
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(versionId, limit);
  return limit;
}

/** The limit that applies: the lower of the metadata's and the configuration's, if any. */
export function effectiveLimit(
  metadata: number | undefined,
  configured: number | undefined,
): number | undefined {
  if (metadata === undefined) return configured;
  if (configured === undefined) return metadata;
  return Math.min(metadata, configured);
}

const FLAG_TTL_MS = 1000;

/**
 * Whether any stored version declares max_concurrency (re-read at most once a second). The fast
 * one-statement claim leaves such versions' jobs alone, so a stale `false` only delays them until
 * the next check; it never lets a limit be exceeded.
 */
export async function anyMetadataLimit(
  store: Store,
  caches: QueueCaches,
  now = Date.now(),
): Promise<boolean> {
  const hit = caches.metadataLimit;
  if (hit && now - hit.at < FLAG_TTL_MS) return hit.value;
  const { rows } = await sql<{ one: number }>`
    select 1 as one from task_versions where metadata like '%max_concurrency%' limit 1`.execute(store.db);
  const value = rows.length > 0;
  caches.metadataLimit = { at: now, value };
  return value;
}
