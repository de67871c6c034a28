// A `ratchet worker` process (the built CLI) is killed with SIGKILL while it runs a workflow step:
// the lease expires, the reclaim gives the step's job up and, in the same transaction, the engine
// queues a new attempt (a lost worker is not the task's fault); a second worker finishes the run.
// Nothing is lost and no step completes twice. Then the same for a worker killed while it advances
// a run (PostgreSQL, where the test can hold the run's row lock so the kill lands inside the
// result transaction; on SQLite that transaction is one local commit, atomic by itself).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_MAIN, assertBuilt, cleanEnv } from '../src/cli/test-helpers/cli-process.ts';
import { createTestApp, saveTask } from '../src/workers/test-helpers.ts';
import { runStatus, runTransitions, saveWorkflow, startWorkflow } from '../src/services/workflows/index.ts';
import pg from 'pg';
import { sql } from 'kysely';

/** The run's status once it is COMPLETED or FAILED (or after 30 s). */
async function runEnded(app: Parameters<typeof runStatus>[0], uuid: string) {
  let status = await runStatus(app, uuid);
  for (let i = 0; i < 1500 && status.run.status !== 'COMPLETED' && status.run.status !== 'FAILED'; i++) {
    await sleep(20);
    status = await runStatus(app, uuid);
  }
  return status;
}

function startWorker(config: string, id: string): Promise<ChildProcess> {
  assertBuilt();
  const child = spawn(process.execPath, [CLI_MAIN, 'worker', '--config', config, '--id', id], {
    env: cleanEnv(),
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.resume();
  return (async () => {
    const end = Date.now() + 15_000;
    while (!stderr.includes('started:')) {
      if (Date.now() > end || child.exitCode !== null)
        throw new Error(`worker ${id} did not start: ${stderr}`);
      await sleep(20);
    }
    return child;
  })();
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`SIGKILL of a worker mid-step: the step runs again elsewhere and the run completes [${dialect}]`, async () => {
    const t = await createTestApp(dialect);
    const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-wf-kill-'));
    const children: ChildProcess[] = [];
    try {
      const config = path.join(dir, 'ratchet.yaml');
      await writeFile(
        config,
        `server:\n  database:\n    url: "${t.url}"\n  job_queue:\n    lease_seconds: 1\n    poll_interval_ms: 100\n  workers:\n    worker_count: 1\n`,
      );
      await saveTask(t.app, 'inc', 'function main(i) { return { n: (i.n ?? 0) + 1 }; }');
      await saveTask(
        t.app,
        'slow',
        'async function main(i) { await new Promise((r) => setTimeout(r, 1500)); return { n: i.n * 10 }; }',
        {
          timeout: 30000,
        },
      );
      await saveWorkflow(t.app, {
        file: 'workflow.yaml',
        text: `name: k\nversion: 1.0.0\nsteps:\n  - { name: a, task: inc, input: { n: workflow.n } }\n  - { name: b, task: slow, dependencies: [a], input: { n: steps.a.n } }\n  - { name: c, task: inc, dependencies: [b], input: { n: steps.b.n } }\n`,
      });
      const first = await startWorker(config, 'doomed');
      children.push(first);
      const run = await startWorkflow(t.app, { workflow: 'k', input: { n: 1 } });
      // Until step b's job is running in the doomed worker.
      for (let i = 0; ; i++) {
        const jobId = (await runStatus(t.app, run.uuid)).steps[1]!.jobId;
        const job =
          jobId === null
            ? undefined
            : await t.app.store.db
                .selectFrom('jobs')
                .select(['status', 'lease_owner'])
                .where('id', '=', jobId)
                .executeTakeFirst();
        if (job?.status === 'PROCESSING' && job.lease_owner === 'doomed') break;
        assert.ok(i < 1500, 'step b never started');
        await sleep(10);
      }
      first.kill('SIGKILL');
      children.push(await startWorker(config, 'survivor'));
      const status = await runEnded(t.app, run.uuid);
      assert.equal(status.run.status, 'COMPLETED');
      assert.deepEqual(status.run.output, { c: { n: 21 } });
      assert.deepEqual(
        status.steps.map((s) => [s.name, s.attempts]),
        [
          ['a', 1],
          ['b', 2],
          ['c', 1],
        ],
      );
      const b = (await runTransitions(t.app, run.uuid)).filter((x) => x.step === 'b');
      assert.match(b.find((x) => x.to === 'WAITING_FOR_RETRY')!.reason, /WorkerLost/);
      assert.equal(b.filter((x) => x.to === 'COMPLETED').length, 1, 'b completed once');
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      await t.close();
    }
  });
}

test('SIGKILL of a worker while it advances a run: the result and the advance vanish together, the run still completes once [postgres]', async () => {
  const t = await createTestApp('postgres');
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-wf-kill-advance-'));
  const children: ChildProcess[] = [];
  const holder = new pg.Client({ connectionString: t.url });
  await holder.connect();
  try {
    const config = path.join(dir, 'ratchet.yaml');
    await writeFile(
      config,
      `server:\n  database:\n    url: "${t.url}"\n  job_queue:\n    lease_seconds: 1\n    poll_interval_ms: 100\n  workers:\n    worker_count: 1\n`,
    );
    await saveTask(t.app, 'inc', 'function main(i) { return { n: (i.n ?? 0) + 1 }; }');
    await saveWorkflow(t.app, {
      file: 'workflow.yaml',
      text: `name: adv\nversion: 1.0.0\nsteps:\n  - { name: a, task: inc, input: { n: workflow.n } }\n  - { name: b, task: inc, dependencies: [a], input: { n: steps.a.n } }\n`,
    });
    const run = await startWorkflow(t.app, { workflow: 'adv', input: { n: 1 } });
    // The test holds the run's row: the worker's advance (inside its result transaction) waits.
    await holder.query('begin');
    await holder.query('select id from workflow_runs where id = $1 for update', [run.id]);
    const doomed = await startWorker(config, 'doomed');
    children.push(doomed);
    for (let i = 0; ; i++) {
      // Asked outside the holder's transaction, which would see one frozen snapshot of the view.
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where wait_event_type = 'Lock' and query like '%workflow_runs%'`.execute(t.app.store.db);
      if (rows[0]!.n > 0) break;
      assert.ok(i < 1500, 'the worker never reached the advance');
      await sleep(10);
    }
    doomed.kill('SIGKILL');
    await new Promise((r) => doomed.once('exit', r));
    await holder.query('rollback');
    // Nothing of that transaction is left: step a's job is still running as far as the store knows.
    const a = (await runStatus(t.app, run.uuid)).steps[0]!;
    assert.equal(a.status, 'ENQUEUED');
    children.push(await startWorker(config, 'survivor'));
    const status = await runEnded(t.app, run.uuid);
    assert.equal(status.run.status, 'COMPLETED');
    assert.deepEqual(status.run.output, { b: { n: 3 } });
    const transitions = await runTransitions(t.app, run.uuid);
    for (const step of ['a', 'b'])
      assert.equal(
        transitions.filter((x) => x.step === step && x.to === 'COMPLETED').length,
        1,
        `${step} completed once`,
      );
    assert.equal(
      transitions.filter((x) => x.step === null && x.to === 'COMPLETED').length,
      1,
      'the run finished once',
    );
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await holder.end().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    await t.close();
  }
});
