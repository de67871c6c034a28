// Executions, jobs, schedules, workers, repositories, API keys and the audit log end to end over
// real HTTP on both backends, with a real worker node running the queued jobs.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { after } from 'node:test';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startWorkers } from '../../app.ts';
import { ADDITION, forEachApi, type Api } from './test-helpers.ts';

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function jobStatus(api: Api, id: number, status: string) {
  return until(`job ${id} ${status}`, async () => {
    const j = await api.call('GET', `/api/v1/jobs/${id}`);
    return j.body.data.status === status ? j.body.data : undefined;
  });
}

forEachApi(
  'executions: list filters, logs, trace, cancel and retry of synchronous runs, stats',
  async (api) => {
    const http = createServer((_req, res) => res.end(JSON.stringify({ hello: 'world' })));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as { port: number }).port;
    // The server is on loopback, which tasks may not reach unless its exact host:port is allowed.
    api.app.config.http.allowed_hosts = [`127.0.0.1:${port}`];
    try {
      await api.call('POST', '/api/v1/tasks', {
        body: {
          name: 'caller',
          code: `(i) => { console.log("calling"); const r = fetch("http://127.0.0.1:${port}/x"); return r.json(); }`,
        },
      });
      const run = await api.call('POST', '/api/v1/tasks/caller/execute', { body: {} });
      assert.deepEqual(run.body.data.output, { hello: 'world' });
      const id = run.body.data.executionId;
      const logs = await api.call('GET', `/api/v1/executions/${id}/logs`);
      assert.equal(logs.body.data.logs[0].message, 'calling');
      const trace = await api.call('GET', `/api/v1/executions/${run.body.data.uuid}/trace`);
      assert.equal(trace.body.data.http.length, 1);
      assert.match(JSON.stringify(trace.body.data.http[0]), new RegExp(`127\\.0\\.0\\.1:${port}/x`));
    } finally {
      http.close();
    }
    await api.call('POST', '/api/v1/tasks/addition/execute', { body: { input: { num1: 1, num2: 1 } } });
    const byName = await api.call('GET', '/api/v1/executions?taskId=addition&status=completed');
    assert.equal(byName.headers.get('x-total-count'), '1');
    const notIn = await api.call('GET', '/api/v1/executions?taskId_not_in=addition');
    assert.equal(notIn.body.data[0].taskId, (await api.call('GET', '/api/v1/tasks/caller')).body.data.id);
    assert.equal((await api.call('GET', '/api/v1/executions?taskId=ghost')).status, 404);
    assert.equal((await api.call('GET', '/api/v1/executions/999999')).status, 404);

    // Cancel a synchronous run while it spins; the execute call answers CANCELLED.
    await api.call('POST', '/api/v1/tasks', { body: { name: 'spin', code: '() => { for (;;) {} }' } });
    const pending = api.call('POST', '/api/v1/tasks/spin/execute', { body: { timeoutMs: 20_000 } });
    const running = await until('a RUNNING execution', async () => {
      const r = await api.call('GET', '/api/v1/executions?status=RUNNING');
      return r.body.data[0] as { id: number } | undefined;
    });
    const cancel = await api.call('POST', `/api/v1/executions/${running.id}/cancel`);
    assert.equal(cancel.status, 200);
    assert.equal(cancel.body.data.stopping, true);
    assert.equal((await pending).body.data.status, 'CANCELLED');
    assert.equal((await api.call('POST', `/api/v1/executions/${running.id}/cancel`)).status, 409);

    const retry = await api.call('POST', `/api/v1/executions/${running.id}/retry`);
    assert.equal(retry.status, 202);
    assert.equal(retry.body.data.requeued, false);
    assert.equal(retry.body.data.job.status, 'QUEUED');
    assert.equal(retry.body.data.job.taskVersionId, cancel.body.data.execution.taskVersionId);

    const stats = await api.call('GET', '/api/v1/executions/stats');
    assert.equal(stats.body.data.total, 3);
    assert.equal(stats.body.data.byStatus.CANCELLED, 1);
    assert.equal(stats.body.data.lastHour, 3);
    // Durations over all executions, each figure from its own indexed query.
    const { minDurationMs, maxDurationMs, averageDurationMs, lastExecutionAt } = stats.body.data;
    assert.ok(minDurationMs <= averageDurationMs && averageDurationMs <= maxDurationMs);
    assert.ok(Date.parse(lastExecutionAt) > Date.now() - 60_000);
    const timeline = await api.call('GET', '/api/v1/executions/timeline?minutes=10&bucketSeconds=300');
    assert.equal(timeline.body.data.buckets.length, 2);
    const sum = (key: string) =>
      (timeline.body.data.buckets as Record<string, number>[]).reduce((n, b) => n + b[key]!, 0);
    assert.deepEqual(
      ['completed', 'failed', 'cancelled', 'open'].map(sum).reduce((a, b) => a + b),
      3,
    );
    assert.equal(sum('cancelled'), 1);
    assert.equal(typeof timeline.body.data.durationMs.p50, 'number');
    const badWindow = await api.call('GET', '/api/v1/executions/timeline?minutes=10&bucketSeconds=45');
    assert.equal(badWindow.status, 422);
    assert.match(JSON.stringify(badWindow.body), /must divide the window/);
  },
);

