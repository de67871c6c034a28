// The plan PostgreSQL reuses for the prepared completion statement (a generic plan: the batch's
// size is unknown to it) must stay linear in the batch whatever the statistics say. Statistics
// gathered while every job was QUEUED say no job is PROCESSING and no execution RUNNING; with them
// the earlier statement scanned the status indexes for each row of the batch and joined its two
// CTEs in a nested loop, which took seconds per batch from a backlog of thousands of jobs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withStore } from '../../store/test-helpers/backends.ts';
import { seedTask } from '../../store/test-helpers/fixtures.ts';
import { insertJob } from '../../store/repos/jobs.ts';
import { openQueueBackend } from '../open-backend.ts';
import { completionStatement } from './test-helpers.ts';
import { cteNestedLoops, withGenericPlan } from '../../store/test-helpers/pg-plan.ts';

void test('PostgreSQL: the completion generic plan looks rows up by id, even with idle-queue statistics', () =>
  withStore('postgres', async (store) => {
    const { db } = store;
    const { taskId } = await seedTask(db, 'plan');
    for (let i = 0; i < 300; i++) await insertJob(db, { taskId, input: { i } });
    await store.pgPool!.query('analyze jobs; analyze executions');
    const claimed = await openQueueBackend(store).claim({
      workerId: 'w1',
      limit: 300,
      leaseMs: 30_000,
      now: Date.now(),
    });
    assert.equal(claimed.length, 300);

    // The statement exactly as the backend prepares it, for two of the results.
    const statement = await completionStatement(db, claimed.slice(0, 2), 'w1');

    await withGenericPlan(store.pgPool!, 'completion', statement, async (plan) => {
      const all = await plan();
      const indexes = all.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : []));
      assert.deepEqual(
        indexes.filter((name) => !name.endsWith('_pkey')),
        [],
        `only primary keys may be used: ${indexes.join(', ')}`,
      );
      const quadratic = cteNestedLoops(all);
      assert.equal(quadratic.length, 0, 'no nested loop of one CTE over another');
    });
  }));
