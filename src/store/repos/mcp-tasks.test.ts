// MCP task rows on both backends: owner and expiry filters, conditional finish (a cancel is not
// overwritten by a late completion, whose result is still kept), heartbeat, paging, pruning.
import assert from 'node:assert/strict';
import { forEachBackend } from '../test-helpers/backends.ts';
import {
  findMcpTask,
  finishMcpTask,
  heartbeatMcpTask,
  insertMcpTask,
  listMcpTasks,
  pruneMcpTasks,
  setMcpTaskExecutions,
  setMcpTaskMessage,
} from './mcp-tasks.ts';

const base = { tool: 'ratchet_execute_task', ttlMs: 60_000, pollIntervalMs: 1000, node: 'n1' };

forEachBackend('mcp tasks: owner-only reads, expiry, messages, executions, heartbeat', async ({ db }) => {
  const now = 1_700_000_000_000;
  const t = await insertMcpTask(db, { ...base, id: 'a1', owner: 'key:1', now, statusMessage: 'started' });
  assert.equal(t.status, 'working');
  assert.equal(t.createdAt, new Date(now).toISOString());
  assert.equal(t.expiresAt, now + 60_000);
  assert.equal((await findMcpTask(db, 'key:1', 'a1', now))?.statusMessage, 'started');
  assert.equal(await findMcpTask(db, 'key:2', 'a1', now), undefined, 'another owner');
  assert.equal(await findMcpTask(db, 'key:1', 'a1', now + 60_000), undefined, 'expired');
  await setMcpTaskMessage(db, 'a1', '50% — half', now + 10);
  await setMcpTaskExecutions(db, 'a1', [7, 9]);
  const got = (await findMcpTask(db, 'key:1', 'a1', now))!;
  assert.equal(got.statusMessage, '50% — half');
  assert.deepEqual(got.executionIds, [7, 9]);
  assert.equal(got.updatedAt, new Date(now + 10).toISOString());
  assert.equal(await heartbeatMcpTask(db, 'a1', now + 500), 'working');
  assert.equal((await findMcpTask(db, 'key:1', 'a1', now))!.heartbeatAt, now + 500);
  assert.equal(await heartbeatMcpTask(db, 'gone'), undefined);
});

forEachBackend('mcp tasks: a cancel wins over a late completion, whose result is kept', async ({ db }) => {
  await insertMcpTask(db, { ...base, id: 'c1', owner: 'local' });
  assert.equal(await finishMcpTask(db, 'c1', { status: 'cancelled', statusMessage: 'by client' }), true);
  const result = { content: [{ type: 'text', text: '{}' }], structuredContent: { status: 'CANCELLED' } };
  assert.equal(await finishMcpTask(db, 'c1', { status: 'completed', result }), false);
  const t = (await findMcpTask(db, 'local', 'c1'))!;
  assert.equal(t.status, 'cancelled');
  assert.equal(t.statusMessage, 'by client');
  assert.deepEqual(t.result, result);
  assert.equal(await heartbeatMcpTask(db, 'c1'), 'cancelled', 'the runner learns of the cancel');
  // A second finish of a working task with an error.
  await insertMcpTask(db, { ...base, id: 'f1', owner: 'local' });
  await finishMcpTask(db, 'f1', { status: 'failed', error: { code: 'RUNNER_LOST', message: 'gone' } });
  assert.deepEqual((await findMcpTask(db, 'local', 'f1'))!.error, { code: 'RUNNER_LOST', message: 'gone' });
});

forEachBackend(
  'mcp tasks: list newest first per owner with paging; prune removes expired',
  async ({ db }) => {
    const now = Date.now();
    for (let i = 0; i < 5; i++) await insertMcpTask(db, { ...base, id: `t${i}`, owner: 'me', now: now + i });
    await insertMcpTask(db, { ...base, id: 'other', owner: 'you', now });
    await insertMcpTask(db, { ...base, id: 'old', owner: 'me', now: now - 120_000 });
    assert.deepEqual(
      (await listMcpTasks(db, 'me', { limit: 3, offset: 0 }, now + 10)).map((t) => t.id),
      ['t4', 't3', 't2'],
    );
    assert.deepEqual(
      (await listMcpTasks(db, 'me', { limit: 3, offset: 3 }, now + 10)).map((t) => t.id),
      ['t1', 't0'],
    );
    assert.equal(await pruneMcpTasks(db, now + 10), 1);
    assert.equal(await pruneMcpTasks(db, now + 10), 0);
  },
);
