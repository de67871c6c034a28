// `ratchet worker` (the built CLI) with a job stuck inside a QuickJS builtin that the sandbox's
// interrupt never reaches: SIGTERM does not wait for it. After the grace period the run is
// interrupted, the watchdog ends its thread, the job goes back to the queue and the process exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_MAIN, assertBuilt, cleanEnv } from '../src/cli/test-helpers/cli-process.ts';
import { createTestApp, saveTask } from '../src/workers/test-helpers.ts';
import { enqueueJob } from '../src/services/jobs/index.ts';
import { getJob } from '../src/store/repos/jobs.ts';

test('SIGTERM of a worker whose job spins in a builtin: the job is handed back, exit 0', async () => {
  assertBuilt();
  const t = await createTestApp('sqlite');
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-worker-deadlines-'));
  const config = path.join(dir, 'ratchet.yaml');
  await writeFile(
    config,
    ['server:', '  database:', `    url: "${t.url}"`, '  workers:', '    shutdown_grace_seconds: 1', ''].join(
      '\n',
    ),
  );
  const child = spawn(process.execPath, [CLI_MAIN, 'worker', '--config', config, '--id', 'spinner'], {
    env: cleanEnv(),
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await saveTask(
      t.app,
      'spin',
      'function main() { return Array.prototype.includes.call({ length: 2 ** 32 - 1 }, 1); }',
    );
    const job = (await enqueueJob(t.app, { task: 'spin', timeoutMs: 600_000 })).job;
    const deadline = Date.now() + 60_000;
    while ((await getJob(t.app.store.db, job.id))?.status !== 'PROCESSING') {
      assert.equal(child.exitCode, null, `the worker exited before running the job:\n${stderr}`);
      assert.ok(Date.now() < deadline, `the worker never started the job:\n${stderr}`);
      await sleep(25);
    }
    await sleep(300); // inside the builtin
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    const back = (await getJob(t.app.store.db, job.id))!;
    assert.equal(back.status, 'QUEUED', stderr);
    assert.equal(back.leaseOwner, null);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
});
