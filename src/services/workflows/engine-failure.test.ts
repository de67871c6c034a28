// When the engine cannot advance a run (here: its stored definition was corrupted after the run
// started, so a step's dependencies are no longer a list), the step's job still ends (not stuck PROCESSING), the run and the step are FAILED with
// an EngineError saying why, and the other runs in the same batch are not affected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkers } from '../../app.ts';
import { createTestApp, saveTask } from '../../workers/test-helpers.ts';
import { runStatus, saveWorkflow, startWorkflow } from './index.ts';

for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(`an engine error fails the run, never the job's result [${dialect}]`, async () => {
    const h = await createTestApp(dialect);
    const app = h.app;
    try {
      await saveTask(app, 'inc', 'function main(i) { return { n: (i.n ?? 0) + 1 }; }');
      const text = (name: string) =>
        `name: ${name}\nversion: 1.0.0\nsteps:\n  - { name: a, task: inc }\n  - { name: b, task: inc, dependencies: [a] }\n`;
      await saveWorkflow(app, { file: 'workflow.yaml', text: text('broken') });
      await saveWorkflow(app, { file: 'workflow.yaml', text: text('fine') });
      const bad = await startWorkflow(app, { workflow: 'broken' });
      const good = await startWorkflow(app, { workflow: 'fine' });
      const stored = await app.store.db
        .selectFrom('workflow_versions')
        .select('definition')
        .where('id', '=', bad.workflowVersionId)
        .executeTakeFirstOrThrow();
      const def = JSON.parse(stored.definition) as { steps: { dependencies: unknown }[] };
      def.steps[1]!.dependencies = 5;
      await app.store.db
        .updateTable('workflow_versions')
        .set({ definition: JSON.stringify(def) })
        .where('id', '=', bad.workflowVersionId)
        .execute();
      const stderr: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = (chunk: string) => (stderr.push(String(chunk)), true);
      const workers = await startWorkers(app, { log: () => {} });
      try {
        let s = await runStatus(app, bad.id);
        for (let i = 0; i < 500 && s.run.status !== 'FAILED'; i++) {
          await new Promise((r) => setTimeout(r, 10));
          s = await runStatus(app, bad.id);
        }
        assert.equal(s.run.status, 'FAILED');
        assert.match(JSON.stringify(s.run.error), /EngineError.*could not advance the run/);
        assert.equal(s.steps[0]!.status, 'FAILED');
        const job = await app.store.db
          .selectFrom('jobs')
          .select('status')
          .where('id', '=', s.steps[0]!.jobId!)
          .executeTakeFirstOrThrow();
        assert.equal(job.status, 'COMPLETED', 'the job result is stored');
        let other = await runStatus(app, good.id);
        for (let i = 0; i < 500 && other.run.status !== 'COMPLETED'; i++) {
          await new Promise((r) => setTimeout(r, 10));
          other = await runStatus(app, good.id);
        }
        assert.equal(other.run.status, 'COMPLETED');
      } finally {
        await workers.stop(1000);
        process.stderr.write = write;
      }
      assert.match(
        stderr.join(''),
        new RegExp(`workflow run ${bad.id} failed: the engine could not advance it`),
      );
    } finally {
      await h.close();
    }
  });
}
