import assert from 'node:assert/strict';
import { forEachBackend } from '../test-helpers/backends.ts';
import { seedTask } from '../test-helpers/fixtures.ts';
import { insertJob } from './jobs.ts';
import {
  finishExecution,
  getExecution,
  insertExecution,
  insertExecutions,
  listExecutions,
  startExecution,
  updateExecutionProgress,
} from './executions.ts';

forEachBackend(
  'an execution goes from pending to finished with output, logs, http and duration',
  async ({ db }) => {
    const { taskId, versionId } = await seedTask(db, 'exec');
    const { job } = await insertJob(db, { taskId });
    const created = await insertExecution(db, {
      jobId: job.id,
      taskId,
      taskVersionId: versionId,
      input: { x: 1 },
    });
    assert.equal(created.status, 'PENDING');
    assert.equal(created.startedAt, null);
    await startExecution(db, created.id, 'worker-1', '2030-01-01T00:00:00.000Z');
    await updateExecutionProgress(db, created.id, { step: 1, of: 2 });
    const done = await finishExecution(db, created.id, {
      status: 'FAILED',
      error: { type: 'TypeError', message: 'boom', location: { line: 3 } },
      logs: [{ level: 'info', message: 'hi' }],
      http: [{ request: { url: 'http://x' } }],
      finishedAt: '2030-01-01T00:00:01.250Z',
    });
    assert.equal(done.status, 'FAILED');
    assert.equal(done.durationMs, 1250);
    assert.equal(done.workerId, 'worker-1');
    assert.deepEqual(done.error, { type: 'TypeError', message: 'boom', location: { line: 3 } });
    assert.deepEqual(done.progress, { step: 1, of: 2 });
    assert.deepEqual(await getExecution(db, done.uuid), done);
    assert.deepEqual(await getExecution(db, done.id), done);
    assert.equal(await getExecution(db, 999999), undefined);
    await assert.rejects(
      finishExecution(db, 999999, { status: 'COMPLETED' }),
      /execution 999999 does not exist/,
    );
    const ok = await insertExecution(db, {
      taskId,
      taskVersionId: versionId,
      input: null,
      startedAt: Date.now(),
    });
    assert.equal(ok.status, 'RUNNING');
    const finished = await finishExecution(db, ok.id, { status: 'COMPLETED', output: { sum: 3 } });
    assert.deepEqual(finished.output, { sum: 3 });
    assert.ok(finished.durationMs !== null && finished.durationMs >= 0);
  },
);

forEachBackend(
  'listExecutions filters by task and status, sorts by createdAt, pages with total',
  async ({ db }) => {
    const a = await seedTask(db, 'a');
    const b = await seedTask(db, 'b');
    const base = Date.parse('2030-01-01T00:00:00Z');
    const rows = [];
    for (let i = 0; i < 30; i++) {
      const t = i % 3 === 0 ? b : a;
      rows.push({
        taskId: t.taskId,
        taskVersionId: t.versionId,
        input: { i },
        status: i % 2 === 0 ? ('COMPLETED' as const) : ('FAILED' as const),
        createdAt: base + i * 1000,
      });
    }
    assert.equal(await insertExecutions(db, rows, 7), 30);
    const page = await listExecutions(db, {
      filters: [
        { field: 'taskId', op: 'eq', value: String(a.taskId) },
        { field: 'status', op: 'eq', value: 'COMPLETED' },
      ],
      sort: { field: 'createdAt', order: 'desc' },
      offset: 1,
      limit: 3,
    });
    // Task a, even i not divisible by 3: 28, 26, 22, 20, 16, 14, 10, 8, 4, 2.
    assert.equal(page.total, 10);
    assert.deepEqual(
      page.rows.map((r) => (r.input as { i: number }).i),
      [26, 22, 20],
    );
    assert.equal('logs' in page.rows[0]!, false);
    const asc = await listExecutions(db, {
      filters: [{ field: 'createdAt', op: 'gte', value: '2030-01-01T00:00:25Z' }],
      sort: { field: 'createdAt', order: 'asc' },
    });
    assert.deepEqual(
      asc.rows.map((r) => (r.input as { i: number }).i),
      [25, 26, 27, 28, 29],
    );
    const notIn = await listExecutions(db, {
      filters: [{ field: 'status', op: 'not_in', value: ['FAILED'] }],
    });
    assert.equal(notIn.total, 15);
    const none = await listExecutions(db, { filters: [{ field: 'status', op: 'in', value: [] }] });
    assert.equal(none.total, 0);
    await assert.rejects(
      listExecutions(db, { filters: [{ field: 'input', op: 'eq', value: 1 }] }),
      /cannot filter on "input"/,
    );
    await assert.rejects(
      listExecutions(db, { filters: [{ field: 'taskId', op: 'eq', value: 'abc' }] }),
      /not a number/,
    );
    await assert.rejects(listExecutions(db, { limit: 5000 }), /limit 5000/);
  },
);
