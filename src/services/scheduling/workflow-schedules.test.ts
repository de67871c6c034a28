// Schedules that start workflow runs: each tick starts one run of the workflow's latest version
// (idempotent per tick), a trigger starts one now, the input is checked against the workflow's
// input schema when the schedule is made, a schedule names exactly one target, and its output
// destinations apply to the runs it starts.
import assert from 'node:assert/strict';
import { createSchedule, getSchedule, triggerSchedule, updateSchedule } from '../schedules.ts';
import type { ValidationError } from '../errors.ts';
import { saveWorkflow } from '../workflows/index.ts';
import { getWorkflowRun, runDestinations } from '../../store/repos/workflow-runs.ts';
import { forEachApp, seedRunnableTask } from './test-app.ts';
import { runDueSchedules } from './tick.ts';
import { scheduleTargetName } from './target.ts';

const t = (s: string): Date => new Date(s);
const WORKFLOW = `name: nightly
version: 1.0.0
input_schema: { type: object, required: [n], properties: { n: { type: number } } }
steps:
  - { name: one, task: dbl, input: { n: workflow.n } }
`;

forEachApp('a workflow schedule starts one run per tick and one per trigger', async (app) => {
  await seedRunnableTask(app, 'dbl');
  await saveWorkflow(app, { file: 'workflow.yaml', text: WORKFLOW });
  const s = await createSchedule(
    app,
    { workflow: 'nightly', name: 'every-5', cronExpression: '*/5 * * * *', input: { n: 2 } },
    t('2030-01-01T00:00:00Z'),
  );
  assert.deepEqual([s.taskId, typeof s.workflowId], [null, 'number']);
  assert.equal(await scheduleTargetName(app, s), 'workflow nightly');

  const [r] = await runDueSchedules(app, t('2030-01-01T00:05:01Z'));
  assert.equal(r?.action, 'enqueued');
  assert.equal(r?.jobId, undefined);
  const run = await getWorkflowRun(app.store.db, r.runId!);
  assert.equal(run?.workflow, 'nightly');
  assert.deepEqual(run?.input, { n: 2 });
  assert.equal(run?.idempotencyKey, `schedule:${s.id}:2030-01-01T00:05:00.000Z`);
  assert.equal((await getSchedule(app, s.id)).runCount, 1);

  const { job, run: now } = await triggerSchedule(app, 'every-5');
  assert.equal(job, undefined);
  assert.notEqual(now?.id, run?.id);

  // The input is checked against the workflow's input schema, on create and on change.
  await assert.rejects(
    createSchedule(app, { workflow: 'nightly', cronExpression: '* * * * *', input: { n: 'x' } }),
    (err: ValidationError) => err.violations.some((v) => v.path === '$.input.n'),
  );
  await assert.rejects(updateSchedule(app, s.id, { input: {} }), /input schema of workflow "nightly"/);
  await assert.rejects(
    createSchedule(app, { workflow: 'nope', cronExpression: '* * * * *' }),
    /workflow nope does not exist/,
  );
  await assert.rejects(
    createSchedule(app, { task: 'dbl', workflow: 'nightly', cronExpression: '* * * * *' }),
    /give exactly one of task and workflow/,
  );
  // Its output destinations go with each run it starts (docs/workflows.md, output destinations).
  const hooked = await createSchedule(app, {
    workflow: 'nightly',
    name: 'hooked',
    cronExpression: '* * * * *',
    input: { n: 1 },
    outputDestinations: [{ type: 'webhook', url: 'http://127.0.0.1:9/hook' }],
  });
  const { run: withHook } = await triggerSchedule(app, hooked.id);
  assert.deepEqual(await runDestinations(app.store.db, withHook!.id), [
    { type: 'webhook', url: 'http://127.0.0.1:9/hook' },
  ]);
});
