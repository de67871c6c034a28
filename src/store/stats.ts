// `ratchet db stats`: rows per table and the space the database takes.
import { stat } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Store } from './database.ts';
import { TABLES } from './schema.ts';

export interface StoreStats {
  dialect: Store['dialect'];
  url: string;
  /** Rows per table, in schema order. */
  tables: Record<(typeof TABLES)[number], number>;
  /** SQLite: pages in use × page size + the WAL file; PostgreSQL: pg_database_size. */
  sizeBytes: number;
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

async function databaseSize(store: Store): Promise<number> {
  if (store.dialect === 'postgres') {
    const { rows } = await sql<{
      size: number | string;
    }>`select pg_database_size(current_database()) as size`.execute(store.db);
    return Number(rows[0]!.size);
  }
  const count = await sql<{ page_count: number }>`pragma page_count`.execute(store.db);
  const size = await sql<{ page_size: number }>`pragma page_size`.execute(store.db);
  const main = Number(count.rows[0]!.page_count) * Number(size.rows[0]!.page_size);
  const wal = store.file && store.file !== ':memory:' ? await fileSize(`${store.file}-wal`) : 0;
  return main + wal;
}

export async function storeStats(store: Store): Promise<StoreStats> {
  const tables = {} as StoreStats['tables'];
  for (const table of TABLES) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    tables[table] = Number(row.n);
  }
  return { dialect: store.dialect, url: store.url, tables, sizeBytes: await databaseSize(store) };
}
