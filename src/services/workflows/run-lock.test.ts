// PostgreSQL: two advances of one run take turns on the run's row lock, and the second must see
// what the first committed while it waited. openRun locks and loads in one statement (the steps
// come from a VOLATILE function in RETURNING, migration 012); this holds the lock in one
// transaction, changes a step, and checks that a waiting openRun reads the change once it commits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, saveTask } from '../../workers/test-helpers.ts';
import { openRun } from '../../workflows/engine/open-run.ts';
import { saveWorkflow, startWorkflow } from './index.ts';

void test('PostgreSQL: an advance waiting for the run lock loads the steps committed meanwhile', async () => {
  const t = await createTestApp('postgres');
  try {
    await saveTask(t.app, 'noop', 'function main() { return {}; }');
    await saveWorkflow(t.app, {
      file: 'workflow.yaml',
      text: 'name: two\nversion: 1.0.0\nsteps:\n  - { name: a, task: noop }\n  - { name: b, task: noop, dependencies: [a] }\n',
    });
    const run = await startWorkflow(t.app, { workflow: 'two', input: {} });
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((r) => (releaseFirst = r));
    let firstLocked!: () => void;
    const locked = new Promise<void>((r) => (firstLocked = r));
    const first = t.app.store.db.transaction().execute(async (trx) => {
      const ctx = (await openRun(trx, run.id, 'test'))!;
      assert.equal(ctx.steps.get('b')!.status, 'PENDING');
      await trx
        .updateTable('workflow_steps')
        .set({ status: 'SKIPPED' })
        .where('id', '=', ctx.steps.get('b')!.id)
        .execute();
      firstLocked();
      await firstMayCommit;
    });
    await locked;
    let secondDone = false;
    const second = t.app.store.db.transaction().execute(async (trx) => {
      const ctx = (await openRun(trx, { stepId: (await stepId(t, run.id, 'a'))! }, 'test'))!;
      secondDone = true;
      return ctx.steps.get('b')!.status;
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(secondDone, false, 'the second advance waits for the run lock');
    releaseFirst();
    await first;
    assert.equal(await second, 'SKIPPED');
  } finally {
    await t.close();
  }
});

async function stepId(t: Awaited<ReturnType<typeof createTestApp>>, runId: number, name: string) {
  const row = await t.app.store.db
    .selectFrom('workflow_steps')
    .select('id')
    .where('run_id', '=', runId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}
