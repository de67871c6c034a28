// Adapter from Node's built-in `node:sqlite` (DatabaseSync) to the better-sqlite3-shaped object
// Kysely's SqliteDialect drives. We use node:sqlite because better-sqlite3's native build targets
// another Node ABI than the one the project runs on (see docs/architecture.md, DEVIATION).
import { DatabaseSync } from 'node:sqlite';
import type { StatementSync, SQLInputValue } from 'node:sqlite';
import { SqliteAdapter, SqliteDialect, SqliteDriver, CompiledQuery } from 'kysely';
import type { DatabaseConnection, Driver, SqliteDatabase, SqliteStatement } from 'kysely';

/** Prepared statements kept per connection; the same few queries run over and over. */
const STATEMENT_CACHE_SIZE = 256;

type BindValue = SQLInputValue;

/** SQLite binds only null, numbers, bigints, strings and bytes: map the rest or say what is wrong. */
function toBindValue(value: unknown, index: number): BindValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return value;
  if (value instanceof Date) return value.getTime();
  throw new TypeError(
    `SQLite cannot bind parameter ${index + 1} of type ${typeof value === 'object' ? value.constructor.name : typeof value}; serialise it first`,
  );
}

function toBindValues(params: readonly unknown[]): BindValue[] {
  return params.map(toBindValue);
}

/**
 * Builds a plain object from a row array with the statement's column names as literal keys: one
 * object shape per statement, so V8 keeps property access fast. node:sqlite's own row objects have a
 * null prototype and are built key by key (dictionary mode), and copying them into plain objects
 * (what pg and better-sqlite3 return) cost about half of a small list query. The keys are string
 * literals, so V8 builds each row from the literal's boilerplate (computed keys, `["id"]: …`, are
 * defined one by one at run time: 230-500 ns per 22-column row against 40-65); only a column named
 * `__proto__` takes a computed key, which keeps it an own property. A repeated name keeps its last
 * value either way.
 */
function rowBuilder(names: readonly string[]): (row: readonly unknown[]) => Record<string, unknown> {
  const key = (n: string): string => (n === '__proto__' ? `[${JSON.stringify(n)}]` : JSON.stringify(n));
  const fields = names.map((n, i) => `${key(n)}: r[${i}]`).join(', ');
  return new Function('r', `return { ${fields} };`) as (row: readonly unknown[]) => Record<string, unknown>;
}

class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #stmt: StatementSync;
  readonly #build: ((row: readonly unknown[]) => Record<string, unknown>) | undefined;
  constructor(stmt: StatementSync) {
    this.#stmt = stmt;
    // A statement that produces columns is a reader (SELECT, PRAGMA, or anything with RETURNING).
    const columns = stmt.columns();
    this.reader = columns.length > 0;
    if (this.reader) {
      stmt.setReturnArrays(true);
      this.#build = rowBuilder(columns.map((c) => c.name));
    }
  }
  all(parameters: readonly unknown[]): unknown[] {
    const rows = this.#stmt.all(...toBindValues(parameters)) as unknown as unknown[][];
    const build = this.#build;
    return build ? rows.map((row) => build(row)) : rows;
  }
  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
    const { changes, lastInsertRowid } = this.#stmt.run(...toBindValues(parameters));
    return { changes, lastInsertRowid };
  }
  *iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    const build = this.#build;
    for (const row of this.#stmt.iterate(...toBindValues(parameters)))
      yield build ? build(row as unknown as unknown[]) : row;
  }
}

/**
 * Runs one statement on the connection now, synchronously, past Kysely (prepared once, from the same
 * cache). Reached through sqliteRunOf(trx), inside a transaction on the connection: the connection
 * is then that transaction's alone. A loop of thousands of one-row statements through Kysely spent
 * a fifth of its time in Kysely's own steps for each (bulk enqueue of 5,000 jobs: ~70 ms, against
 * ~55 this way).
 */
export type SqliteRun = (
  sql: string,
  params: readonly unknown[],
) => { changes: number | bigint; lastInsertRowid: number | bigint };

/** The object SqliteDialect's `database` option expects, backed by one DatabaseSync connection. */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly raw: DatabaseSync;
  readonly #cache = new Map<string, NodeSqliteStatement>();
  readonly runNow: SqliteRun = (sql, params) => this.prepare(sql).run(params);
  constructor(raw: DatabaseSync) {
    this.raw = raw;
  }
  prepare(sql: string): SqliteStatement {
    const hit = this.#cache.get(sql);
    if (hit) {
      // Re-insert to keep the map in least-recently-used order.
      this.#cache.delete(sql);
      this.#cache.set(sql, hit);
      return hit;
    }
    const stmt = new NodeSqliteStatement(this.raw.prepare(sql));
    this.#cache.set(sql, stmt);
    if (this.#cache.size > STATEMENT_CACHE_SIZE) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return stmt;
  }
  close(): void {
    this.#cache.clear();
    if (!this.raw.isOpen) return;
    try {
      // Refreshes planner statistics where they went stale (SQLite's advice for closing), so the
      // partial claim index and friends keep being chosen. Best effort: closing must not fail on it.
      this.raw.exec('PRAGMA optimize');
    } catch {
      // A busy or read-only database skips the refresh; the next close tries again.
    }
    this.raw.close();
  }
}

/** Opens a file (or `:memory:`) with the pragmas Ratchet relies on. */
export function openNodeSqlite(location: string): NodeSqliteDatabase {
  const raw = new DatabaseSync(location);
  try {
    // WAL lets readers run beside the single writer; the busy timeout makes a second process
    // wait for the write lock instead of failing at once.
    raw.exec('PRAGMA busy_timeout = 5000');
    if (location !== ':memory:') raw.exec('PRAGMA journal_mode = WAL');
    raw.exec('PRAGMA synchronous = NORMAL');
    raw.exec('PRAGMA foreign_keys = ON');
    // Analyses tables whose statistics are missing or stale (cheap, bounded by 0x10000's limit).
    raw.exec('PRAGMA optimize = 0x10002');
  } catch (err) {
    raw.close();
    throw err;
  }
  return new NodeSqliteDatabase(raw);
}

/**
 * Kysely's SqliteDriver begins transactions with a deferred `begin`, which takes the write lock only
 * at the first write; two processes that both read first then deadlock into SQLITE_BUSY. `begin
 * immediate` takes the write lock up front, so writers queue on the busy timeout instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * SQLite runs DDL inside transactions, so the Migrator may wrap each run in one; with `begin
 * immediate` that transaction is the cross-process migration lock Kysely's SqliteAdapter lacks.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  /** The connection's synchronous runner (sqliteRunOf): the adapter travels with every transaction. */
  readonly runNow: SqliteRun;
  constructor(runNow: SqliteRun) {
    super();
    this.runNow = runNow;
  }
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * SQLite: the synchronous runner of the connection `trx` holds, when `trx` is a transaction;
 * undefined otherwise (outside a transaction the connection may be inside another caller's, and
 * PostgreSQL has no such runner).
 */
export function sqliteRunOf(trx: {
  readonly isTransaction: boolean;
  getExecutor(): { readonly adapter: unknown };
}): SqliteRun | undefined {
  if (!trx.isTransaction) return undefined;
  const adapter = trx.getExecutor().adapter;
  return adapter instanceof TransactionalDdlSqliteAdapter ? adapter.runNow : undefined;
}

export class NodeSqliteDialect extends SqliteDialect {
  readonly #database: NodeSqliteDatabase;
  constructor(database: NodeSqliteDatabase) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter(this.#database.runNow);
  }
}
