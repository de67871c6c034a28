import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { orderedUuid, orderedUuidSql } from './ordered-uuid.ts';
import { withStore } from './test-helpers/backends.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timeOf = (uuid: string): number => parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16);

void test('orderedUuid: version 7, the time in its head, ordered across milliseconds, unique', () => {
  const now = Date.UTC(2026, 11, 4, 20, 0, 0, 123);
  const ids = Array.from({ length: 10_000 }, () => orderedUuid(now));
  for (const id of ids.slice(0, 50)) {
    assert.match(id, V7);
    assert.equal(timeOf(id), now);
  }
  assert.equal(new Set(ids).size, ids.length);
  const later = orderedUuid(now + 1);
  assert.ok(
    ids.every((id) => id < later),
    'a later millisecond sorts after every earlier id',
  );
  assert.match(orderedUuid(), V7);
  assert.match(orderedUuid(1234.5), V7, 'a fractional clock');
  assert.equal(timeOf(orderedUuid(1234.5)), 1234);
});

void test('orderedUuidSql: PostgreSQL draws a version 7 UUID per row with the given time', async () => {
  await withStore('postgres', async (store) => {
    const now = Date.now();
    const { rows } = await sql<{ u: string }>`
      select ${orderedUuidSql(now)} as u from generate_series(1, 100)`.execute(store.db);
    assert.equal(rows.length, 100);
    assert.equal(new Set(rows.map((r) => r.u)).size, 100);
    for (const { u } of rows) {
      assert.match(u, V7);
      assert.equal(timeOf(u), now);
    }
  });
});
