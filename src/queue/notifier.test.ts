// The PostgreSQL notifier: NOTIFY from another notifier wakes subscribers; a notifier's own NOTIFY
// does not wake its subscribers a second time (they were woken directly); a killed LISTEN
// connection comes back, however many attempts it takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTempPgDatabase, PG_ADMIN_URL } from '../store/test-helpers/temp-db.ts';
import { openDatabase } from '../store/database.ts';
import { sql } from 'kysely';
import { pgNotifier } from './backends/pg-notifier.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

void test('PostgreSQL notifier: other notifiers wake us; our own NOTIFY wakes us only once', async () => {
  const temp = await createTempPgDatabase();
  try {
    const store = await openDatabase({ url: temp.url, maxConnections: 2 });
    const a = pgNotifier(store.db, temp.url);
    const b = pgNotifier(store.db, temp.url);
    try {
      assert.notEqual(a.origin, b.origin);
      let wakes = 0;
      const unsubscribe = await a.subscribe(() => wakes++);
      wakes = 0; // subscribe wakes once when LISTEN starts
      await a.notify(); // wakes a's subscribers directly
      assert.equal(wakes, 1);
      await b.notify();
      const deadline = Date.now() + 5000;
      while (wakes < 2 && Date.now() < deadline) await sleep(10);
      assert.equal(wakes, 2, "b's NOTIFY woke a");
      // a's own NOTIFY was committed before b's; give a stray second wake-up time to show.
      await sleep(200);
      assert.equal(wakes, 2, 'a woke once (not twice) for its own notify');
      unsubscribe();
    } finally {
      await a.close();
      await b.close();
      await store.close();
    }
  } finally {
    await temp.drop();
  }
});

// The LISTEN connection is re-opened after it is killed, every time, even when reconnect attempts
// fail for a while (it once gave up after the first failed attempt): twice, refuse new connections
// to the database, terminate the listening backend, let attempts fail, then allow connections
// again; another notifier's NOTIFY must reach us each time.
void test('PostgreSQL notifier: LISTEN reconnects after its backend is terminated, repeatedly', async () => {
  const temp = await createTempPgDatabase();
  try {
    const store = await openDatabase({ url: temp.url, maxConnections: 2 });
    const a = pgNotifier(store.db, temp.url);
    const b = pgNotifier(store.db, temp.url);
    const dbName = new URL(temp.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    const listenerPid = async (): Promise<number | undefined> => {
      const { rows } = await sql<{ pid: number }>`
        select pid from pg_stat_activity
        where datname = current_database() and query like 'LISTEN%' and pid <> pg_backend_pid()`.execute(
        store.db,
      );
      return rows[0]?.pid;
    };
    try {
      let wakes = 0;
      const unsubscribe = await a.subscribe(() => wakes++);
      let pid = await listenerPid();
      assert.ok(pid !== undefined, 'a LISTEN backend is visible');
      for (let round = 1; round <= 2; round++) {
        // A database cannot refuse connections to itself: the admin connection does it.
        await admin.query(`alter database "${dbName}" allow_connections false`);
        await sql`select pg_terminate_backend(${pid})`.execute(store.db);
        await sleep(500); // 100 + 200 ms backoff: at least two refused attempts
        await admin.query(`alter database "${dbName}" allow_connections true`);
        // Wait for a new LISTEN backend, then for b's NOTIFY to reach a through it.
        const deadline = Date.now() + 10_000;
        let next = await listenerPid();
        while ((next === undefined || next === pid) && Date.now() < deadline) {
          await sleep(20);
          next = await listenerPid();
        }
        assert.ok(next !== undefined && next !== pid, `round ${round}: a listens again`);
        pid = next;
        await sleep(50); // the reconnect's own wake-up is not the one we test
        wakes = 0;
        while (wakes === 0 && Date.now() < deadline) {
          await b.notify();
          await sleep(50);
        }
        assert.ok(wakes > 0, `round ${round}: b's NOTIFY woke a after the reconnect`);
      }
      unsubscribe();
    } finally {
      await a.close();
      await b.close();
      await admin.end();
      await store.close();
    }
  } finally {
    await temp.drop();
  }
});
