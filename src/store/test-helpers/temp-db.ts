// Fresh, throwaway databases for tests and benchmarks: a SQLite file in its own temporary folder,
// or a new PostgreSQL database created through the admin connection. No node:test here, so
// benchmarks can use it too.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Dialect } from '../database.ts';

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
        'start PostgreSQL on 127.0.0.1:5432 or set RATCHET_TEST_PG_URL (npm test starts a throwaway one when initdb and pg_ctl are installed)',
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
