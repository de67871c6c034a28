// MCP tasks over stdio through the built CLI (`ratchet mcp-serve`, 2025-11-25, the local admin):
// the official client sends the task-augmented call and the tasks/* requests with explicit result
// schemas (the SDK has no typed task API). Build first: npx tsc -p tsconfig.build.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { pollTask, type WireTask } from './test-helpers/task-rpc.ts';
import { connectStdio, SAMPLE_TASKS } from './test-helpers.ts';

const open = z.looseObject({});

test('stdio: a task-augmented ratchet_execute_task runs in the background and its result is fetched', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-mcp-tasks-'));
  await cp(join(SAMPLE_TASKS, 'async-example'), join(dir, 'tasks', 'async-example'), { recursive: true });
  const { client } = await connectStdio(['mcp-serve'], { protocol: 'legacy', cwd: dir });
  try {
    assert.ok(client.getServerCapabilities()?.tasks?.requests?.tools?.call);
    const created = await client.request(
      {
        method: 'tools/call',
        params: {
          name: 'ratchet_execute_task',
          arguments: { task_id: 'async-example', input: { items: ['x', 'y', 'z'], delayMs: 400 } },
          task: { ttl: 600_000 },
        },
      },
      open,
    );
    const task = (created as { task: WireTask }).task;
    assert.equal(task.status, 'working');
    const { seen, last } = await pollTask(
      async () =>
        (await client.request(
          { method: 'tasks/get', params: { taskId: task.taskId } },
          open,
        )) as unknown as WireTask,
      ['completed', 'failed', 'cancelled'],
    );
    assert.equal(seen[0]!.status, 'working');
    assert.equal(last.status, 'completed', JSON.stringify(last));
    const result = (await client.request(
      { method: 'tasks/result', params: { taskId: task.taskId } },
      open,
    )) as {
      structuredContent: { status: string; output: unknown };
    };
    assert.equal(result.structuredContent.status, 'COMPLETED');
    assert.deepEqual(result.structuredContent.output, { count: 3, results: ['X', 'Y', 'Z'] });
    const list = (await client.request({ method: 'tasks/list', params: {} }, open)) as { tasks: WireTask[] };
    assert.ok(list.tasks.some((t) => t.taskId === task.taskId));
  } finally {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  }
});
