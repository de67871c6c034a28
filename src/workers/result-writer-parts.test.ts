// The results of workflow steps of different runs are written in transactions of their own, side
// by side (result-parts.ts), each step's job completed in the transaction that
// advances its run. A real PostgreSQL application (its workflow hook registered by the composition
// root), real runs claimed through the queue backend, and the rows' xmin (the transaction that last
// wrote each row) to tell the transactions apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { saveWorkflow, startWorkflow } from '../services/workflows/index.ts';
import { enqueueJob } from '../services/jobs/index.ts';
import { systemClock } from '../queue/clock.ts';
import { createTestApp, saveTask } from './test-helpers.ts';
import { ResultWriter, type PendingResult } from './result-writer.ts';
import { parallelWritesFor } from './result-parts.ts';
import type { ClaimedJob } from '../queue/claim-jobs.ts';

const ONE_STEP = 'name: one\nversion: 1.0.0\nsteps:\n  - { name: only, task: echo }\n';

function completed(c: ClaimedJob): PendingResult {
  return {
    maxRetries: 0,
    workflowStepId: c.job.workflowStepId,
    result: {
      jobId: c.job.id,
      attempt: c.job.attempts,
      executionId: c.executionId,
      workerId: 'w1',
      status: 'COMPLETED',
      output: { n: c.job.id },
      finishedAt: Date.now(),
    },
  };
}

void test('step results of 8 runs are written in 4 transactions, each job with its own run, beside 2 plain results [postgres]', async () => {
  const t = await createTestApp('postgres');
  try {
    const { app } = t;
    // The default pool of 10 connections allows four transactions at once.
    assert.equal(parallelWritesFor(app.store), 4);
    await saveTask(app, 'echo', 'function main(i) { return i; }');
    await saveWorkflow(app, { file: 'workflow.yaml', text: ONE_STEP });
    const runIds: number[] = [];
    for (let i = 0; i < 8; i++) runIds.push((await startWorkflow(app, { workflow: 'one', input: { i } })).id);
    // Two jobs of no workflow in the same batch: a part of their own.
    for (let i = 0; i < 2; i++) await enqueueJob(app, { task: 'echo', input: { plain: i } });
    const claimed = await app.queue.claim({ workerId: 'w1', limit: 10, leaseMs: 30_000, now: Date.now() });
    assert.equal(claimed.length, 10);

    const reported: number[] = [];
    const writer = new ResultWriter(app.store, app.queue, {
      policy: { baseDelayMs: 1000, maxDelayMs: 60_000 },
      clock: systemClock,
      parallelWrites: parallelWritesFor(app.store),
      maxBatch: 10,
      delayMs: 60_000,
      onWritten: (written) => reported.push(...written.map((w) => w.finished!.job.id)),
    });
    for (const c of claimed) writer.push(completed(c));
    await writer.flush();

    // Every result reported once (the plain jobs' too), every run advanced to its end.
    assert.deepEqual(
      reported.sort((a, b) => a - b),
      claimed.map((c) => c.job.id).sort((a, b) => a - b),
    );
    const { rows } = await sql<{ run: number; status: string; run_tx: string; job_tx: string }>`
      select r.id as run, r.status, r.xmin::text as run_tx, j.xmin::text as job_tx
      from workflow_runs r join workflow_steps s on s.run_id = r.id join jobs j on j.id = s.job_id
      where r.id = any(${runIds})`.execute(app.store.db);
    assert.equal(rows.length, 8);
    for (const r of rows) {
      assert.equal(r.status, 'COMPLETED', `run ${r.run}`);
      // The job's completion and its run's advance committed together.
      assert.equal(r.job_tx, r.run_tx, `run ${r.run}: its job and the run were written apart`);
    }
    // One transaction per part (the old single transaction gave one).
    assert.equal(new Set(rows.map((r) => r.run_tx)).size, 4);
  } finally {
    await t.close();
  }
});

void test('SQLite writes a batch in one transaction (one connection)', async () => {
  const t = await createTestApp('sqlite');
  try {
    assert.equal(parallelWritesFor(t.app.store), 1);
  } finally {
    await t.close();
  }
});
