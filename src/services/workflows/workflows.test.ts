// Workflows on the queue, end to end on both backends: real workers run each step as a job and the
// result writer advances the run in the same transaction. One application per backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkers, type Ratchet } from '../../app.ts';
import { createTestApp, saveTask } from '../../workers/test-helpers.ts';
import {
  cancelWorkflowRun,
  listRuns,
  resolveWorkflowStep,
  retryWorkflowStep,
  runStatus,
  runTransitions,
  saveWorkflow,
  startWorkflow,
  WorkflowInputError,
} from './index.ts';
import { counterServer, waitRun } from './test-helpers.ts';

async function save(app: Ratchet, yaml: string) {
  return saveWorkflow(app, { file: 'workflow.yaml', text: yaml });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(`workflows [${dialect}]`, async (t) => {
    const h = await createTestApp(dialect, { workers: { worker_count: 4 } });
    const { server, url } = await counterServer();
    h.app.config.http.allowed_hosts = [new URL(url).host];
    const app = h.app;
    await saveTask(app, 'inc', 'function main(i) { return { n: (i.n ?? 0) + 1 }; }');
    await saveTask(app, 'sum', 'function main(i) { return { n: i.values.reduce((a, b) => a + b, 0) }; }');
    await saveTask(app, 'boom', 'function main(i) { throw new Error("boom " + JSON.stringify(i)); }');
    await saveTask(
      app,
      'flaky',
      'async function main(i) { const r = await fetch(i.url + "?key=" + i.key); const { n } = await r.json(); if (n <= i.failures) throw new Error("attempt " + n + " fails"); return { n }; }',
    );
    await saveTask(
      app,
      'slow',
      'async function main() { await new Promise((r) => setTimeout(r, 20000)); return {}; }',
      { timeout: 60000 },
    );
    const node = await startWorkers(app, { log: () => {} });
    try {
      await t.test('a linear chain passes outputs along; the default output is the leaf', async () => {
        await save(
          app,
          `name: chain\nversion: 1.0.0\nsteps:\n  - { name: a, task: inc, input: { n: workflow.start } }\n  - { name: b, task: inc, dependencies: [a], input: { n: steps.a.n } }\n  - { name: c, task: inc, dependencies: [b], input: { n: steps.b.n } }\n`,
        );
        const run = await startWorkflow(app, { workflow: 'chain', input: { start: 10 } });
        const done = await waitRun(app, run.uuid);
        assert.equal(done.run.status, 'COMPLETED');
        assert.deepEqual(done.run.output, { c: { n: 13 } });
        assert.deepEqual(
          done.steps.map((s) => [s.name, s.status, s.attempts]),
          [
            ['a', 'COMPLETED', 1],
            ['b', 'COMPLETED', 1],
            ['c', 'COMPLETED', 1],
          ],
        );
        const history = (await runTransitions(app, run.uuid)).map(
          (tr) => `${tr.step ?? 'run'}:${tr.from ?? '-'}>${tr.to}`,
        );
        assert.deepEqual(
          history.filter((x) => x.startsWith('b:')),
          ['b:->PENDING', 'b:PENDING>ENQUEUED', 'b:ENQUEUED>RUNNING', 'b:RUNNING>COMPLETED'],
        );
        assert.deepEqual(
          history.filter((x) => x.startsWith('run:')),
          ['run:->PENDING', 'run:PENDING>RUNNING', 'run:RUNNING>COMPLETED'],
        );
      });

      await t.test('a diamond: default inputs, output mapping, idempotency key, input schema', async () => {
        await save(
          app,
          `name: diamond\nversion: 1.0.0\ninput_schema: { type: object, required: [n], properties: { n: { type: integer } } }\noutput: { total: steps.join.n }\nsteps:\n  - { name: top, task: inc, input: { n: workflow.n } }\n  - { name: left, task: inc, dependencies: [top], input: { n: steps.top.n } }\n  - { name: right, task: inc, dependencies: [top], input: { n: steps.top.n * 10 } }\n  - { name: join, task: sum, dependencies: [left, right], input: { values: '[steps.left.n, steps.right.n]' } }\n`,
        );
        const first = await startWorkflow(app, {
          workflow: 'diamond',
          input: { n: 1 },
          idempotencyKey: `k-${dialect}`,
        });
        const again = await startWorkflow(app, {
          workflow: 'diamond',
          input: { n: 1 },
          idempotencyKey: `k-${dialect}`,
        });
        assert.equal(again.uuid, first.uuid);
        assert.equal(again.created, false);
        const done = await waitRun(app, first.uuid);
        assert.deepEqual(done.run.output, { total: 3 + 21 });
        await assert.rejects(startWorkflow(app, { workflow: 'diamond', input: { n: 'x' } }), (err: Error) => {
          assert.ok(err instanceof WorkflowInputError);
          assert.match(
            err.message,
            /input of workflow diamond does not match its input_schema: \$\.n must be integer/,
          );
          return true;
        });
      });

      await t.test('a step that fails twice then succeeds is retried with backoff', async () => {
        await save(
          app,
          `name: flaky\nversion: 1.0.0\nsteps:\n  - name: f\n    task: flaky\n    input: { url: workflow.url, key: workflow.key, failures: 2 }\n    retry: { max_attempts: 3, backoff: fixed, backoff_base_ms: 10 }\n  - { name: after, task: inc, dependencies: [f], input: { n: steps.f.n } }\n`,
        );
        const run = await startWorkflow(app, { workflow: 'flaky', input: { url, key: `ok-${dialect}` } });
        const done = await waitRun(app, run.uuid);
        assert.equal(done.run.status, 'COMPLETED');
        assert.equal(done.steps[0]!.attempts, 3);
        assert.deepEqual(done.run.output, { after: { n: 4 } });
        const f = (await runTransitions(app, run.uuid)).filter((tr) => tr.step === 'f').map((tr) => tr.to);
        assert.deepEqual(f, [
          'PENDING',
          'ENQUEUED',
          'RUNNING',
          'WAITING_FOR_RETRY',
          'RUNNING',
          'WAITING_FOR_RETRY',
          'RUNNING',
          'COMPLETED',
        ]);
      });

      await t.test(
        'a step that fails for good stops its dependents; retry and manual resolution resume the run',
        async () => {
          await save(
            app,
            `name: broken\nversion: 1.0.0\nsteps:\n  - { name: bad, task: boom, retry: { max_attempts: 2, backoff_base_ms: 5 } }\n  - { name: next, task: inc, dependencies: [bad], input: { n: steps.bad.n } }\n`,
          );
          const run = await startWorkflow(app, { workflow: 'broken', input: {} });
          let s = await waitRun(app, run.uuid, ['FAILED']);
          assert.deepEqual(
            s.steps.map((x) => [x.name, x.status, x.attempts]),
            [
              ['bad', 'FAILED', 2],
              ['next', 'PENDING', 0],
            ],
          );
          assert.match((s.run.error as { message: string }).message, /step bad failed: boom/);
          s = await retryWorkflowStep(app, run.uuid, 'bad', 'tester');
          assert.equal(s.run.status, 'RUNNING');
          s = await waitRun(app, run.uuid, ['FAILED']);
          assert.equal(s.steps[0]!.attempts, 2, 'a retry gets a fresh budget');
          await resolveWorkflowStep(app, run.uuid, 'bad', { n: 41 }, 'tester');
          s = await waitRun(app, run.uuid);
          assert.equal(s.run.status, 'RESOLVED_MANUALLY');
          assert.deepEqual(s.run.output, { next: { n: 42 } });
          const resolved = (await runTransitions(app, run.uuid)).find(
            (tr) => tr.to === 'RESOLVED_MANUALLY' && tr.step === 'bad',
          );
          assert.equal(resolved?.actor, 'tester');
        },
      );

      await t.test('when skips a step; on_failure continue lets dependents run', async () => {
        await save(
          app,
          `name: branches\nversion: 1.0.0\nsteps:\n  - { name: maybe, task: inc, when: workflow.go }\n  - { name: soft, task: boom, on_failure: continue }\n  - { name: end, task: inc, dependencies: [maybe, soft], input: { n: '$exists(steps.maybe.n) ? 100 : 0' } }\n`,
        );
        const run = await startWorkflow(app, { workflow: 'branches', input: { go: false } });
        const s = await waitRun(app, run.uuid);
        assert.equal(s.run.status, 'COMPLETED');
        assert.deepEqual(
          s.steps.map((x) => x.status),
          ['SKIPPED', 'FAILED', 'COMPLETED'],
        );
        assert.deepEqual(s.run.output, { end: { n: 1 } });
      });

      await t.test('for_each over 100 items keeps at most max_parallel running and keeps order', async () => {
        await save(
          app,
          `name: fan\nversion: 1.0.0\nsteps:\n  - { name: each, task: inc, for_each: workflow.items, max_parallel: 5, input: { n: item } }\n  - { name: total, task: sum, dependencies: [each], input: { values: steps.each.n } }\n`,
        );
        const items = Array.from({ length: 100 }, (_, i) => i);
        const run = await startWorkflow(app, { workflow: 'fan', input: { items } });
        const s = await waitRun(app, run.uuid);
        assert.equal(s.run.status, 'COMPLETED');
        assert.deepEqual(
          s.steps[0]!.output,
          items.map((i) => ({ n: i + 1 })),
        );
        assert.deepEqual(s.run.output, { total: { n: 5050 } });
        let live = 0;
        let most = 0;
        for (const tr of await runTransitions(app, run.uuid)) {
          if (!tr.step?.startsWith('each[')) continue;
          if (tr.to === 'ENQUEUED') most = Math.max(most, ++live);
          if (tr.to === 'COMPLETED') live--;
        }
        assert.equal(most, 5);
      });

      await t.test(
        'for_each items retry on their own; an item that fails for good fails the step',
        async () => {
          await save(
            app,
            `name: fanflaky\nversion: 1.0.0\nsteps:\n  - name: each\n    task: flaky\n    for_each: workflow.items\n    max_parallel: 2\n    input: { url: workflow.url, key: item.key, failures: item.failures }\n    retry: { max_attempts: 2, backoff: fixed, backoff_base_ms: 5 }\n`,
          );
          const items = (tag: string, failures: number[]) =>
            failures.map((f, i) => ({ key: `${dialect}-${tag}-${i}`, failures: f }));
          const ok = await startWorkflow(app, {
            workflow: 'fanflaky',
            input: { url, items: items('ok', [0, 1, 0, 1, 0]) },
          });
          let s = await waitRun(app, ok.uuid);
          assert.equal(s.run.status, 'COMPLETED');
          assert.deepEqual(s.steps[0]!.output, [{ n: 1 }, { n: 2 }, { n: 1 }, { n: 2 }, { n: 1 }]);

          const bad = await startWorkflow(app, {
            workflow: 'fanflaky',
            input: { url, items: items('bad', [0, 0, 5, 0]) },
          });
          s = await waitRun(app, bad.uuid);
          assert.equal(s.run.status, 'FAILED');
          assert.equal(s.steps[0]!.status, 'FAILED');
          assert.deepEqual(s.steps[0]!.error, {
            type: 'Error',
            message: 'item 2 failed: attempt 2 fails',
            item: 2,
          });
          assert.match((s.run.error as { message: string }).message, /step each failed: item 2 failed/);
          // At most max_parallel items were ever queued at once, retries included.
          let live = 0;
          let most = 0;
          for (const tr of await runTransitions(app, bad.uuid)) {
            if (!tr.step?.startsWith('each[')) continue;
            if (tr.to === 'ENQUEUED') most = Math.max(most, ++live);
            if (tr.to === 'COMPLETED' || tr.to === 'FAILED') live--;
          }
          assert.ok(most <= 2, `at most 2 items at once, saw ${most}`);
        },
      );

      await t.test('cancel mid-run stops the running step and its dependents never run', async () => {
        await save(
          app,
          `name: long\nversion: 1.0.0\nsteps:\n  - { name: wait, task: slow }\n  - { name: never, task: inc, dependencies: [wait] }\n`,
        );
        const run = await startWorkflow(app, { workflow: 'long', input: {} });
        for (let i = 0; i < 500; i++) {
          const job = (await runStatus(app, run.uuid)).steps[0]!.jobId!;
          const row = await app.store.db
            .selectFrom('jobs')
            .select('status')
            .where('id', '=', job)
            .executeTakeFirst();
          if (row?.status === 'PROCESSING') break;
          await new Promise((r) => setTimeout(r, 10));
        }
        const s = await cancelWorkflowRun(app, run.uuid, 'tester');
        assert.equal(s.run.status, 'CANCELLED');
        assert.deepEqual(
          s.steps.map((x) => x.status),
          ['CANCELLED', 'CANCELLED'],
        );
        const job = s.steps[0]!.jobId!;
        for (let i = 0; i < 1000; i++) {
          const row = await app.store.db
            .selectFrom('jobs')
            .select('status')
            .where('id', '=', job)
            .executeTakeFirstOrThrow();
          if (row.status === 'CANCELLED') break;
          await new Promise((r) => setTimeout(r, 10));
        }
        const row = await app.store.db
          .selectFrom('jobs')
          .select('status')
          .where('id', '=', job)
          .executeTakeFirstOrThrow();
        assert.equal(row.status, 'CANCELLED', 'the running job was interrupted');
        const runs = await listRuns(app, { filters: [{ field: 'status', op: 'eq', value: 'CANCELLED' }] });
        assert.deepEqual(
          runs.rows.map((r) => r.uuid),
          [run.uuid],
        );
      });
    } finally {
      await node.stop(1000);
      server.close();
      await h.close();
    }
  });
}
