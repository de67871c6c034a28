// Output destinations of workflow runs, both backends, real workers: a finished run's output goes
// to a file and a webhook (the envelope names the run), a cancelled run's envelope says so, the
// delivery is made once (the claim), and the sweep delivers a run whose deliverer never claimed it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkers, type Ratchet } from '../../app.ts';
import { createTestApp, saveTask } from '../../workers/test-helpers.ts';
import { listDeliveryResults } from '../../store/repos/deliveries.ts';
import type { ValidationError } from '../errors.ts';
import {
  cancelWorkflowRun,
  deliverFinishedRun,
  runStatus,
  saveWorkflow,
  startRunDeliverySweep,
  startWorkflow,
} from './index.ts';

async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const v = await read().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const fileOf = (path: string) => () =>
  readFile(path, 'utf8').then(
    (t) => JSON.parse(t) as Record<string, unknown>,
    () => undefined,
  );

async function hookServer() {
  const calls: { event: string; body: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push({ event: String(req.headers['x-ratchet-event']), body: JSON.parse(body) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, calls, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(`workflow runs deliver their output [${dialect}]`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ratchet-run-delivery-'));
    const h = await createTestApp(dialect);
    const hook = await hookServer();
    h.app.config.delivery.filesystem.allowed_roots = [dir];
    h.app.config.http.allowed_hosts = [new URL(hook.url).host];
    const app: Ratchet = h.app;
    await saveTask(app, 'inc', 'function main(i) { return { n: (i.n ?? 0) + 1 }; }');
    await saveTask(app, 'slow', 'async function main() { await new Promise((r) => setTimeout(r, 20000)); }', {
      timeout: 60000,
    });
    await saveWorkflow(app, {
      file: 'workflow.yaml',
      text: 'name: twice\nversion: 1.0.0\nsteps:\n  - { name: a, task: inc }\n  - { name: b, task: inc, dependencies: [a], input: { n: steps.a.n } }\n',
    });
    await saveWorkflow(app, {
      file: 'workflow.yaml',
      text: 'name: sleepy\nversion: 1.0.0\nsteps:\n  - { name: wait, task: slow }\n',
    });
    const node = await startWorkers(app, { log: () => {} });
    try {
      await assert.rejects(
        startWorkflow(app, { workflow: 'twice', outputDestinations: [{ type: 'filesystem' }] }),
        (err: ValidationError) => err.violations.some((v) => v.path === '$.outputDestinations[0].path'),
      );
      const run = await startWorkflow(app, {
        workflow: 'twice',
        input: { n: 1 },
        outputDestinations: [
          { type: 'filesystem', path: '{{workflow_name}}-{{run_id}}-{{status}}.json' },
          { type: 'webhook', url: hook.url },
        ],
      });
      const file = await until('the run output file', fileOf(join(dir, `twice-${run.id}-completed.json`)));
      assert.deepEqual(file, { b: { n: 2 } });
      const call = await until('the webhook', async () => hook.calls[0]);
      assert.equal(call.event, 'workflow_run.completed');
      assert.deepEqual(call.body.workflow, { name: 'twice', version: '1.0.0' });
      assert.deepEqual(call.body.output, { b: { n: 2 } });
      assert.equal((call.body.run as { uuid: string }).uuid, run.uuid);
      const rows = await until('both recorded', async () => {
        const r = await listDeliveryResults(app.store.db, { workflowRunId: run.id });
        return r.length === 2 ? r : undefined;
      });
      assert.deepEqual(
        rows.map((r) => [r.destinationType, r.success, r.jobId]),
        [
          ['filesystem', true, null],
          ['webhook', true, null],
        ],
      );
      // Claimed once: a second attempt (another node, the sweep) delivers nothing.
      assert.deepEqual(await deliverFinishedRun(app, run.id), []);

      // A cancelled run gets the envelope (it has no output), named by its status.
      const sleepy = await startWorkflow(app, {
        workflow: 'sleepy',
        outputDestinations: [{ type: 'filesystem', path: 'sleepy-{{run_id}}-{{status}}.json' }],
      });
      await until('the step running', async () => {
        const jobId = (await runStatus(app, sleepy.id)).steps[0]!.jobId!;
        const job = await app.store.db
          .selectFrom('jobs')
          .select('status')
          .where('id', '=', jobId)
          .executeTakeFirst();
        return job?.status === 'PROCESSING' ? true : undefined;
      });
      await cancelWorkflowRun(app, sleepy.id);
      const env = await until(
        'the cancelled envelope',
        fileOf(join(dir, `sleepy-${sleepy.id}-cancelled.json`)),
      );
      assert.equal(env.event, 'workflow_run.cancelled');
      assert.equal((env.run as { status: string }).status, 'CANCELLED');

      // A run whose finishing process died before its claim: the sweep delivers it.
      await rm(join(dir, `twice-${run.id}-completed.json`));
      await app.store.db
        .updateTable('workflow_runs')
        .set({ delivery_claimed_at: null })
        .where('id', '=', run.id)
        .execute();
      const stopSweep = startRunDeliverySweep(app, { intervalMs: 20, graceMs: 0 });
      try {
        assert.deepEqual(
          await until('the swept delivery', fileOf(join(dir, `twice-${run.id}-completed.json`))),
          { b: { n: 2 } },
        );
      } finally {
        await stopSweep();
      }
    } finally {
      await node.stop();
      hook.server.close();
      await h.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}
