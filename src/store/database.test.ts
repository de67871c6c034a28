import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { maskUrl, openDatabase, parseDatabaseUrl } from './database.ts';
import { BACKSTOP_PAGES, WalCheckpointer } from './dialect/wal-checkpointer.ts';
import { DatabaseSync } from 'node:sqlite';
import { migrateToLatest, migrationStatus } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { storeStats } from './stats.ts';
import { createTempDatabase, forEachBackend, DIALECTS } from './test-helpers/backends.ts';
import { seedTask } from './test-helpers/fixtures.ts';
import { TABLES } from './schema.ts';

const run = promisify(execFile);

void test('database URLs: every accepted form, and a clear error for the rest', () => {
  assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { dialect: 'sqlite', file: ':memory:' });
  assert.deepEqual(parseDatabaseUrl('sqlite://./data/r.db', '/srv'), {
    dialect: 'sqlite',
    file: '/srv/data/r.db',
  });
  assert.deepEqual(parseDatabaseUrl('sqlite://data/r.db', '/srv'), {
    dialect: 'sqlite',
    file: '/srv/data/r.db',
  });
  assert.deepEqual(parseDatabaseUrl('sqlite:///var/r.db', '/srv'), { dialect: 'sqlite', file: '/var/r.db' });
  assert.equal(parseDatabaseUrl('postgres://u:p@h:5432/d').dialect, 'postgres');
  assert.equal(parseDatabaseUrl('postgresql://h/d').dialect, 'postgres');
  assert.throws(
    () => parseDatabaseUrl('mysql://root:secret@db/x'),
    (err: Error) => {
      assert.match(err.message, /unsupported database URL "mysql:\/\/root:\*\*\*@db\/x"/);
      assert.match(err.message, /sqlite::memory:/);
      assert.doesNotMatch(err.message, /secret/);
      return true;
    },
  );
  assert.throws(() => parseDatabaseUrl('sqlite://'), /names no file/);
  assert.equal(maskUrl('postgres://ratchet:s3cr3t@db:5432/r'), 'postgres://ratchet:***@db:5432/r');
  assert.equal(maskUrl('postgres://ratchet@db/r'), 'postgres://ratchet@db/r');
});

