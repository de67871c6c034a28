// Only the host decides that a run was cancelled or timed out: a task throwing a value that names
// CancelledError or TimeoutError fails as a task error of that class, on a real server, through a
// synchronous execute and through a queued job run by a real worker, on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { startWorkers } from '../../app.ts';
import { forEachApi, type Api } from './test-helpers.ts';

const LIARS = {
  plainCancel: '() => { throw { type: "CancelledError", message: "pretend I was cancelled" }; }',
  plainTimeout: '() => { throw { type: "TimeoutError", message: "task exceeded its time limit of 1 ms" }; }',
  ownClass:
    '() => { class CancelledError extends Error { get name() { return "CancelledError"; } } throw new CancelledError("mine"); }',
};

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function finishedJob(api: Api, id: number) {
  return until(`job ${id} to finish`, async () => {
    const j = await api.call('GET', `/api/v1/jobs/${id}`);
    return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(j.body.data.status) ? j.body.data : undefined;
  });
}

forEachApi('a task cannot make its failure look like a cancel or a timeout', async (api) => {
  for (const [name, code] of Object.entries(LIARS)) {
    assert.equal((await api.call('POST', '/api/v1/tasks', { body: { name, code } })).status, 201);
  }
  await api.call('POST', '/api/v1/tasks', { body: { name: 'spin', code: '() => { for (;;) {} }' } });

  // Direct execution: FAILED with the class the task named, and no host verdict.
  for (const [name, type] of [
    ['plainCancel', 'CancelledError'],
    ['plainTimeout', 'TimeoutError'],
    ['ownClass', 'CancelledError'],
  ] as const) {
    const r = await api.call('POST', `/api/v1/tasks/${name}/execute`, { body: { input: {} } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.status, 'FAILED', `${name}: ${JSON.stringify(r.body.data)}`);
    assert.equal(r.body.data.error.type, type);
    assert.equal(r.body.data.error.stop, undefined);
    const stored = await api.call('GET', `/api/v1/executions/${r.body.data.executionId}`);
    assert.equal(stored.body.data.status, 'FAILED');
  }
  // The host's own timeout carries its verdict.
  const timedOut = await api.call('POST', '/api/v1/tasks/spin/execute', { body: { timeoutMs: 100 } });
  assert.equal(timedOut.body.data.status, 'FAILED');
  assert.equal(timedOut.body.data.error.type, 'TimeoutError');
  assert.equal(timedOut.body.data.error.stop, 'timeout');

  const node = await startWorkers(api.app, { threads: 1, heartbeatMs: 200, log: () => {} });
  try {
    // A queued job: the attempt fails (it is not cancelled, nor handed back), the execution too.
    const job = await api.call('POST', '/api/v1/jobs', { body: { taskId: 'plainCancel', maxRetries: 0 } });
    assert.equal(job.status, 201, JSON.stringify(job.body));
    const done = await finishedJob(api, job.body.data.id);
    assert.equal(done.status, 'FAILED');
    const execs = await api.call('GET', `/api/v1/executions?jobId=${job.body.data.id}`);
    assert.equal(execs.body.data.length, 1);
    assert.equal(execs.body.data[0].status, 'FAILED');
    assert.equal(execs.body.data[0].error.type, 'CancelledError');
    assert.equal(execs.body.data[0].error.stop, undefined);

    // A real cancel of a running job is still CANCELLED.
    const spin = await api.call('POST', '/api/v1/jobs', { body: { taskId: 'spin', timeoutMs: 60_000 } });
    const running = await until('the spinning execution', async () => {
      const r = await api.call('GET', `/api/v1/executions?jobId=${spin.body.data.id}`);
      return r.body.data[0] as { id: number } | undefined;
    });
    await api.call('POST', `/api/v1/executions/${running.id}/cancel`);
    assert.equal((await finishedJob(api, spin.body.data.id)).status, 'CANCELLED');
    const cancelled = await api.call('GET', `/api/v1/executions/${running.id}`);
    assert.equal(cancelled.body.data.status, 'CANCELLED');
    assert.equal(cancelled.body.data.error.stop, 'cancelled');
  } finally {
    await node.stop(1000);
  }
  const stats = await api.call('GET', '/api/v1/jobs/stats');
  assert.equal(stats.body.data.byStatus.CANCELLED, 1);
  assert.equal(stats.body.data.byStatus.FAILED, 1);
});
