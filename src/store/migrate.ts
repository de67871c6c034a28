// Runs and reports the versioned migrations. Concurrent nodes are safe: on PostgreSQL Kysely's
// Migrator holds an advisory lock for the run; on SQLite the run is one `begin immediate`
// transaction (see dialect/node-sqlite.ts), so a second process waits and then finds nothing to do.
import { Migrator, sql } from 'kysely';
import { isPostgres } from './codec.ts';
import type { MigrationProvider, Migration } from 'kysely';
import type { Store } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';

export interface MigrationState {
  name: string;
  applied: boolean;
  /** ISO-8601 time the migration ran. */
  appliedAt?: string;
}

const provider: MigrationProvider = {
  getMigrations: (): Promise<Record<string, Migration>> => Promise.resolve({ ...MIGRATIONS }),
};

function migrator(store: Store): Migrator {
  return new Migrator({ db: store.db, provider });
}

/** Applies every pending migration; returns the names applied by this call. */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const { error, results } = await withoutSqliteForeignKeys(store, () => migrator(store).migrateToLatest());
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const where = failed ? ` in migration ${failed}` : '';
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration failed${where} on ${store.url}: ${message}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * SQLite rebuilds a table to change a column (007); dropping the old table with foreign keys on
 * would cascade into the tables that reference it. The pragma cannot change inside a transaction,
 * so it is turned off around the whole run, and the keys are checked before it is turned back on.
 */
async function withoutSqliteForeignKeys<T>(store: Store, run: () => Promise<T>): Promise<T> {
  if (isPostgres(store.db)) return run();
  await sql`pragma foreign_keys = off`.execute(store.db);
  try {
    const result = await run();
    const broken = await sql<{ table: string }>`pragma foreign_key_check`.execute(store.db);
    if (broken.rows.length > 0)
      throw new Error(`foreign keys broken after migrating: ${JSON.stringify(broken.rows.slice(0, 5))}`);
    return result;
  } finally {
    await sql`pragma foreign_keys = on`.execute(store.db);
  }
}

/** Every known migration, in order, with whether and when it was applied. */
export async function migrationStatus(store: Store): Promise<MigrationState[]> {
  const infos = await migrator(store).getMigrations();
  return infos.map((m) => {
    const state: MigrationState = { name: m.name, applied: m.executedAt !== undefined };
    if (m.executedAt) state.appliedAt = m.executedAt.toISOString();
    return state;
  });
}
