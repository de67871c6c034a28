// `ratchet worker` runs the cron scheduler unless server.workers.run_scheduler is false: a schedule
// firing every second produces jobs that the same worker completes; with the flag off none appear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_MAIN, assertBuilt, cleanEnv } from '../src/cli/test-helpers/cli-process.ts';
import { createTestApp, saveTask } from '../src/workers/test-helpers.ts';
import { createSchedule } from '../src/services/schedules.ts';

async function runWorker(runScheduler: boolean, seconds: number) {
  const t = await createTestApp('sqlite');
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-worker-scheduler-'));
  try {
    await saveTask(t.app, 'tick', 'function main(i) { return { n: i.n }; }');
    const schedule = await createSchedule(t.app, {
      task: 'tick',
      cronExpression: '* * * * * *',
      input: { n: 7 },
    });
    const config = path.join(dir, 'ratchet.yaml');
    await writeFile(
      config,
      [
        'server:',
        '  database:',
        `    url: "${t.url}"`,
        '  workers:',
        '    worker_count: 1',
        `    run_scheduler: ${runScheduler}`,
        '',
      ].join('\n'),
    );
    assertBuilt();
    const child = spawn(process.execPath, [CLI_MAIN, 'worker', '--config', config], { env: cleanEnv() });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const end = Date.now() + 15_000;
    while (!stderr.includes('started:')) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`worker did not start: ${stderr}`);
      await sleep(20);
    }
    await sleep(seconds * 1000);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    const jobs = await t.app.store.db
      .selectFrom('jobs')
      .select(['status', 'schedule_id'])
      .where('schedule_id', '=', schedule.id)
      .execute();
    return { jobs, stderr };
  } finally {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('ratchet worker runs the scheduler by default and completes the jobs it fires', async () => {
  const { jobs, stderr } = await runWorker(true, 3);
  assert.match(stderr, /with the scheduler/);
  assert.ok(jobs.length >= 1, `expected scheduled jobs, got ${jobs.length}: ${stderr}`);
  assert.ok(
    jobs.some((j) => j.status === 'COMPLETED'),
    `no scheduled job completed: ${JSON.stringify(jobs)}`,
  );
});

test('server.workers.run_scheduler: false leaves schedules to other nodes', async () => {
  const { jobs, stderr } = await runWorker(false, 2.5);
  assert.doesNotMatch(stderr, /with the scheduler/);
  assert.equal(jobs.length, 0);
});
