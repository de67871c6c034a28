// The PostgreSQL notifier: NOTIFY from another notifier wakes subscribers; a notifier's own NOTIFY
// does not wake its subscribers a second time (they were woken directly).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTempPgDatabase } from '../store/test-helpers/temp-db.ts';
import { openDatabase } from '../store/database.ts';
import { createNotifier } from './notifier.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

void test('PostgreSQL notifier: other notifiers wake us; our own NOTIFY wakes us only once', async () => {
  const temp = await createTempPgDatabase();
  try {
    const store = await openDatabase({ url: temp.url, maxConnections: 2 });
    const a = createNotifier(store, { url: temp.url });
    const b = createNotifier(store, { url: temp.url });
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
