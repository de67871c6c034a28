// The database behind the application as the admin faces see it (console `db`, REST /db): which
// database (password masked), each migration applied or pending, applying pending ones, and row
// counts with the size. `ratchet db` works on a configured URL without an application.
import type { Ratchet } from './context.ts';
import { maskUrl } from '../store/database.ts';
import { migrateToLatest, migrationStatus } from '../store/migrate.ts';
import { storeStats, type StoreStats } from '../store/stats.ts';

export interface DatabaseStatus {
  database: string;
  dialect: string;
  migrations: { name: string; applied: boolean }[];
}

export async function databaseStatus(app: Ratchet): Promise<DatabaseStatus> {
  const migrations = await migrationStatus(app.store);
  return { database: maskUrl(app.store.url), dialect: app.store.dialect, migrations };
}

/** Applies pending migrations; the names applied (none when up to date). */
export function migrateDatabase(app: Ratchet): Promise<string[]> {
  return migrateToLatest(app.store);
}

export async function databaseStats(app: Ratchet): Promise<StoreStats> {
  const s = await storeStats(app.store);
  return { ...s, url: maskUrl(s.url) };
}
