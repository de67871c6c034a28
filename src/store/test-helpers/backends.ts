// Runs a store test on both backends: a fresh SQLite file and a fresh PostgreSQL database, each
// migrated, closed and deleted afterwards. PostgreSQL being unreachable fails the test: the suite
// must prove both dialects, so silently skipping one would hide breakage.
import { test } from 'node:test';
import { openDatabase } from '../database.ts';
import type { Dialect, Store } from '../database.ts';
import { Migrator } from 'kysely';
import { migrateToLatest } from '../migrate.ts';
import { MIGRATIONS } from '../migrations/index.ts';
import { createTempDatabase } from './temp-db.ts';

export * from './temp-db.ts';

/** Opens a migrated store on a fresh database of the dialect, runs fn, then closes and drops it. */
export async function withStore(dialect: Dialect, fn: (store: Store) => Promise<void>): Promise<void> {
  const temp = await createTempDatabase(dialect);
  try {
    const store = await openDatabase({ url: temp.url, maxConnections: 4 });
    try {
      await migrateToLatest(store);
      await fn(store);
    } finally {
      await store.close();
    }
  } finally {
    await temp.drop();
  }
}

/**
 * Opens a store on a fresh database migrated up to `migration` only (an earlier release's schema),
 * runs fn with the migrator (for migrateToLatest or migrateDown), then closes and drops it.
 */
export async function withStoreAt(
  dialect: Dialect,
  migration: string,
  fn: (store: Store, migrator: Migrator) => Promise<void>,
): Promise<void> {
  const temp = await createTempDatabase(dialect);
  try {
    const store = await openDatabase({ url: temp.url, maxConnections: 2 });
    try {
      const migrator = new Migrator({
        db: store.db,
        provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
      });
      const { error } = await migrator.migrateTo(migration);
      if (error) throw error;
      await fn(store, migrator);
    } finally {
      await store.close();
    }
  } finally {
    await temp.drop();
  }
}

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/** Registers `name [sqlite]` and `name [postgres]`, each on its own fresh migrated store. */
export function forEachBackend(name: string, fn: (store: Store) => Promise<void>): void {
  for (const dialect of DIALECTS) {
    void test(`${name} [${dialect}]`, () => withStore(dialect, fn));
  }
}
