// Opens the store from `server.database.url`: SQLite through node:sqlite (embedded default) or
// PostgreSQL through a pg Pool. Everything above this file sees one Kysely instance.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
// pg is loaded only for a PostgreSQL URL: an SQLite server never pays for the driver.
import type pg from 'pg';
import type { DatabaseSchema } from './schema.ts';
import { NodeSqliteDialect, openNodeSqlite } from './dialect/node-sqlite.ts';
import { WalCheckpointer } from './dialect/wal-checkpointer.ts';
import { prepareMarkedStatements } from './pg-named.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<DatabaseSchema>;
  dialect: Dialect;
  /** The URL with any password replaced by `***`, safe to print. */
  url: string;
  /** SQLite: the database file, or `:memory:`. PostgreSQL: undefined. */
  file?: string;
  close(): Promise<void>;
  /**
   * SQLite file: from now on, WAL checkpoints run on a thread of their own instead of inside the
   * commit that crosses the threshold (dialect/wal-checkpointer.ts), until the thread finds nothing
   * to do for a while. The queue worker calls it when a claim returns jobs.
   */
  offloadCheckpoints?: () => void;
  /**
   * PostgreSQL: the pool under `db`, for hot statements worth preparing once per connection
   * (named statements; Kysely sends every query unnamed, so it is planned again each time).
   */
  pgPool?: pg.Pool;
}

export interface OpenDatabaseOptions {
  url: string;
  /** PostgreSQL pool size (`server.database.max_connections`); default 10. */
  maxConnections?: number;
  /** Relative SQLite paths resolve against this folder; default the working directory. */
  baseDir?: string;
  /** PostgreSQL: how long to wait for a connection (`server.database.connection_timeout`); default 30 s. */
  connectionTimeoutMs?: number;
}

export const DEFAULT_DATABASE_URL = 'sqlite://./data/ratchet.db';

const ACCEPTED_FORMS =
  'sqlite://relative/path.db, sqlite:///absolute/path.db, sqlite::memory:, postgres://user:pass@host:5432/db (or postgresql://)';

type Target = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; connectionString: string };

/** Turns a database URL into what to open; throws naming the URL and the accepted forms. */
export function parseDatabaseUrl(url: string, baseDir: string = process.cwd()): Target {
  const trimmed = url.trim();
  if (trimmed === 'sqlite::memory:' || trimmed === 'sqlite://:memory:') {
    return { dialect: 'sqlite', file: ':memory:' };
  }
  if (trimmed.startsWith('sqlite://')) {
    // Taken literally (no %-decoding), as config/paths.ts resolveSqlitePath writes it.
    const rest = trimmed.slice('sqlite://'.length);
    if (rest === '' || rest === '/') {
      throw new Error(`database URL "${url}" names no file; accepted forms: ${ACCEPTED_FORMS}`);
    }
    // `sqlite:///abs/x.db` leaves "/abs/x.db"; anything else is relative to baseDir.
    return { dialect: 'sqlite', file: path.isAbsolute(rest) ? rest : path.resolve(baseDir, rest) };
  }
  if (/^postgres(ql)?:\/\//.test(trimmed)) {
    return { dialect: 'postgres', connectionString: trimmed };
  }
  throw new Error(`unsupported database URL "${maskUrl(url)}"; accepted forms: ${ACCEPTED_FORMS}`);
}

/** Replaces the password of a URL with `***` so it can be printed or logged. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*:)[^@/]*@/i, '$1***@');
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Store> {
  const target = parseDatabaseUrl(opts.url, opts.baseDir);
  if (target.dialect === 'sqlite') return openSqlite(opts.url, target.file);
  return openPostgres(
    opts.url,
    target.connectionString,
    opts.maxConnections ?? 10,
    opts.connectionTimeoutMs ?? 30_000,
  );
}

function openSqlite(url: string, file: string): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  let database;
  try {
    database = openNodeSqlite(file);
  } catch (err) {
    throw new Error(`cannot open SQLite database ${file}: ${(err as Error).message}`, { cause: err });
  }
  const db = new Kysely<DatabaseSchema>({ dialect: new NodeSqliteDialect(database) });
  const checkpointer = file === ':memory:' ? undefined : new WalCheckpointer(database.raw, file);
  return {
    db,
    dialect: 'sqlite',
    url: maskUrl(url),
    file,
    ...(checkpointer ? { offloadCheckpoints: () => checkpointer.start() } : {}),
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

// int8 (bigint) columns hold ids, epoch-millisecond timestamps and counts; all fit in a JS number.
const INT8_OID = 20;
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`PostgreSQL bigint ${text} exceeds Number.MAX_SAFE_INTEGER`);
  return n;
}

async function openPostgres(
  url: string,
  connectionString: string,
  max: number,
  connectionTimeoutMillis: number,
): Promise<Store> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? parseInt8
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener that
  // would crash the process. The next query on that pool reports its own error instead.
  pool.on('error', () => {});
  // A checked-out client has no pool listener: if its connection drops between two statements
  // (a transaction awaiting other work) pg emits 'error' on it, which would end the process during
  // a database outage. Its queries still fail on their own, and the pool discards the dead client.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    prepareMarkedStatements(client);
  });
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  const masked = maskUrl(url);
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy();
    throw new Error(`cannot connect to PostgreSQL at ${masked}: ${(err as Error).message}`, { cause: err });
  }
  return { db, dialect: 'postgres', url: masked, pgPool: pool, close: () => db.destroy() };
}