forEachApi(
  'jobs: create (priorities, schedule, idempotency, destinations), update, run, cancel, retry',
  async (api) => {
    const bad = await api.call('POST', '/api/v1/jobs', {
      body: {
        taskId: 'addition',
        input: { num1: 1, num2: 2 },
        outputDestinations: [{ type: 'webhook', url: 'ftp://x' }],
      },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.details.fields[0].path, '$.outputDestinations[0].url');
    const later = await api.call('POST', '/api/v1/jobs', {
      body: {
        taskId: 'addition',
        input: { num1: 1, num2: 2 },
        priority: 'low',
        scheduledFor: '2099-01-01T00:00:00Z',
      },
    });
    assert.equal(later.status, 201);
    assert.equal(later.body.data.priority, 'LOW');
    assert.deepEqual(later.body.data.input, { num1: 1, num2: 2 });
    const id = later.body.data.id;
    const up = await api.call('PATCH', `/api/v1/jobs/${later.body.data.uuid}`, { body: { priority: 20 } });
    assert.equal(up.body.data.priority, 'CRITICAL');
    assert.equal(
      (await api.call('PATCH', `/api/v1/jobs/${id}`, { body: { priority: 'URGENT' } })).status,
      422,
    );
    assert.equal((await api.call('PATCH', `/api/v1/jobs/${id}`, { body: {} })).status, 422);
    const second = await api.call('POST', '/api/v1/jobs', {
      body: {
        taskId: 1,
        input: { num1: 3, num2: 4 },
        priority: 'HIGH',
        idempotencyKey: 'k1',
        scheduledFor: '2099-01-01T00:00:00Z',
      },
    });
    const again = await api.call('POST', '/api/v1/jobs', {
      body: { taskId: 1, input: { num1: 3, num2: 4 }, idempotencyKey: 'k1' },
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.data.id, second.body.data.id);
    // Priorities sort numerically (CRITICAL 20 above HIGH 10), and filter by name.
    const sorted = await api.call('GET', '/api/v1/jobs?_sort=priority&_order=desc');
    assert.deepEqual(
      sorted.body.data.map((j: { priority: string }) => j.priority),
      ['CRITICAL', 'HIGH'],
    );
    const high = await api.call('GET', '/api/v1/jobs?priority=high');
    assert.equal(high.headers.get('x-total-count'), '1');
    const cancelled = await api.call('POST', `/api/v1/jobs/${id}/cancel`);
    assert.equal(cancelled.body.data.job.status, 'CANCELLED');
    assert.equal((await api.call('POST', `/api/v1/jobs/${id}/cancel`)).status, 409);
    assert.equal((await api.call('PATCH', `/api/v1/jobs/${id}`, { body: { priority: 'LOW' } })).status, 409);
    const retried = await api.call('POST', `/api/v1/jobs/${id}/retry`);
    assert.equal(retried.body.data.status, 'QUEUED');
    assert.equal((await api.call('POST', `/api/v1/jobs/${id}/retry`)).status, 409);

    await api.call('POST', '/api/v1/tasks', {
      body: { name: 'fails', code: '() => { throw new Error("boom"); }' },
    });
    const node = await startWorkers(api.app, { threads: 1, heartbeatMs: 200, log: () => {} });
    try {
      const ok = await api.call('POST', '/api/v1/jobs', {
        body: { taskId: 'addition', input: { num1: 2, num2: 2 } },
      });
      await jobStatus(api, ok.body.data.id, 'COMPLETED');
      const f = await api.call('POST', '/api/v1/jobs', { body: { taskId: 'fails', maxRetries: 0 } });
      await jobStatus(api, f.body.data.id, 'FAILED');
      const exec = await api.call('GET', `/api/v1/executions?jobId=${f.body.data.id}`);
      assert.equal(exec.body.data[0].status, 'FAILED');
      const requeue = await api.call('POST', `/api/v1/executions/${exec.body.data[0].id}/retry`);
      assert.equal(requeue.body.data.requeued, true);
      assert.equal(requeue.body.data.job.id, f.body.data.id);
      await jobStatus(api, f.body.data.id, 'FAILED');

      await api.call('POST', '/api/v1/tasks', { body: { name: 'spin', code: '() => { for (;;) {} }' } });
      const s = await api.call('POST', '/api/v1/jobs', { body: { taskId: 'spin', timeoutMs: 20_000 } });
      await jobStatus(api, s.body.data.id, 'PROCESSING');
      const running = await until('its execution', async () => {
        const r = await api.call('GET', `/api/v1/executions?jobId=${s.body.data.id}`);
        return r.body.data[0] as { id: number } | undefined;
      });
      const stop = await api.call('POST', `/api/v1/executions/${running.id}/cancel`);
      assert.equal(stop.body.data.stopping, true);
      await jobStatus(api, s.body.data.id, 'CANCELLED');

      const workers = await until('a worker heartbeat with totals', async () => {
        const w = await api.call('GET', '/api/v1/workers?status=online');
        return w.body.data[0]?.jobsCompleted >= 1 ? w : undefined;
      });
      assert.equal(workers.body.data[0].capacity, 1);
      const one = await api.call('GET', `/api/v1/workers/${encodeURIComponent(workers.body.data[0].id)}`);
      assert.equal(one.body.data.id, node.id);
      const ws = await api.call('GET', '/api/v1/workers/stats');
      assert.equal(ws.body.data.online, 1);
      assert.equal(ws.body.data.capacity, 1);
      assert.ok(ws.body.data.jobsCompleted >= 1);
      assert.equal((await api.call('GET', '/api/v1/workers/nobody')).status, 404);
    } finally {
      await node.stop(1000);
    }
    const js = await api.call('GET', '/api/v1/jobs/stats');
    assert.equal(js.body.data.byStatus.COMPLETED, 2); // the retried job ran too
    assert.equal(js.body.data.scheduled, 1);
  },
);

forEachApi('schedules: create, get by name, update, enable/disable, trigger, stats, delete', async (api) => {
  const bad = await api.call('POST', '/api/v1/schedules', {
    body: { taskId: 'addition', name: 'x', cronExpression: '61 * * * *', input: { num1: 1, num2: 2 } },
  });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.details.fields[0].path, '$.cronExpression');
  const created = await api.call('POST', '/api/v1/schedules', {
    body: {
      taskId: 'addition',
      name: 'nightly',
      cronExpression: '0 3 * * *',
      input: { num1: 1, num2: 2 },
      missedRunPolicy: 'RUN_ONCE',
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.data.missedRunPolicy, 'RUN_ONCE');
  assert.deepEqual(created.body.data.input, { num1: 1, num2: 2 });
  const up = await api.call('PUT', '/api/v1/schedules/nightly', {
    body: { cronExpression: '0 5 * * *', timezone: 'Europe/Paris' },
  });
  assert.equal(up.body.data.timezone, 'Europe/Paris');
  assert.notEqual(up.body.data.nextRunAt, created.body.data.nextRunAt);
  const off = await api.call('POST', `/api/v1/schedules/${created.body.data.uuid}/disable`);
  assert.equal(off.body.data.enabled, false);
  assert.equal(off.body.data.nextRunAt, null);
  const on = await api.call('POST', `/api/v1/schedules/${created.body.data.id}/enable`);
  assert.equal(on.body.data.enabled, true);
  const fired = await api.call('POST', '/api/v1/schedules/nightly/trigger');
  assert.equal(fired.status, 202);
  assert.equal(fired.body.data.job.scheduleId, created.body.data.id);
  assert.deepEqual(fired.body.data.job.input, { num1: 1, num2: 2 });
  const list = await api.call('GET', '/api/v1/schedules?taskId=addition&name_like=night');
  assert.equal(list.headers.get('x-total-count'), '1');
  const stats = await api.call('GET', '/api/v1/schedules/stats');
  assert.equal(stats.body.data.total, 1);
  assert.equal(stats.body.data.enabled, 1);
  assert.equal(stats.body.data.jobsByStatus.QUEUED, 1);
  assert.equal((await api.call('DELETE', '/api/v1/schedules/nightly')).status, 200);
  assert.equal((await api.call('GET', '/api/v1/schedules/nightly')).status, 404);
});

// One folder source holding a copy of the addition task, and one whose folder does not exist.
const SOURCE_DIR = mkdtempSync(path.join(tmpdir(), 'ratchet-rest-src-'));
cpSync(ADDITION, path.join(SOURCE_DIR, 'adder'), { recursive: true });
// A task of its own name: `addition` is already in the store (seeded, from no source).
writeFileSync(
  path.join(SOURCE_DIR, 'adder', 'metadata.json'),
  JSON.stringify({ name: 'adder', version: '1.0.0', description: 'adds' }),
);
after(() => rmSync(SOURCE_DIR, { recursive: true, force: true }));

forEachApi(
  'repositories: list configured sources, get, sync one and all',
  async (api) => {
    const before = await api.call('GET', '/api/v1/repositories?_sort=name');
    assert.equal(before.status, 200, JSON.stringify(before.body));
    assert.deepEqual(
      before.body.data.map((r: { name: string }) => r.name),
      ['gone', 'local'],
    );
    assert.equal(before.body.data[1].id, null);
    assert.equal(before.body.data[1].kind, 'FILE');
    const synced = await api.call('POST', '/api/v1/repositories/local/sync');
    assert.equal(synced.status, 200, JSON.stringify(synced.body));
    assert.equal(synced.body.data.ok, true);
    assert.deepEqual(synced.body.data.report.added, ['adder@1.0.0']);
    const got = await api.call('GET', '/api/v1/repositories/local');
    assert.equal(got.body.data.tasks, 1);
    assert.equal(typeof got.body.data.id, 'number');
    assert.equal((await api.call('GET', `/api/v1/repositories/${got.body.data.id}`)).body.data.name, 'local');
    const all = await api.call('POST', '/api/v1/repositories/sync');
    const gone = all.body.data.find((r: { source: string }) => r.source === 'gone');
    assert.equal(gone.ok, false);
    assert.ok(gone.error);
    const withTasks = await api.call('GET', '/api/v1/repositories?tasks_gte=1');
    assert.equal(withTasks.headers.get('x-total-count'), '1');
    assert.equal((await api.call('GET', '/api/v1/repositories/nope')).status, 404);
  },
  {
    registry: {
      sources: [
        { name: 'local', uri: `file://${SOURCE_DIR}` },
        { name: 'gone', uri: `file://${SOURCE_DIR}/missing` },
      ],
    },
  },
);

forEachApi('api keys and audit: admin only, secrets shown once, every mutation audited', async (api) => {
  const admin = await api.call('POST', '/api/v1/api-keys', { body: { name: 'root', role: 'admin' } });
  assert.equal(admin.status, 201);
  assert.match(admin.body.data.key, /^rk_/);
  const viewer = await api.call('POST', '/api/v1/api-keys', {
    body: { name: 'ro', role: 'viewer', expiresIn: '30d' },
  });
  assert.ok(viewer.body.data.expiresAt);
  assert.equal(
    (await api.call('POST', '/api/v1/api-keys', { body: { name: 'x', role: 'god' } })).status,
    422,
  );
  const asViewer = { authorization: `Bearer ${viewer.body.data.key}` };
  const asAdmin = { authorization: `Bearer ${admin.body.data.key}` };
  assert.equal((await api.call('GET', '/api/v1/api-keys', { headers: asViewer })).status, 403);
  assert.equal((await api.call('GET', '/api/v1/audit', { headers: asViewer })).status, 403);
  assert.equal((await api.call('GET', '/api/v1/tasks', { headers: asViewer })).status, 200);
  const denied = await api.call('POST', '/api/v1/tasks/addition/execute', { headers: asViewer, body: {} });
  assert.equal(denied.status, 403);
  const keys = await api.call('GET', '/api/v1/api-keys?role=viewer', { headers: asAdmin });
  assert.equal(keys.body.data.length, 1);
  assert.equal(keys.body.data[0].keyHash, undefined);
  assert.equal(keys.body.data[0].key, undefined);
  const made = await api.call('POST', '/api/v1/tasks', {
    headers: asAdmin,
    body: { name: 'by-root', code: '(i) => i' },
  });
  assert.equal(made.body.data.version.changedBy, 'root');
  const revoked = await api.call('DELETE', `/api/v1/api-keys/${viewer.body.data.prefix}`, {
    headers: asAdmin,
  });
  assert.ok(revoked.body.data.revokedAt);
  assert.equal((await api.call('GET', '/api/v1/tasks', { headers: asViewer })).status, 401);
  assert.equal((await api.call('DELETE', '/api/v1/api-keys/zzzzzzzz', { headers: asAdmin })).status, 404);
  const audit = await until('audit rows', async () => {
    const a = await api.call('GET', '/api/v1/audit?actor=root&action_like=tasks', { headers: asAdmin });
    return a.body.data.length > 0 ? a : undefined;
  });
  assert.equal(audit.body.data[0].action, 'POST /api/v1/tasks');
  const refusals = await api.call('GET', '/api/v1/audit?outcome_like=FORBIDDEN', { headers: asAdmin });
  assert.ok(refusals.body.data.length >= 1);
});
