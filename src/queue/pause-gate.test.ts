// The pause switch as a worker reads it: at most once per maxAgeMs however often asked (no query
// per claim), and peek() answers at once while a stale value is refreshed behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTempDatabase } from '../store/test-helpers/temp-db.ts';
import { openDatabase } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { setQueuePaused } from '../store/repos/queue-state.ts';
import { PauseGate } from './pause-gate.ts';

void test('the pause gate reads the switch at most once per maxAgeMs; peek refreshes behind', async () => {
  const temp = await createTempDatabase('sqlite');
  const store = await openDatabase({ url: temp.url });
  try {
    await migrateToLatest(store);
    let now = 0;
    const gate = new PauseGate(store.db, { maxAgeMs: 500, now: () => now });
    assert.equal(await gate.paused(), false);
    await setQueuePaused(store.db, true, 'ops', Date.now());
    now = 499;
    assert.equal(await gate.paused(), false, 'cached: no read within maxAgeMs');
    assert.equal(gate.peek(), false);
    now = 500;
    assert.equal(gate.peek(), false, 'peek answers the stale value at once...');
    for (let i = 0; i < 100 && !gate.last; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(gate.peek(), true, '...and has refreshed it behind');
    assert.equal(await gate.paused(), true);
  } finally {
    await store.close();
    await temp.drop();
  }
});
