// deliverResult end to end: several destinations, failures recorded and never thrown, and the
// completion hook wiring (a failing destination leaves the job as it finished).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listDeliveryResults } from '../store/repos/deliveries.ts';
import { finishedJob, forEachApp, seedRunnableTask } from '../services/scheduling/test-app.ts';
import { deliverResult } from './deliver.ts';

forEachApp('failing destinations are recorded, never thrown, and the rest still deliver', async (app) => {
  await seedRunnableTask(app, 'multi');
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-deliver-'));
  app.config.delivery.filesystem.allowed_roots = [dir];
  try {
    const out: string[] = [];
    // enqueueJob refuses invalid destinations, so the stored-job path cannot hold one any more;
    // deliverResult must still cope with whatever it is handed (older rows, other writers).
    const { job, execution } = await finishedJob(app, 'multi', { output: { doubled: 42 } });
    const destinations = [
      { type: 'filesystem', path: 'out/{{job_id}}/../../../escape.json' },
      { type: 'webhook', url: 'http://127.0.0.1:1/nothing', retryPolicy: { maxAttempts: 1 } },
      { type: 'carrier-pigeon' },
      { type: 'filesystem', path: 'out/{{task_name}}-{{job_id}}.json' },
      { type: 'stdio', prefix: '> ' },
    ];
    const outcomes = await deliverResult(
      app,
      { job, execution, destinations },
      { baseDir: dir, streams: { stdout: { write: (s: string) => out.push(s) }, stderr: process.stderr } },
    );
    assert.deepEqual(
      outcomes.map((o) => [o.type, o.success]),
      [
        ['filesystem', false],
        ['webhook', false],
        ['carrier-pigeon', false],
        ['filesystem', true],
        ['stdio', true],
      ],
    );
    assert.match(outcomes[0]!.error ?? '', /escapes/);
    assert.match(outcomes[2]!.error ?? '', /outputDestinations\[2\]\.type/);
    assert.deepEqual(JSON.parse(await readFile(join(dir, `out/multi-${job.id}.json`), 'utf8')), {
      doubled: 42,
    });
    assert.deepEqual(out, ['> {"doubled":42}\n']);
    const rows = await listDeliveryResults(app.store.db, { jobId: job.id });
    assert.deepEqual(
      rows.map((r) => [r.destinationType, r.success]),
      outcomes.map((o) => [o.type, o.success]),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

forEachApp(
  'createRatchet wires the completion hook: outputs delivered, a failing destination does not fail the job',
  async (app) => {
    await seedRunnableTask(app, 'hooked');
    const dir = await mkdtemp(join(tmpdir(), 'ratchet-deliver-'));
    app.config.delivery.filesystem.allowed_roots = [dir];
    try {
      // Opened so the refused connection (not the egress policy) is what fails, and is retried.
      app.config.http.allowed_hosts = ['127.0.0.1:1'];
      const { job, execution } = await finishedJob(app, 'hooked', {
        status: 'FAILED',
        destinations: [
          {
            type: 'webhook',
            url: 'http://127.0.0.1:1/down',
            retryPolicy: { maxAttempts: 2, initialDelaySeconds: 0 },
          },
          { type: 'filesystem', path: join(dir, 'failures/{{job_id}}.yaml'), format: 'yaml' },
        ],
      });
      // jobEvents.emit settles once every listener has.
      await app.jobEvents.emit({ job, execution, status: 'FAILED' });
      const rows = await listDeliveryResults(app.store.db, { jobId: job.id });
      assert.deepEqual(
        rows.map((r) => [r.destinationType, r.attempt, r.success]),
        [
          ['webhook', 1, false],
          ['webhook', 2, false],
          ['filesystem', 1, true],
        ],
      );
      assert.match(
        await readFile(join(dir, `failures/${job.id}.yaml`), 'utf8'),
        /status: FAILED[\s\S]*message: boom/,
      );
      // A job without destinations is not touched.
      const plain = await finishedJob(app, 'hooked', { output: 1 });
      await app.jobEvents.emit({ ...plain, status: 'COMPLETED' });
      assert.deepEqual(await listDeliveryResults(app.store.db, { jobId: plain.job.id }), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
