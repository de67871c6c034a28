// A PostgreSQL queue that starts empty and grows must not keep claiming with the plan it made while
// it was small. A connection keeps the generic plan of a prepared statement until the tables'
// statistics change; the plan made for a handful of rows reads the whole jobs table and sorts it on
// every claim. The backend analyses the tables as they grow (pg-statistics.ts), which makes every
// connection replan: these tests hold a statement prepared while a table was small (the claim for
// `jobs`, the completion for `executions`) on their own connection and check the plan it uses
// after the backend's inserts and claims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { withStore } from '../../store/test-helpers/backends.ts';
import { seedTask } from '../../store/test-helpers/fixtures.ts';
import { cteNestedLoops, howRead, withGenericPlan } from '../../store/test-helpers/pg-plan.ts';
import { openQueueBackend } from '../open-backend.ts';
import { claimStatement, completionStatement } from './test-helpers.ts';

const jobsOf = (taskId: number, n: number) => Array.from({ length: n }, (_, i) => ({ taskId, input: { i } }));

/** How many times `table` has been analysed (by anyone), and its size as the statistics know it. */
async function analyses(pool: pg.Pool, table: 'jobs' | 'executions') {
  const { rows } = await pool.query<{ tuples: number; n: number }>(
    `select c.reltuples::float8 as tuples, (s.analyze_count + s.autoanalyze_count)::int as n
     from pg_class c join pg_stat_user_tables s on s.relid = c.oid where c.oid = $1::regclass`,
    [table],
  );
  return rows[0]!;
}

/** Waits (10 s at most) for an analyse of `table` after the `since`-th that saw at least `tuples` rows. */
async function analysedSince(pool: pg.Pool, table: 'jobs' | 'executions', since: number, tuples: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = await analyses(pool, table);
    if (now.n > since && now.tuples >= tuples) return;
    assert.ok(Date.now() < deadline, `${table} not analysed after growing: ${JSON.stringify(now)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

void test('PostgreSQL: a queue growing from empty is analysed as it grows, so claims read the claim index', () =>
  withStore('postgres', async (store) => {
    const { db } = store;
    const pool = store.pgPool!;
    const { taskId } = await seedTask(db, 'grow');
    const backend = openQueueBackend(store);
    await backend.prepare(); // a worker starting on an empty queue: its statistics say "no rows"
    await backend.enqueueMany(jobsOf(taskId, 5));

    // The claim exactly as the backend prepares it.
    const statement = await claimStatement(db, {
      workerId: 'w1',
      limit: 50,
      leaseMs: 30_000,
      now: Date.now(),
    });

    await withGenericPlan(pool, 'claim', statement, async (plan) => {
      const small = await plan();
      // The premise: planned for five rows, the claim reads the table, not the claim index.
      assert.ok(
        howRead(small, 'jobs').includes('Seq Scan'),
        `planned small: ${howRead(small, 'jobs').join(', ')}`,
      );

      // 3,000 jobs enqueued and 1,000 claimed through the backend: past its first threshold.
      const before = (await analyses(pool, 'jobs')).n;
      await backend.enqueueMany(jobsOf(taskId, 3000));
      const claimed = await backend.claim({ workerId: 'w1', limit: 1000, leaseMs: 30_000, now: Date.now() });
      assert.equal(claimed.length, 1000);
      await analysedSince(pool, 'jobs', before, 3000);

      const grown = await plan();
      assert.deepEqual(
        howRead(grown, 'jobs').filter((how) => !how.endsWith('_pkey')),
        ['jobs_claim_idx'],
        `planned after growing: ${howRead(grown, 'jobs').join(', ')}`,
      );
      assert.equal(cteNestedLoops(grown).length, 0, 'no nested loop of one CTE over another');
    });
  }));

void test('PostgreSQL: executions growing from empty are analysed as they grow, so completions look them up by id', () =>
  withStore('postgres', async (store) => {
    const { db } = store;
    const pool = store.pgPool!;
    const { taskId } = await seedTask(db, 'grow-executions');
    const backend = openQueueBackend(store);
    // A backlog queued before any job ran, as a worker starting on it finds it: past the first
    // threshold, so the backend analyses both tables, and knows `executions` as empty.
    const jobsBefore = (await analyses(pool, 'jobs')).n;
    const executionsBefore = (await analyses(pool, 'executions')).n;
    await backend.enqueueMany(jobsOf(taskId, 3000));
    // One ANALYZE, a transaction per table: wait for both.
    await analysedSince(pool, 'jobs', jobsBefore, 3000);
    await analysedSince(pool, 'executions', executionsBefore, 0);
    const first = await backend.claim({ workerId: 'w1', limit: 5, leaseMs: 30_000, now: Date.now() });

    // The completion of those five, exactly as the backend prepares it.
    const statement = await completionStatement(db, first, 'w1');

    await withGenericPlan(pool, 'completion', statement, async (plan) => {
      // The premise: planned while the table held five rows, each execution is found by reading it.
      const small = await plan();
      assert.ok(
        howRead(small, 'executions').includes('Seq Scan'),
        `planned small: ${howRead(small, 'executions').join(', ')}`,
      );

      // 1,000 more attempts claimed through the backend: `executions` has grown past its threshold,
      // though `jobs` (3,000 rows as its statistics know) has not.
      const since = (await analyses(pool, 'executions')).n;
      const more = await backend.claim({ workerId: 'w1', limit: 1000, leaseMs: 30_000, now: Date.now() });
      assert.equal(more.length, 1000);
      await analysedSince(pool, 'executions', since, 1000);

      const grown = await plan();
      assert.deepEqual(
        howRead(grown, 'executions'),
        ['executions_pkey'],
        `planned after growing: ${howRead(grown, 'executions').join(', ')}`,
      );
    });
  }));
