// `ratchet worker` processes (the built CLI) against real databases: a worker killed with SIGKILL
// mid-job loses nothing and nothing completes twice; two workers on PostgreSQL share 1,000 jobs;
// SIGTERM drains and exits 0; the job/execution commands work without a server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_MAIN, assertBuilt, cleanEnv, runCli } from '../src/cli/test-helpers/cli-process.ts';
import { createTestApp, saveTask, type TestApp } from '../src/workers/test-helpers.ts';
import { enqueueJob } from '../src/services/jobs/index.ts';
import { insertJob, getJob } from '../src/store/repos/jobs.ts';
import { getTask } from '../src/store/repos/tasks.ts';
import type { Dialect } from '../src/store/database.ts';

interface WorkerChild {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * `leaseSeconds` 1 lets the crash tests see a dead worker's job reclaimed quickly; tests that
 * count executions take a long lease, since on a starved machine a 1 s lease can lapse before its
 * renewal and the job then rightly runs again (at-least-once).
 */
async function setup(
  dialect: Dialect,
  leaseSeconds = 1,
): Promise<{ t: TestApp; dir: string; config: string }> {
  const t = await createTestApp(dialect);
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-workers-'));
  const config = path.join(dir, 'ratchet.yaml');
  await writeFile(
    config,
    [
      'server:',
      '  database:',
      `    url: "${t.url}"`,
      '  job_queue:',
      `    lease_seconds: ${leaseSeconds}`,
      '    poll_interval_ms: 100',
      '  workers:',
      '    worker_count: 2',
      '    shutdown_grace_seconds: 5',
      '',
    ].join('\n'),
  );
  return { t, dir, config };
}

async function startWorker(config: string, id: string): Promise<WorkerChild> {
  assertBuilt();
  const child = spawn(process.execPath, [CLI_MAIN, 'worker', '--config', config, '--id', id], {
    env: cleanEnv(),
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const end = Date.now() + 15_000;
  while (!stderr.includes('started:')) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`worker ${id} did not start: ${stderr}`);
    await sleep(20);
  }
  return { child, stderr: () => stderr, exited };
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`a worker killed with SIGKILL mid-job: the job completes later, once, nothing lost [${dialect}]`, async () => {
    const { t, dir, config } = await setup(dialect);
    const workers: WorkerChild[] = [];
    try {
      await saveTask(
        t.app,
        'slow',
        'function main(i) { const end = Date.now() + 1500; while (Date.now() < end) {} return { n: i.n }; }',
      );
      await saveTask(t.app, 'quick', 'function main(i) { return { n: i.n }; }');
      const slow = (await enqueueJob(t.app, { task: 'slow', input: { n: 0 } })).job;
      const a = await startWorker(config, 'victim');
      workers.push(a);
      await until('the slow job to start on the victim', async () => {
        const j = await getJob(t.app.store.db, slow.id);
        return j?.status === 'PROCESSING' && j.leaseOwner === 'victim';
      });
      a.child.kill('SIGKILL');
      await a.exited;
      const quick = [];
      for (let n = 1; n <= 20; n++)
        quick.push((await enqueueJob(t.app, { task: 'quick', input: { n } })).job);
      workers.push(await startWorker(config, 'rescuer'));
      const done = await until('the slow job to complete', async () => {
        const j = await getJob(t.app.store.db, slow.id);
        return j?.status === 'COMPLETED' ? j : undefined;
      });
      assert.equal(done.attempts, 2);
      const execs = await t.app.store.db
        .selectFrom('executions')
        .selectAll()
        .where('job_id', '=', slow.id)
        .orderBy('attempt')
        .execute();
      assert.deepEqual(
        execs.map((e) => [e.attempt, e.status, e.worker_id]),
        [
          [1, 'FAILED', 'victim'],
          [2, 'COMPLETED', 'rescuer'],
        ],
      );
      assert.match(execs[0]!.error!, /WorkerLost/);
      for (const q of quick)
        await until(`job ${q.id}`, async () => (await getJob(t.app.store.db, q.id))?.status === 'COMPLETED');
      const completed = await t.app.store.db
        .selectFrom('executions')
        .select('job_id')
        .where('status', '=', 'COMPLETED')
        .execute();
      assert.equal(completed.length, 21, 'one completed execution per job');
      assert.equal(new Set(completed.map((c) => c.job_id)).size, 21);
      // Graceful stop: SIGTERM exits 0 and the worker row goes OFFLINE.
      workers[1]!.child.kill('SIGTERM');
      assert.equal(await workers[1]!.exited, 0);
      const rows = await t.app.store.db
        .selectFrom('workers')
        .select(['id', 'status'])
        .orderBy('id')
        .execute();
      assert.deepEqual(rows.find((r) => r.id === 'rescuer')?.status, 'OFFLINE');
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('two worker processes on PostgreSQL share 1,000 jobs, each done once', async () => {
  const { t, dir, config } = await setup('postgres', 60);
  const workers: WorkerChild[] = [];
  try {
    await saveTask(t.app, 'noop', 'function main(i) { return i; }');
    workers.push(await startWorker(config, 'w-a'), await startWorker(config, 'w-b'));
    const task = (await getTask(t.app.store.db, 'noop'))!;
    for (let i = 0; i < 1000; i++) await insertJob(t.app.store.db, { taskId: task.id, input: { i } });
    await t.app.queue.notifier.notify();
    await until(
      'all jobs to complete',
      async () => {
        const row = await t.app.store.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'COMPLETED')
          .executeTakeFirstOrThrow();
        return Number(row.n) === 1000;
      },
      60_000,
    );
    const execs = await t.app.store.db
      .selectFrom('executions')
      .select(['job_id', 'worker_id', 'status'])
      .execute();
    assert.equal(execs.length, 1000, 'one execution per job');
    assert.equal(new Set(execs.map((e) => e.job_id)).size, 1000);
    assert.ok(execs.every((e) => e.status === 'COMPLETED'));
    const byWorker = new Set(execs.map((e) => e.worker_id));
    assert.deepEqual([...byWorker].sort(), ['w-a', 'w-b'], 'both workers took part');
    for (const w of workers) w.child.kill('SIGTERM');
    for (const w of workers) assert.equal(await w.exited, 0);
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('job and execution commands against the store, with a worker process', async () => {
  const { t, dir, config } = await setup('sqlite');
  let worker: WorkerChild | undefined;
  const cli = (...args: string[]) => runCli([...args, '--config', config], { cwd: dir });
  try {
    await saveTask(
      t.app,
      'greet',
      'function main(i) { console.log("hello " + i.name); return { msg: "hi " + i.name }; }',
      {},
      {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string' } },
      },
    );
    const bad = await cli('job', 'enqueue', 'greet', '--input-json', '{"name": 3}');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /\$\.name must be string/);
    const queued = await cli(
      'job',
      'enqueue',
      'greet',
      '--input-json',
      '{"name":"a"}',
      '--priority',
      'low',
      '--delay',
      '1h',
    );
    assert.equal(queued.code, 0, queued.stderr);
    const id = queued.stdout.trim();
    assert.match(id, /^[0-9]+$/);
    const again = await cli(
      'job',
      'enqueue',
      'greet',
      '--input-json',
      '{"name":"b"}',
      '--idempotency-key',
      'k1',
      '--json',
    );
    const twice = await cli(
      'job',
      'enqueue',
      'greet',
      '--input-json',
      '{"name":"b"}',
      '--idempotency-key',
      'k1',
      '--json',
    );
    assert.equal(
      (JSON.parse(again.stdout) as { id: number }).id,
      (JSON.parse(twice.stdout) as { id: number }).id,
    );
    const cancelled = await cli('job', 'cancel', id);
    assert.equal(cancelled.stdout.trim(), `job ${id} cancelled`);
    assert.equal((await cli('job', 'cancel', id)).code, 1);
    const retried = await cli('job', 'retry', id, '--json');
    assert.equal((JSON.parse(retried.stdout) as { status: string }).status, 'QUEUED');
    const list = await cli('job', 'list', '--status', 'queued', '--task', 'greet', '--json');
    assert.equal((JSON.parse(list.stdout) as unknown[]).length, 2);
    const table = await cli('job', 'list', '--status', 'queued');
    assert.match(table.stdout, /^\d+\s+QUEUED\s+greet\s+NORMAL/m, 'the table names the task');
    worker = await startWorker(config, 'cli-worker');
    const waited = await cli('job', 'enqueue', 'greet', '--input-json', '{"name":"c"}', '--wait');
    assert.equal(waited.code, 0, waited.stderr);
    assert.deepEqual(JSON.parse(waited.stdout), { msg: 'hi c' });
    const execs = JSON.parse((await cli('execution', 'list', '--status', 'COMPLETED', '--json')).stdout) as {
      id: number;
    }[];
    assert.ok(execs.length >= 1);
    // The table names the task (it showed the numeric task id where `job list` showed the name).
    const execTable = (await cli('execution', 'list', '--status', 'COMPLETED')).stdout;
    assert.match(execTable, /^ID +STATUS +JOBID +TASK +ATTEMPT/m);
    assert.match(execTable, new RegExp(`^${execs[0]!.id} +COMPLETED +\\d+ +greet +1 `, 'm'));
    const logs = await cli('execution', 'logs', String(execs[0]!.id));
    assert.match(logs.stdout, /LOG +hello /);
    const shown = JSON.parse((await cli('execution', 'show', String(execs[0]!.id))).stdout) as {
      status: string;
      workerId: string;
    };
    assert.equal(shown.workerId, 'cli-worker');
    worker.child.kill('SIGINT');
    assert.equal(await worker.exited, 0);
  } finally {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
});
