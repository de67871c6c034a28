// writeOnly inputs through the queue on both databases: the stored job and execution inputs are
// masked while the task runs the real value, on every claim path (PostgreSQL's direct dispatch of
// a due job to the idle worker: the test fails if that insert drops secret_input; the claim loop
// for a delayed one), and a FAILED job retried by hand after a new
// version was saved still gets the real value; completion drops the kept copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startWorkers, type Ratchet } from '../app.ts';
import { enqueueJob } from '../services/jobs/index.ts';
import { retryJob } from '../services/jobs/index.ts';
import { getJob } from '../store/repos/jobs.ts';
import { listExecutions, getExecution } from '../store/repos/executions.ts';
import type { JobStatus } from '../store/schema.ts';
import { createTestApp, saveTask } from './test-helpers.ts';

const SECRET = 'pw-SECRET-4711';
const SCHEMA = {
  type: 'object',
  required: ['password'],
  properties: { password: { type: 'string', writeOnly: true }, n: { type: 'number' } },
};

async function waitFor(app: Ratchet, id: number, statuses: JobStatus[], ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const job = (await getJob(app.store.db, id))!;
    if (statuses.includes(job.status)) return job;
    if (Date.now() > end) throw new Error(`job ${id} still ${job.status} after ${ms} ms`);
    await sleep(10);
  }
}

async function secretColumn(app: Ratchet, id: number): Promise<string | null> {
  const row = await app.store.db
    .selectFrom('jobs')
    .select('secret_input')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.secret_input;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`writeOnly input: stored masked, run real, kept for a retry, dropped on completion [${dialect}]`, async () => {
    const t = await createTestApp(dialect);
    const node = await startWorkers(t.app, { log: () => {} });
    try {
      await saveTask(
        t.app,
        'vault',
        'function main(i) { console.log("using " + i.password); throw new DataError("v1 refuses " + i.password); }',
        {},
        SCHEMA,
      );
      const { job } = await enqueueJob(t.app, {
        task: 'vault',
        input: { password: SECRET, n: 1 },
        maxRetries: 0,
      });
      assert.deepEqual(job.input, { password: '********', n: 1 });
      const failed = await waitFor(t.app, job.id, ['FAILED', 'COMPLETED']);
      assert.equal(failed.status, 'FAILED');
      assert.ok(!JSON.stringify(failed).includes(SECRET), JSON.stringify(failed));
      assert.ok((await secretColumn(t.app, job.id))?.includes(SECRET), 'kept while the job can be retried');
      const [first] = (
        await listExecutions(t.app.store.db, { filters: [{ field: 'jobId', op: 'eq', value: job.id }] })
      ).rows;
      const stored = (await getExecution(t.app.store.db, first!.id))!;
      assert.deepEqual(stored.input, { password: '********', n: 1 });
      // The task did see the real value: it is in what it logged and threw, scrubbed on the way out.
      assert.deepEqual(
        stored.logs?.map((l) => (l as { message: string }).message),
        ['using [REDACTED]'],
      );
      assert.equal((stored.error as { message: string }).message, 'v1 refuses [REDACTED]');

      // A fixed version, then a manual retry of the unpinned job: it runs with the real value.
      await saveTask(
        t.app,
        'vault',
        'function main(i) { return { len: i.password.length, n: i.n }; }',
        { version: '1.0.1' },
        SCHEMA,
      );
      await retryJob(t.app, job.id);
      const done = await waitFor(t.app, job.id, ['COMPLETED', 'FAILED']);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done.lastError));
      const runs = (
        await listExecutions(t.app.store.db, { filters: [{ field: 'jobId', op: 'eq', value: job.id }] })
      ).rows;
      const last = (await getExecution(t.app.store.db, Math.max(...runs.map((r) => r.id))))!;
      assert.deepEqual(last.output, { len: SECRET.length, n: 1 });
      assert.equal(await secretColumn(t.app, job.id), null, 'dropped once the job completed');

      // A delayed job goes through the claim loop rather than direct dispatch.
      const later = (
        await enqueueJob(t.app, { task: 'vault', input: { password: SECRET, n: 2 }, delayMs: 50 })
      ).job;
      const laterDone = await waitFor(t.app, later.id, ['COMPLETED', 'FAILED']);
      assert.equal(laterDone.status, 'COMPLETED');
      assert.deepEqual(laterDone.input, { password: '********', n: 2 });
    } finally {
      await node.stop(1000);
      await t.close();
    }
  });
}