void test('SQLite: parent folders created, WAL, busy timeout, foreign keys, synchronous NORMAL', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-db-'));
  try {
    const store = await openDatabase({ url: 'sqlite://nested/deeper/r.db', baseDir: dir });
    try {
      assert.equal(store.file, path.join(dir, 'nested/deeper/r.db'));
      assert.ok(existsSync(store.file));
      const pragma = async (name: string) =>
        Object.values(
          (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db)).rows[0]!,
        )[0];
      assert.equal(await pragma('journal_mode'), 'wal');
      assert.equal(await pragma('busy_timeout'), 5000);
      assert.equal(await pragma('foreign_keys'), 1);
      assert.equal(await pragma('synchronous'), 1);
      assert.equal(await pragma('wal_autocheckpoint'), 1000);
      // A queue worker moves checkpoints to a thread of its own (dialect/wal-checkpointer.ts): the
      // connection keeps only a backstop, and the thread empties the WAL behind the writes.
      store.offloadCheckpoints!();
      assert.equal(await pragma('wal_autocheckpoint'), BACKSTOP_PAGES);
      await sql`create table t (x text)`.execute(store.db);
      for (let i = 0; i < 200; i++) await sql`insert into t values (${'x'.repeat(2000)})`.execute(store.db);
      // The WAL header's salts (bytes 16-23) change when a writer restarts a fully checkpointed WAL;
      // the connection's own backstop is far off, so only the thread can have checkpointed it.
      const salts = () => readFileSync(`${store.file}-wal`).subarray(16, 24).toString('hex');
      const before = salts();
      const deadline = Date.now() + 5000;
      while (salts() === before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await sql`insert into t values ('y')`.execute(store.db);
      }
      assert.notEqual(salts(), before, 'the checkpoint thread checkpointed the WAL');
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('sqlite::memory: migrates and works', async () => {
  const store = await openDatabase({ url: 'sqlite::memory:' });
  try {
    assert.deepEqual(await migrateToLatest(store), Object.keys(MIGRATIONS));
    await seedTask(store.db, 'mem');
    assert.equal((await storeStats(store)).tables.tasks, 1);
  } finally {
    await store.close();
  }
});

void test('PostgreSQL unreachable: the error names the masked URL', async () => {
  await assert.rejects(
    openDatabase({ url: 'postgres://u:topsecret@127.0.0.1:1/x', connectionTimeoutMs: 2000 }),
    (err: Error) => {
      assert.match(err.message, /cannot connect to PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/);
      assert.doesNotMatch(err.message, /topsecret/);
      return true;
    },
  );
});

forEachBackend('migrations are idempotent and reported with their time', async (store) => {
  // forEachBackend already migrated once.
  assert.deepEqual(await migrateToLatest(store), []);
  const status = await migrationStatus(store);
  assert.deepEqual(
    status.map((m) => [m.name, m.applied]),
    Object.keys(MIGRATIONS).map((name) => [name, true]),
  );
  assert.ok(status.every((m) => m.appliedAt && Date.parse(m.appliedAt) > Date.now() - 600_000));
});

forEachBackend('stats count rows in every table and measure the size', async (store) => {
  await seedTask(store.db, 'counted');
  const stats = await storeStats(store);
  assert.deepEqual(Object.keys(stats.tables), [...TABLES]);
  assert.equal(stats.tables.tasks, 1);
  assert.equal(stats.tables.task_versions, 1);
  assert.equal(stats.tables.jobs, 0);
  assert.ok(stats.sizeBytes > 4096, `size ${stats.sizeBytes}`);
});

for (const dialect of DIALECTS) {
  void test(`concurrent migrations from several processes apply each migration once [${dialect}]`, async () => {
    const temp = await createTempDatabase(dialect);
    try {
      const before = await openDatabase({ url: temp.url });
      try {
        assert.deepEqual(
          (await migrationStatus(before)).map((m) => m.applied),
          Object.keys(MIGRATIONS).map(() => false),
        );
      } finally {
        await before.close();
      }
      const child = path.join(import.meta.dirname, 'test-helpers/migrate-child.ts');
      const outputs = await Promise.all(
        Array.from({ length: 4 }, () => run(process.execPath, [child, temp.url], { timeout: 60_000 })),
      );
      const applied = outputs.flatMap((o) => JSON.parse(o.stdout) as string[]);
      assert.deepEqual(applied.sort(), Object.keys(MIGRATIONS).sort());
      const after = await openDatabase({ url: temp.url });
      try {
        assert.ok((await migrationStatus(after)).every((m) => m.applied));
      } finally {
        await after.close();
      }
    } finally {
      await temp.drop();
    }
  });
}

void test('concurrent migrateToLatest on two pooled PostgreSQL connections in one process', async () => {
  const temp = await createTempDatabase('postgres');
  try {
    const a = await openDatabase({ url: temp.url });
    const b = await openDatabase({ url: temp.url });
    try {
      const [ra, rb] = await Promise.all([migrateToLatest(a), migrateToLatest(b)]);
      assert.deepEqual([...ra, ...rb], Object.keys(MIGRATIONS));
    } finally {
      await a.close();
      await b.close();
    }
  } finally {
    await temp.drop();
  }
});

void test('SQLite: the checkpoint thread ends once writes stop and starts again with the next work', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-db-'));
  try {
    const store = await openDatabase({ url: 'sqlite://r.db', baseDir: dir });
    const raw = new DatabaseSync(store.file!);
    try {
      const autocheckpoint = () =>
        (raw.prepare('pragma wal_autocheckpoint').get() as { wal_autocheckpoint: number }).wal_autocheckpoint;
      await sql`create table t (x text)`.execute(store.db);
      // Short ticks stand in for the 200 ms × 25 of the real thread.
      const checkpointer = new WalCheckpointer(raw, store.file!, { everyMs: 10, idleTicks: 5 });
      checkpointer.start();
      assert.equal(checkpointer.running, true);
      assert.equal(autocheckpoint(), BACKSTOP_PAGES);
      const until = async (done: () => boolean) => {
        const deadline = Date.now() + 5000;
        while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      };
      await until(() => !checkpointer.running);
      assert.equal(checkpointer.running, false, 'an idle thread ends');
      assert.equal(autocheckpoint(), 1000, 'the connection checkpoints inline again');
      checkpointer.start();
      assert.equal(checkpointer.running, true);
      // Commits keep it alive past its idle ticks.
      for (let i = 0; i < 20; i++) {
        await sql`insert into t values ('x')`.execute(store.db);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(checkpointer.running, true);
      await checkpointer.stop();
      assert.equal(checkpointer.running, false);
    } finally {
      raw.close();
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
