// Two application nodes on one PostgreSQL database, each with its own worker node, advance the same
// runs: every run completes, every step ran exactly once (one job, one execution per step) and
// every run finished exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRatchet, startWorkers } from '../../app.ts';
import { createTempDatabase } from '../../store/test-helpers/temp-db.ts';
import { testConfig, saveTask } from '../../workers/test-helpers.ts';
import { saveWorkflow, startWorkflow } from './index.ts';

const RUNS = 200;

test('two PostgreSQL nodes share 200 diamond runs; each step is done exactly once', async () => {
  const temp = await createTempDatabase('postgres');
  // A long lease: a step run twice because a starved machine let its lease lapse is the queue's
  // at-least-once at work, not what this test is about (the engine queuing a step twice).
  const config = () => testConfig(temp.url, { job_queue: { lease_seconds: 60 } });
  const nodes = [await createRatchet(config()), await createRatchet(config())];
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  try {
    await saveTask(a, 'inc', 'function main(i) { return { n: (i.n ?? 0) + 1 }; }');
    await saveWorkflow(a, {
      file: 'workflow.yaml',
      text: `name: d\nversion: 1.0.0\noutput: steps.join.n\nsteps:\n  - { name: top, task: inc, input: { n: workflow.n } }\n  - { name: l, task: inc, dependencies: [top], input: { n: steps.top.n } }\n  - { name: r, task: inc, dependencies: [top], input: { n: steps.top.n } }\n  - { name: join, task: inc, dependencies: [l, r], input: { n: steps.l.n + steps.r.n } }\n`,
    });
    const workers = [await startWorkers(a, { log: () => {} }), await startWorkers(b, { log: () => {} })];
    try {
      // Started from both nodes.
      await Promise.all(
        Array.from({ length: RUNS }, (_, i) =>
          startWorkflow(i % 2 ? a : b, { workflow: 'd', input: { n: i } }),
        ),
      );
      const db = a.store.db;
      for (let i = 0; i < 3000; i++) {
        const open = await db
          .selectFrom('workflow_runs')
          .select(db.fn.countAll<number>().as('n'))
          .where('status', '!=', 'COMPLETED')
          .executeTakeFirstOrThrow();
        if (Number(open.n) === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const runs = await db.selectFrom('workflow_runs').select(['input', 'output', 'status']).execute();
      assert.equal(runs.length, RUNS);
      for (const r of runs) {
        const n = (JSON.parse(r.input) as { n: number }).n;
        assert.equal(r.status, 'COMPLETED');
        assert.equal(JSON.parse(r.output!), 2 * (n + 2) + 1);
      }
      const jobsPerStep = await db
        .selectFrom('jobs')
        .select(['workflow_step_id', db.fn.countAll<number>().as('n')])
        .where('workflow_step_id', 'is not', null)
        .groupBy('workflow_step_id')
        .execute();
      assert.equal(jobsPerStep.length, RUNS * 4, 'every step has a job');
      assert.deepEqual(new Set(jobsPerStep.map((p) => Number(p.n))), new Set([1]), 'no step queued twice');
      const perStep = await db
        .selectFrom('jobs')
        .innerJoin('executions', 'executions.job_id', 'jobs.id')
        .select(['jobs.workflow_step_id', db.fn.countAll<number>().as('n')])
        .groupBy('jobs.workflow_step_id')
        .execute();
      assert.deepEqual(new Set(perStep.map((p) => Number(p.n))), new Set([1]), 'no step ran twice');
      const finishes = await db
        .selectFrom('workflow_transitions')
        .select(db.fn.countAll<number>().as('n'))
        .where('step_id', 'is', null)
        .where('to_status', '=', 'COMPLETED')
        .executeTakeFirstOrThrow();
      assert.equal(Number(finishes.n), RUNS, 'each run finished once');
      // Both nodes did work.
      const owners = await db.selectFrom('executions').select('worker_id').distinct().execute();
      assert.equal(owners.length, 2);
    } finally {
      for (const w of workers) await w.stop(1000);
    }
  } finally {
    for (const n of nodes) await n.close();
    await temp.drop();
  }
});
