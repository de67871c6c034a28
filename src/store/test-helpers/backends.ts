// Runs a store test on both backends: a fresh SQLite file and a fresh PostgreSQL database, each
// migrated, closed and deleted afterwards. PostgreSQL being unreachable fails the test: the suite
// must prove both dialects, so silently skipping one would hide breakage.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { openDatabase } from '../database.ts';
import type { Dialect, Store } from '../database.ts';
import { migrateToLatest } from '../migrate.ts';

/** Admin connection used to create and drop the per-test databases. */
export const PG_ADMIN_URL = process.env.RATCHET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TempDatabase {
  url: string;
  drop(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(err as Error).message}); store tests need it: ` +
        'start PostgreSQL on 127.0.0.1:5432 or set RATCHET_TEST_PG_URL',
      { cause: err },
    );
  }
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database; drop() removes it (disconnecting leftover sessions). */
export async function createTempPgDatabase(): Promise<TempDatabase> {
  const name = `ratchet_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
}

/** A new SQLite file in its own temporary folder; drop() deletes the folder. */
export async function createTempSqliteDatabase(): Promise<TempDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-store-'));
  return {
    url: `sqlite://${path.join(dir, 'test.db')}`,
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

export function createTempDatabase(dialect: Dialect): Promise<TempDatabase> {
  return dialect === 'sqlite' ? createTempSqliteDatabase() : createTempPgDatabase();
}

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

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/** Registers `name [sqlite]` and `name [postgres]`, each on its own fresh migrated store. */
export function forEachBackend(name: string, fn: (store: Store) => Promise<void>): void {
  for (const dialect of DIALECTS) {
    void test(`${name} [${dialect}]`, () => withStore(dialect, fn));
  }
}
