// A PostgreSQL queue that starts empty and grows must not keep claiming with the plan it made while
// it was small. A connection keeps the generic plan of a prepared statement until the tables'
// statistics change; the plan made for a handful of rows reads the whole jobs table and sorts it on
// every claim. The backend analyses the tables as they grow (pg-statistics.ts), which makes every
// connection replan: this test holds a statement prepared while the table was small on its own
// connection and checks the plan it uses after the backend's inserts and claims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompiledQuery } from 'kysely';
import { withStore } from '../../store/test-helpers/backends.ts';
import { seedTask } from '../../store/test-helpers/fixtures.ts';
import { cteNestedLoops, explainExecute } from '../../store/test-helpers/pg-plan.ts';
import { openQueueBackend } from '../open-backend.ts';
import { claimInOneStatement } from './pg-claim.ts';

const jobsOf = (taskId: number, n: number) => Array.from({ length: n }, (_, i) => ({ taskId, input: { i } }));

void test('PostgreSQL: a queue growing from empty is analysed as it grows, so claims read the claim index', () =>
  withStore('postgres', async (store) => {
    const { db } = store;
    const pool = store.pgPool!;
    const { taskId } = await seedTask(db, 'grow');
    const backend = openQueueBackend(store);
    await backend.prepare(); // a worker starting on an empty queue: its statistics say "no rows"
    await backend.enqueueMany(jobsOf(taskId, 5));

    // The claim exactly as the backend prepares it.
    let statement: CompiledQuery | undefined;
    const capture = async <R>(_name: string, query: CompiledQuery<R>): Promise<R[]> => {
      statement = query;
      return [];
    };
    await claimInOneStatement(db, capture, { workerId: 'w1', limit: 50, leaseMs: 30_000, now: Date.now() });
    assert.ok(statement);

    const client = await pool.connect();
    try {
      await client.query('set plan_cache_mode = force_generic_plan');
      await client.query(`prepare claim as ${statement.sql}`);
      const small = await explainExecute(client, 'claim', statement.parameters);
      const readsJobs = (nodes: typeof small) =>
        nodes
          .filter((n) => n['Relation Name'] === 'jobs' && n['Node Type'] !== 'ModifyTable')
          .map((n) => n['Index Name'] ?? n['Node Type']);
      // The premise: planned for five rows, the claim reads the table, not the claim index.
      assert.ok(readsJobs(small).includes('Seq Scan'), `planned small: ${readsJobs(small).join(', ')}`);

      // 3,000 jobs enqueued and 1,000 claimed through the backend: past its first threshold.
      const version = await pool.query<{ n: number }>(
        `select coalesce(analyze_count + autoanalyze_count, 0)::int as n from pg_stat_user_tables where relname = 'jobs'`,
      );
      await backend.enqueueMany(jobsOf(taskId, 3000));
      const claimed = await backend.claim({ workerId: 'w1', limit: 1000, leaseMs: 30_000, now: Date.now() });
      assert.equal(claimed.length, 1000);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows } = await pool.query<{ tuples: number; n: number }>(
          `select c.reltuples::float8 as tuples, (s.analyze_count + s.autoanalyze_count)::int as n
           from pg_class c join pg_stat_user_tables s on s.relid = c.oid where c.oid = 'jobs'::regclass`,
        );
        if (rows[0]!.n > version.rows[0]!.n && rows[0]!.tuples >= 3000) break;
        assert.ok(Date.now() < deadline, `jobs not analysed after growing: ${JSON.stringify(rows[0])}`);
        await new Promise((r) => setTimeout(r, 50));
      }

      const grown = await explainExecute(client, 'claim', statement.parameters);
      assert.deepEqual(
        readsJobs(grown).filter((how) => !how.endsWith('_pkey')),
        ['jobs_claim_idx'],
        `planned after growing: ${readsJobs(grown).join(', ')}`,
      );
      assert.equal(cteNestedLoops(grown).length, 0, 'no nested loop of one CTE over another');
    } finally {
      await client.query('deallocate all').catch(() => {});
      client.release();
    }
  }));
