// deliverResult end to end: several destinations, failures recorded and never thrown, and the
// completion hook wiring (a failing destination leaves the job as it finished).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitJobFinished } from '../queue/events.ts';
import { listDeliveryResults } from '../store/repos/deliveries.ts';
import { getJob } from '../store/repos/jobs.ts';
import { finishedJob, forEachApp, seedRunnableTask } from '../scheduler/test-app.ts';
import { enableOutputDelivery } from '../services/delivery.ts';
import type { DeliveryOutcome } from './deliver.ts';
import { deliverResult } from './deliver.ts';

forEachApp('failing destinations are recorded, never thrown, and the rest still deliver', async (app) => {
  await seedRunnableTask(app, 'multi');
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-deliver-'));
  try {
    const out: string[] = [];
    const { job, execution } = await finishedJob(app, 'multi', {
      output: { doubled: 42 },
      destinations: [
        { type: 'filesystem', path: 'out/{{job_id}}/../../../escape.json' },
        { type: 'webhook', url: 'http://127.0.0.1:1/nothing', retryPolicy: { maxAttempts: 1 } },
        { type: 'carrier-pigeon' },
        { type: 'filesystem', path: 'out/{{task_name}}-{{job_id}}.json' },
        { type: 'stdio', prefix: '> ' },
      ],
    });
    const outcomes = await deliverResult(
      app,
      { job, execution },
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
    assert.equal((await getJob(app.store.db, job.id))?.status, 'QUEUED');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

forEachApp(
  'the completion hook delivers outputs; a failing destination does not fail the job',
  async (app) => {
    await seedRunnableTask(app, 'hooked');
    const dir = await mkdtemp(join(tmpdir(), 'ratchet-deliver-'));
    try {
      const delivered: DeliveryOutcome[][] = [];
      const off = enableOutputDelivery(app, { baseDir: dir, onDelivered: (o) => delivered.push(o) });
      enableOutputDelivery(app); // a second call must not deliver twice
      const { job, execution } = await finishedJob(app, 'hooked', {
        status: 'FAILED',
        destinations: [
          {
            type: 'webhook',
            url: 'http://127.0.0.1:1/down',
            retryPolicy: { maxAttempts: 2, initialDelaySeconds: 0 },
          },
          { type: 'filesystem', path: 'failures/{{job_id}}.yaml', format: 'yaml' },
        ],
      });
      await emitJobFinished(app, { job, execution, status: 'FAILED' });
      assert.equal(delivered.length, 1);
      assert.deepEqual(
        delivered[0]!.map((o) => [o.type, o.success, o.attempts]),
        [
          ['webhook', false, 2],
          ['filesystem', true, 1],
        ],
      );
      assert.match(
        await readFile(join(dir, `failures/${job.id}.yaml`), 'utf8'),
        /status: FAILED[\s\S]*message: boom/,
      );
      assert.equal((await listDeliveryResults(app.store.db, { jobId: job.id })).length, 3);
      // A job without destinations is not touched.
      const plain = await finishedJob(app, 'hooked', { output: 1 });
      await emitJobFinished(app, { ...plain, status: 'COMPLETED' });
      assert.equal(delivered.length, 1);
      off();
      await emitJobFinished(app, { job, execution, status: 'FAILED' });
      assert.equal(delivered.length, 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
