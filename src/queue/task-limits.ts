// Per-task settings read from a stored version's metadata.json. Versions never change once
// stored, so the figures are cached by version id for the life of the process.
import type { Db } from '../store/codec.ts';

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
