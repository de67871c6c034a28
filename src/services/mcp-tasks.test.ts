// The MCP task service on both backends: ttl bounds, owner-only access, a silent runner's task
// is failed when read, cancel (and its conflict once ended), waiting for the end (and giving up
// when the caller aborts), list cursors.
import assert from 'node:assert/strict';
import { forEachApp } from './scheduling/test-app.ts';
import { ConflictError, NotFoundError } from '../store/codec.ts';
import { finishMcpTask } from '../store/repos/mcp-tasks.ts';
import { ValidationError } from './errors.ts';
import {
  cancelMcpTask,
  clampTtl,
  createMcpTask,
  DEFAULT_TASK_TTL_MS,
  getMcpTask,
  listMcpTaskPage,
  MAX_TASK_TTL_MS,
  MIN_TASK_TTL_MS,
  startMcpTaskRun,
  TASK_STALE_MS,
  waitForMcpTask,
} from './mcp-tasks.ts';

forEachApp('mcp task service: ttl, ownership, stale runner, cancel, wait', async (app) => {
  assert.equal(clampTtl(undefined), DEFAULT_TASK_TTL_MS);
  assert.equal(clampTtl(5), MIN_TASK_TTL_MS);
  assert.equal(clampTtl(10 * MAX_TASK_TTL_MS), MAX_TASK_TTL_MS);

  const t = await createMcpTask(app, { owner: 'key:1', tool: 'ratchet_execute_task', ttlMs: 120_000 });
  assert.equal(t.ttlMs, 120_000);
  await assert.rejects(getMcpTask(app, 'key:2', t.id), NotFoundError);

  // Nobody heartbeats this task: once it has been silent long enough, reading it fails it.
  await app.store.db
    .updateTable('mcp_tasks')
    .set({ heartbeat_at: Date.now() - TASK_STALE_MS - 1000 })
    .where('id', '=', t.id)
    .execute();
  const stale = await getMcpTask(app, 'key:1', t.id);
  assert.equal(stale.status, 'failed');
  assert.equal(stale.error?.code, 'RUNNER_LOST');
  await assert.rejects(cancelMcpTask(app, 'key:1', t.id), ConflictError);
  assert.equal((await waitForMcpTask(app, 'key:1', t.id, new AbortController().signal)).status, 'failed');

  // A run in this process: cancel reaches its hook at once.
  const u = await createMcpTask(app, { owner: 'key:1', tool: 'ratchet_batch_execute' });
  let hooked = 0;
  const run = startMcpTaskRun(app, u.id, () => hooked++);
  try {
    const abort = new AbortController();
    const waiting = waitForMcpTask(app, 'key:1', u.id, abort.signal);
    abort.abort(new Error('client went away'));
    await assert.rejects(waiting, /client went away/);
    assert.equal((await cancelMcpTask(app, 'key:1', u.id)).status, 'cancelled');
    assert.equal(hooked, 1);
    await run.finish('completed', { content: [], structuredContent: { ok: true } });
    const ended = await waitForMcpTask(app, 'key:1', u.id, new AbortController().signal);
    assert.equal(ended.status, 'cancelled');
    assert.deepEqual(ended.result, { content: [], structuredContent: { ok: true } });
  } finally {
    run.close();
  }
  await finishMcpTask(app.store.db, u.id, { status: 'completed' });
});

forEachApp('mcp task service: list pages with cursors; a foreign cursor is refused', async (app) => {
  for (let i = 0; i < 52; i++) await createMcpTask(app, { owner: 'local', tool: 'ratchet_execute_task' });
  const first = await listMcpTaskPage(app, 'local');
  assert.equal(first.tasks.length, 50);
  assert.ok(first.nextCursor);
  const second = await listMcpTaskPage(app, 'local', first.nextCursor);
  assert.equal(second.tasks.length, 2);
  assert.equal(second.nextCursor, undefined);
  assert.equal(new Set([...first.tasks, ...second.tasks].map((t) => t.id)).size, 52);
  await assert.rejects(listMcpTaskPage(app, 'local', 'bm90LWEtbnVtYmVy'), ValidationError);
  assert.deepEqual((await listMcpTaskPage(app, 'someone-else')).tasks, []);
});
