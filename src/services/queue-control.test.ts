// `job pause` stops claiming on every node sharing the store (two applications on one database,
// each with its own workers), `job resume` restarts it; `job clear` deletes finished jobs only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRatchet, startWorkers } from '../app.ts';
import { enqueueJob, getJobRecord } from './jobs/index.ts';
import { clearJobs, pauseQueue, queueState, resumeQueue } from './queue-control.ts';
import { createTestApp, saveTask, testConfig } from '../workers/test-helpers.ts';
import { PAUSE_READ_MS } from '../queue/pause-gate.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, fn: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(`pause and resume claiming across nodes; clear finished jobs [${dialect}]`, async () => {
    const t = await createTestApp(dialect);
    const other = await createRatchet(testConfig(t.url));
    const nodes = [
      await startWorkers(t.app, { log: () => {} }),
      await startWorkers(other, { log: () => {} }),
    ];
    try {
      await saveTask(t.app, 'one', 'function main(i) { return { n: i.n }; }');
      const paused = await pauseQueue(t.app, 'ops');
      assert.deepEqual([paused.paused, paused.changed, paused.changedBy], [true, true, 'ops']);
      assert.equal((await pauseQueue(other, 'ops')).changed, false, 'already paused');
      assert.equal((await queueState(other)).paused, true, 'every node reads the same switch');
      await sleep(PAUSE_READ_MS + 250);
      const claims = nodes.map((n) => n.queue.claims);
      const ids: number[] = [];
      for (let n = 0; n < 4; n++) ids.push((await enqueueJob(other, { task: 'one', input: { n } })).job.id);
      await sleep(PAUSE_READ_MS + 300);
      for (const id of ids) assert.equal((await getJobRecord(t.app, id)).status, 'QUEUED');
      assert.deepEqual(
        nodes.map((n) => n.queue.claims),
        claims,
        'no node claimed (nor asked the queue) while paused',
      );

      const resumed = await resumeQueue(other, 'ops');
      assert.deepEqual([resumed.paused, resumed.changed], [false, true]);
      await until('the queued jobs to complete after resume', async () => {
        const jobs = await Promise.all(ids.map((id) => getJobRecord(t.app, id)));
        return jobs.every((j) => j.status === 'COMPLETED');
      });

      await assert.rejects(clearJobs(t.app, { status: 'queued' }), /QUEUED jobs are not finished/);
      await assert.rejects(clearJobs(t.app, { status: 'nope' }), /status "nope" is not one of/);
      await assert.rejects(clearJobs(t.app, { olderThan: '3 fortnights' }), /olderThan .* not a duration/);
      assert.equal((await clearJobs(t.app, { olderThan: '1d' })).removed, 0, 'none finished a day ago');
      assert.equal((await clearJobs(t.app, { status: 'failed' })).removed, 0);
      const cleared = await clearJobs(t.app);
      assert.deepEqual([cleared.status, cleared.removed], ['COMPLETED', 4]);
      await assert.rejects(getJobRecord(t.app, ids[0]!), /not found|no job/i);
    } finally {
      for (const n of nodes) await n.stop(1000);
      await other.close();
      await t.close();
    }
  });
}
