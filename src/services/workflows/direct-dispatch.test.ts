// Both engines: when a step's job finishes on an idle worker, the next step's job is inserted already
// claimed by that worker in the same transaction (queue/direct-dispatch.ts) and starts after the
// commit without a claim. A step whose task has no version to run is queued the normal way and
// failed by the claim, which advances its run like any other failure (both engines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkers, type Ratchet } from '../../app.ts';
import { createTestApp, saveTask } from '../../workers/test-helpers.ts';
import { runStatus, saveWorkflow, startWorkflow } from './index.ts';
import { runEnded } from '../../workflows/states.ts';

async function ended(app: Ratchet, id: number) {
  for (let i = 0; i < 1000; i++) {
    const s = await runStatus(app, String(id));
    if (runEnded(s.run.status) || s.run.status === 'FAILED') return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${id} did not end`);
}

const chain = (name: string, tasks: string[]) =>
  `name: ${name}\nversion: 1.0.0\nsteps:\n${tasks
    .map((task, i) => `  - { name: s${i}, task: ${task}${i > 0 ? `, dependencies: [s${i - 1}]` : ''} }`)
    .join('\n')}\n`;

for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(`the next step of a run goes straight to the idle thread [${dialect}]`, async () => {
    const t = await createTestApp(dialect, { workers: { worker_count: 2 } });
    try {
      await saveTask(t.app, 'inc', 'function main(i) { return { n: (i.steps.s0?.n ?? i.workflow.n) + 1 }; }');
      await saveTask(t.app, 'pass', 'function main(i) { return { n: Object.values(i.steps)[0].n + 1 }; }');
      await saveWorkflow(t.app, {
        file: 'workflow.yaml',
        text: chain('five', ['inc', 'pass', 'pass', 'pass', 'pass']),
      });
      const node = await startWorkers(t.app, { log: () => {} });
      try {
        while (node.queue.claims === 0) await new Promise((r) => setTimeout(r, 5));
        const run = await startWorkflow(t.app, { workflow: 'five', input: { n: 1 } });
        const s = await ended(t.app, run.id);
        assert.equal(s.run.status, 'COMPLETED');
        assert.deepEqual(s.run.output, { s4: { n: 6 } });
        // s0 is enqueued by the start (its own direct claim or the queue's); s1..s4 skip the claim.
        assert.ok(node.queue.directClaims >= 4, `direct claims: ${node.queue.directClaims}`);
        const executions = await t.app.store.db
          .selectFrom('executions as e')
          .innerJoin('jobs as j', 'j.id', 'e.job_id')
          .select(['j.workflow_step_id', 'e.status', 'e.attempt'])
          .where('j.workflow_step_id', 'is not', null)
          .execute();
        assert.equal(executions.length, 5, 'one execution per step');
        assert.ok(executions.every((e) => e.status === 'COMPLETED' && e.attempt === 1));
      } finally {
        await node.stop(1000);
      }
    } finally {
      await t.close();
    }
  });
}

// The reservation for the second step cannot be used (no version), so the advance
// runs again guarded and queues it; the claim then fails it (on either engine), and the run moves
// on from that failure instead of waiting for a step that will never run.
for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(`a next step whose task has no version to run fails and ends the run [${dialect}]`, async () => {
    const t = await createTestApp(dialect, { workers: { worker_count: 2 } });
    try {
      await saveTask(t.app, 'first', 'function main() { return { ok: true }; }');
      await saveTask(t.app, 'second', 'function main() { return { ok: true }; }');
      await saveWorkflow(t.app, { file: 'workflow.yaml', text: chain('two', ['first', 'second']) });
      const run = await startWorkflow(t.app, { workflow: 'two', input: {} });
      // Before any worker runs: the second task loses its only version.
      await t.app.store.db
        .updateTable('task_versions')
        .set({ enabled: false })
        .where('task_id', '=', (eb) => eb.selectFrom('tasks').select('id').where('name', '=', 'second'))
        .execute();
      await t.app.store.db
        .updateTable('tasks')
        .set({ latest_version_id: null })
        .where('name', '=', 'second')
        .execute();
      const node = await startWorkers(t.app, { log: () => {} });
      try {
        const s = await ended(t.app, run.id);
        assert.equal(s.run.status, 'FAILED');
        assert.equal(s.steps[0]!.status, 'COMPLETED');
        assert.equal(s.steps[1]!.status, 'FAILED');
        assert.match(JSON.stringify(s.run.error), /no enabled version/);
        // Queued the normal way, once, and failed by the claim: never claimed, never run.
        const jobs = await t.app.store.db
          .selectFrom('jobs')
          .select(['status', 'attempts'])
          .where('workflow_step_id', 'is not', null)
          .orderBy('id')
          .execute();
        assert.deepEqual(
          jobs.map((j) => [j.status, j.attempts]),
          [
            ['COMPLETED', 1],
            ['FAILED', 0],
          ],
        );
        assert.equal(node.queue.directClaims, 0);
        // A new run is refused at the start, naming the step.
        await assert.rejects(
          startWorkflow(t.app, { workflow: 'two', input: {} }),
          /step "s1": task "second" has no enabled version/,
        );
      } finally {
        await node.stop(1000);
      }
    } finally {
      await t.close();
    }
  });
}
