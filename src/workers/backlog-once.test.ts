// A backlog worked through with every thread busy and results written in batches: each job runs
// once, with one execution and one finished event, on both backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkers } from '../app.ts';
import { insertJob } from '../store/repos/jobs.ts';
import { getTask } from '../store/repos/tasks.ts';
import { createTestApp, saveTask } from './test-helpers.ts';

const JOBS = 400;

for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(`${dialect}: a backlog of ${JOBS} jobs, every job runs once`, async () => {
    const t = await createTestApp(dialect, { workers: { worker_count: 2 } });
    try {
      await saveTask(t.app, 'echo', 'function main(i) { return { j: i.j }; }');
      const task = (await getTask(t.app.store.db, 'echo'))!;
      await t.app.store.db.transaction().execute(async (trx) => {
        for (let j = 0; j < JOBS; j++) await insertJob(trx, { taskId: task.id, input: { j } });
      });
      const seen = new Map<number, number>();
      let resolveAll!: () => void;
      const all = new Promise<void>((resolve) => (resolveAll = resolve));
      t.app.jobEvents.on((e) => {
        seen.set(e.job.id, (seen.get(e.job.id) ?? 0) + 1);
        assert.equal(e.status, 'COMPLETED');
        if (seen.size === JOBS) resolveAll();
      });
      const node = await startWorkers(t.app, { log: () => {} });
      try {
        await all;
      } finally {
        await node.stop(1000);
      }
      assert.ok(
        [...seen.values()].every((n) => n === 1),
        'one finished event per job',
      );
      const { rows } = await t.app.store.db
        .selectFrom('executions')
        .select((eb) => [
          eb.fn.countAll<number>().as('n'),
          eb.fn.count<number>('job_id').distinct().as('jobs'),
        ])
        .where('status', '=', 'COMPLETED')
        .execute()
        .then((r) => ({ rows: r }));
      assert.equal(Number(rows[0]!.n), JOBS);
      assert.equal(Number(rows[0]!.jobs), JOBS);
    } finally {
      await t.close();
    }
  });
}
