// Steps whose inputs and outputs are larger than what an advance loads with the run (engine/
// open-run.ts INLINE_BYTES): they are read only when needed, so every way of needing them must
// still see them. Default inputs, mappings, `when`, `for_each`, a `$keys(steps)` wildcard and the
// run's output read a large output; a retried attempt, automatic or by hand, runs with its large
// stored input. On both backends, with real workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkers } from '../../app.ts';
import { createTestApp, saveTask } from '../../workers/test-helpers.ts';
import { INLINE_BYTES } from '../../workflows/engine/open-run.ts';
import { retryWorkflowStep, saveWorkflow, startWorkflow, type RunStatus } from './index.ts';
import { counterServer, waitRun } from './test-helpers.ts';

const KB = 40; // an output of ~40 KB: over INLINE_BYTES
const output = (s: RunStatus, step: string) => s.steps.find((x) => x.name === step)?.output;

const LARGE = `name: large
version: 1.0.0
steps:
  - name: a
    task: big
    input: { kb: workflow.kb }
  - name: plain
    task: measure
    dependencies: [a]
  - name: mapped
    task: measure
    dependencies: [a]
    input: { got: steps.a.list }
  - name: guarded
    task: measure
    dependencies: [a]
    when: steps.a.flag
    input:
      got: $count($keys(steps))
  - name: each
    task: measure
    dependencies: [a]
    for_each: steps.a.list
    input: { got: item }
  - name: last
    task: measure
    dependencies: [plain, mapped, guarded, each]
    input:
      got: $count($keys(steps))
output:
  blob: $length(steps.a.blob)
  guarded: steps.guarded.got
`;

// The step fails while the counter server has seen its key no more than `failures` times.
const RETRIED = `name: retried
version: 1.0.0
steps:
  - name: a
    task: big
    input: { kb: workflow.kb }
  - name: auto
    task: flaky
    dependencies: [a]
    input: { url: workflow.url, key: workflow.auto, failures: 1, blob: steps.a.blob }
    retry: { max_attempts: 2, backoff: fixed, backoff_base_ms: 5 }
  - name: byhand
    task: flaky
    dependencies: [auto]
    input: { url: workflow.url, key: workflow.byhand, failures: 1, blob: steps.a.blob }
`;

for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(`large step inputs and outputs are read when needed [${dialect}]`, async (t) => {
    const h = await createTestApp(dialect, { workers: { worker_count: 2 } });
    const { server, url } = await counterServer();
    h.app.config.http.allowed_hosts = [new URL(url).host];
    const app = h.app;
    await saveTask(
      app,
      'big',
      "function main(i) { return { blob: 'x'.repeat(i.kb * 1024), list: [1, 2, 3], flag: true }; }",
    );
    await saveTask(
      app,
      'measure',
      'function main(i) { return { size: JSON.stringify(i).length, got: i.got === undefined ? null : i.got }; }',
    );
    await saveTask(
      app,
      'flaky',
      'async function main(i) { const r = await fetch(i.url + "?key=" + i.key); const { n } = await r.json(); if (n <= i.failures) throw new Error("attempt " + n + " fails"); return { n, size: i.blob.length }; }',
    );
    const node = await startWorkers(app, { log: () => {} });
    try {
      assert.ok(KB * 1024 > INLINE_BYTES, 'the outputs are large');
      await t.test('default input, mapping, when, for_each, wildcard and run output', async () => {
        await saveWorkflow(app, { file: 'workflow.yaml', text: LARGE });
        const run = await startWorkflow(app, { workflow: 'large', input: { kb: KB } });
        const s = await waitRun(app, run.uuid);
        assert.equal(s.run.status, 'COMPLETED', JSON.stringify(s.run.error));
        const plain = output(s, 'plain') as { size: number };
        assert.ok(plain.size > KB * 1024, `the default input carries a's output (${plain.size} chars)`);
        assert.deepEqual((output(s, 'mapped') as { got: unknown }).got, [1, 2, 3]);
        assert.equal(s.steps.find((x) => x.name === 'guarded')?.status, 'COMPLETED', 'when read true');
        assert.deepEqual((output(s, 'guarded') as { got: unknown }).got, 1, 'a alone was over');
        assert.deepEqual(
          (output(s, 'each') as { got: unknown }[]).map((o) => o.got),
          [1, 2, 3],
        );
        assert.equal((output(s, 'last') as { got: unknown }).got, 5);
        assert.deepEqual(s.run.output, { blob: KB * 1024, guarded: 1 });
      });

      await t.test('a retried attempt, automatic or by hand, runs with its large input', async () => {
        await saveWorkflow(app, { file: 'workflow.yaml', text: RETRIED });
        const input = { kb: KB, url, auto: `auto-${dialect}`, byhand: `byhand-${dialect}` };
        const run = await startWorkflow(app, { workflow: 'retried', input });
        let s = await waitRun(app, run.uuid);
        assert.deepEqual(output(s, 'auto'), { n: 2, size: KB * 1024 }, 'the second attempt saw the blob');
        assert.equal(s.run.status, 'FAILED');
        assert.equal(s.steps.find((x) => x.name === 'byhand')?.status, 'FAILED');
        await retryWorkflowStep(app, run.uuid, 'byhand', 'tester');
        s = await waitRun(app, run.uuid);
        assert.equal(s.run.status, 'COMPLETED', JSON.stringify(s.run.error));
        assert.deepEqual(output(s, 'byhand'), { n: 2, size: KB * 1024 });
        // The advances that moved these steps on never read their inputs: still as stored.
        const stored = await app.store.db
          .selectFrom('workflow_steps')
          .select(['name', 'input'])
          .where('run_id', '=', s.run.id)
          .orderBy('id')
          .execute();
        for (const { name, input } of stored.filter((r) => r.name !== 'a')) {
          const blob = (JSON.parse(input ?? 'null') as { blob?: string } | null)?.blob;
          assert.equal(blob?.length, KB * 1024, `the stored input of ${name}`);
        }
      });
    } finally {
      await node.stop(1000);
      server.close();
      await h.close();
    }
  });
}
