import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kysely, sql } from 'kysely';
import { NodeSqliteDialect, openNodeSqlite, sqliteRunOf } from './node-sqlite.ts';

void test('the adapter binds booleans, undefined, Dates, bigints and bytes; rejects objects by position', () => {
  const db = openNodeSqlite(':memory:');
  try {
    db.prepare('create table t (id integer primary key, b, n, d, big, bytes)').run([]);
    const insert = db.prepare('insert into t (b, n, d, big, bytes) values (?, ?, ?, ?, ?)');
    assert.equal(insert.reader, false);
    const res = insert.run([true, undefined, new Date(5), 2n ** 40n, new Uint8Array([1, 2])]);
    assert.equal(res.changes, 1);
    assert.equal(Number(res.lastInsertRowid), 1);
    const select = db.prepare('select b, n, d, big, bytes from t');
    assert.equal(select.reader, true);
    const [row] = select.all([]) as { b: number; n: null; d: number; big: number; bytes: Uint8Array }[];
    assert.deepEqual(
      { ...row, bytes: [...row!.bytes] },
      { b: 1, n: null, d: 5, big: 2 ** 40, bytes: [1, 2] },
    );
    assert.deepEqual([...select.iterate([])].length, 1);
    // RETURNING makes a writer a reader: Kysely must fetch its rows.
    assert.equal(db.prepare('insert into t (b) values (0) returning id').reader, true);
    assert.throws(() => insert.run([1, 2, { x: 1 }, 4, 5]), /cannot bind parameter 3 of type Object/);
  } finally {
    db.close();
  }
});

void test('rows are plain objects keyed by column name, whatever the names', () => {
  const db = openNodeSqlite(':memory:');
  try {
    const select = db.prepare(
      `select 1 as "__proto__", 2 as "a""b", 3 as "constructor", 4 as x, 5 as x, 6 as "", 7 as "1"`,
    );
    const [row] = select.all([]) as Record<string, unknown>[];
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
    assert.deepEqual(
      Object.getOwnPropertyDescriptor(row, '__proto__')?.value,
      1,
      '__proto__ stays an own column',
    );
    assert.deepEqual(
      { quote: row!['a"b'], ctor: row!['constructor'], x: row!['x'], empty: row![''], digit: row!['1'] },
      { quote: 2, ctor: 3, x: 5, empty: 6, digit: 7 },
      'a repeated name keeps its last value',
    );
  } finally {
    db.close();
  }
});

void test('transactions begin immediate and roll back on error', async () => {
  const db = new Kysely<{ t: { v: number } }>({ dialect: new NodeSqliteDialect(openNodeSqlite(':memory:')) });
  try {
    await sql`create table t (v integer)`.execute(db);
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ v: 1 }).execute();
        throw new Error('abort');
      }),
      /abort/,
    );
    await db.transaction().execute((trx) => trx.insertInto('t').values({ v: 2 }).execute());
    assert.deepEqual(await db.selectFrom('t').select('v').execute(), [{ v: 2 }]);
  } finally {
    await db.destroy();
  }
});

void test('sqliteRunOf: a runner only inside a transaction, whose statements commit and roll back with it', async () => {
  const db = new Kysely<{ t: { v: number } }>({ dialect: new NodeSqliteDialect(openNodeSqlite(':memory:')) });
  try {
    await sql`create table t (v integer)`.execute(db);
    // Outside a transaction the connection may be inside another caller's: no runner.
    assert.equal(sqliteRunOf(db), undefined);
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        const run = sqliteRunOf(trx)!;
        assert.equal(Number(run('insert into t (v) values (?)', [1]).changes), 1);
        // Kysely's own statements in the same transaction see the row.
        assert.deepEqual(await trx.selectFrom('t').select('v').execute(), [{ v: 1 }]);
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.deepEqual(await db.selectFrom('t').select('v').execute(), []);
    await db.transaction().execute(async (trx) => {
      const run = sqliteRunOf(trx)!;
      const { lastInsertRowid } = run('insert into t (v) values (?)', [2]);
      assert.equal(Number(lastInsertRowid), 1);
    });
    assert.deepEqual(await db.selectFrom('t').select('v').execute(), [{ v: 2 }]);
  } finally {
    await db.destroy();
  }
});
