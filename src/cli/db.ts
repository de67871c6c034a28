// `ratchet db migrate | status | stats`: manage the database named by `server.database.url`.
import type { Command } from 'commander';
import { openDatabase } from '../store/database.ts';
import type { Store } from '../store/database.ts';
import { migrateToLatest, migrationStatus } from '../store/migrate.ts';
import { storeStats } from '../store/stats.ts';
import { CliExit } from './errors.ts';
import { loadCliConfig } from './load-config.ts';

interface JsonOpt {
  json?: boolean;
}

/** Opens the configured database, runs fn, closes it; a database failure is one line, exit 1. */
async function withConfiguredStore(cmd: Command, fn: (store: Store) => Promise<void>): Promise<void> {
  const config = await loadCliConfig(cmd);
  const { url, max_connections, connection_timeout } = config.server.database;
  let store: Store;
  try {
    store = await openDatabase({
      url,
      maxConnections: max_connections,
      connectionTimeoutMs: connection_timeout * 1000,
    });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    throw new CliExit(1);
  }
  try {
    await fn(store);
  } catch (err) {
    if (err instanceof CliExit) throw err;
    process.stderr.write(`error: ${(err as Error).message}\n`);
    throw new CliExit(1);
  } finally {
    await store.close();
  }
}

function out(text: string): void {
  process.stdout.write(text);
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('database migrations and statistics (server.database.url)');

  db.command('migrate')
    .description('apply pending migrations')
    .option('--json', 'print JSON')
    .action((opts: JsonOpt, cmd: Command) =>
      withConfiguredStore(cmd, async (store) => {
        const applied = await migrateToLatest(store);
        if (opts.json)
          return out(`${JSON.stringify({ database: store.url, dialect: store.dialect, applied })}\n`);
        out(`database: ${store.url} (${store.dialect})\n`);
        if (applied.length === 0) out('already up to date\n');
        for (const name of applied) out(`applied ${name}\n`);
      }),
    );

  db.command('status')
    .description('show the database in use and each migration, applied or pending')
    .option('--json', 'print JSON')
    .action((opts: JsonOpt, cmd: Command) =>
      withConfiguredStore(cmd, async (store) => {
        const migrations = await migrationStatus(store);
        if (opts.json) {
          return out(`${JSON.stringify({ database: store.url, dialect: store.dialect, migrations })}\n`);
        }
        const pending = migrations.filter((m) => !m.applied).length;
        out(`database: ${store.url} (${store.dialect})\n`);
        for (const m of migrations) {
          out(m.applied ? `  applied  ${m.name}  ${m.appliedAt}\n` : `  pending  ${m.name}\n`);
        }
        out(pending === 0 ? 'up to date\n' : `${pending} pending: run \`ratchet db migrate\`\n`);
      }),
    );

  db.command('stats')
    .description('row counts per table and database size')
    .option('--json', 'print JSON')
    .action((opts: JsonOpt, cmd: Command) =>
      withConfiguredStore(cmd, async (store) => {
        const migrations = await migrationStatus(store);
        if (!migrations.some((m) => m.applied)) {
          process.stderr.write(`error: ${store.url} has no Ratchet tables yet; run \`ratchet db migrate\`\n`);
          throw new CliExit(1);
        }
        const stats = await storeStats(store);
        if (opts.json) return out(`${JSON.stringify(stats)}\n`);
        out(`database: ${stats.url} (${stats.dialect})\n`);
        const width = Math.max(...Object.keys(stats.tables).map((t) => t.length));
        for (const [table, rows] of Object.entries(stats.tables)) out(`  ${table.padEnd(width)}  ${rows}\n`);
        out(`size: ${formatBytes(stats.sizeBytes)} (${stats.sizeBytes} bytes)\n`);
      }),
    );
}
