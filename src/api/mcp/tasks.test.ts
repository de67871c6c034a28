// MCP tasks over HTTP (2025-11-25, raw JSON-RPC on the real /mcp): a task-augmented call answers
// at once, tasks/get follows it to completed, tasks/result gives what a plain call gives,
// tasks/list lists it, tasks/cancel stops an endless run (its execution ends CANCELLED), a cancel
// written by another node reaches the run, tasks are private to their principal, and 2026-07-28
// clients see no task support while plain calls keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createKey } from '../../services/api-keys.ts';
import { getExecutionRecord } from '../../services/executions.ts';
import { finishMcpTask } from '../../store/repos/mcp-tasks.ts';
import { saveTask } from '../../workers/test-helpers.ts';
import { call, pollTask, rpc, type WireTask } from './test-helpers/task-rpc.ts';
import { ok, withMcpHttp } from './test-helpers.ts';

const SLOW_ARGS = { task_id: 'async-example', input: { items: ['a', 'b', 'c', 'd'], delayMs: 500 } };
const SPIN =
  'async function main(input, context) { context.reportProgress(0.1, "spinning"); while (true) {} }';

/** structuredContent minus what differs between two runs of the same input. */
function stable(s: Record<string, unknown>): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...s };
  for (const k of [
    'execution_id',
    'execution_uuid',
    'duration_ms',
    'started_at',
    'finished_at',
    'created_at',
  ])
    delete rest[k];
  if (rest.progress && typeof rest.progress === 'object')
    rest.progress = { ...rest.progress, timestamp: 'any' };
  return rest;
}

test('task-augmented ratchet_execute_task: answered at once, working → completed, result as a plain call, listed', async () => {
  await withMcpHttp(
    async ({ base, app, connect }) => {
      const init = await call(base, 'initialize', {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      });
      assert.deepEqual((init.capabilities as { tasks?: unknown }).tasks, {
        list: {},
        cancel: {},
        requests: { tools: { call: {} } },
      });
      const listed = (await call(base, 'tools/list')).tools as { name: string; execution?: unknown }[];
      for (const name of ['ratchet_execute_task', 'ratchet_batch_execute']) {
        assert.deepEqual(listed.find((t) => t.name === name)?.execution, { taskSupport: 'optional' });
      }
      assert.equal(listed.find((t) => t.name === 'ratchet_list_jobs')?.execution, undefined);

      const created = await call(base, 'tools/call', {
        name: 'ratchet_execute_task',
        arguments: SLOW_ARGS,
        task: { ttl: 120_000 },
      });
      // The run takes two seconds; the answer does not wait for it: the task is still working.
      const task = created.task as WireTask;
      assert.equal(task.status, 'working');
      assert.match(task.taskId, /^[0-9a-f-]{36}$/);
      assert.equal(task.ttl, 120_000);
      assert.equal(task.pollInterval, 1000);
      assert.ok(Date.parse(task.createdAt) > 0 && Date.parse(task.lastUpdatedAt) > 0);

      const { seen, last } = await pollTask(
        async () => (await call(base, 'tasks/get', { taskId: task.taskId })) as unknown as WireTask,
        ['completed', 'failed', 'cancelled'],
      );
      assert.equal(last.status, 'completed', JSON.stringify(last));
      assert.equal(seen[0]!.status, 'working');
      assert.ok(
        seen.some((t) => t.status === 'working' && /% — processed [abc]/.test(t.statusMessage ?? '')),
        `progress reached statusMessage: ${JSON.stringify(seen.map((t) => t.statusMessage))}`,
      );
      assert.equal(last.statusMessage, 'execution COMPLETED');

      const result = await call(base, 'tasks/result', { taskId: task.taskId });
      assert.deepEqual((result._meta as Record<string, unknown>)['io.modelcontextprotocol/related-task'], {
        taskId: task.taskId,
      });
      const viaTask = result.structuredContent as Record<string, unknown>;
      assert.equal(viaTask.status, 'COMPLETED');
      const execution = await getExecutionRecord(app, viaTask.execution_id as number);
      assert.equal(execution.status, 'COMPLETED');

      const client = await connect({ protocol: 'legacy' });
      const plain = ok(await client.callTool({ name: 'ratchet_execute_task', arguments: SLOW_ARGS }));
      assert.deepEqual(stable(viaTask), stable(plain));
      assert.deepEqual(
        JSON.parse((result.content as { text: string }[])[0]!.text) as unknown,
        viaTask,
        'text content carries the same JSON',
      );

      const tasks = (await call(base, 'tasks/list')).tasks as WireTask[];
      assert.deepEqual(
        tasks.map((t) => [t.taskId, t.status]),
        [[task.taskId, 'completed']],
      );
      const again = await rpc(base, 'tasks/cancel', { taskId: task.taskId });
      assert.equal(again.error?.code, -32602);
      assert.match(again.error?.message ?? '', /already ended \(completed\)/);
    },
    { mcp: { tools: { toolsets: ['all'] } } },
    ['async-example'],
  );
});

test('task-augmented ratchet_batch_execute completes with the batch summary', async () => {
  await withMcpHttp(async ({ base }) => {
    const created = await call(base, 'tools/call', {
      name: 'ratchet_batch_execute',
      arguments: {
        requests: [
          { id: 'a', task_id: 'addition', input: { num1: 1, num2: 2 } },
          { id: 'b', task_id: 'addition', input: { num1: 3, num2: 4 }, dependencies: ['a'] },
        ],
        execution_mode: 'dependency',
      },
      task: {},
    });
    const id = (created.task as WireTask).taskId;
    // tasks/result blocks until the task ends.
    const result = await call(base, 'tasks/result', { taskId: id });
    const out = result.structuredContent as { results: { output: { sum: number } }[]; summary: unknown };
    assert.deepEqual(
      out.results.map((r) => r.output.sum),
      [3, 7],
    );
    const t = (await call(base, 'tasks/get', { taskId: id })) as unknown as WireTask;
    assert.equal(t.status, 'completed');
    assert.equal(t.ttl, 3_600_000, 'default retention');
    assert.match(t.statusMessage ?? '', /^batch: .*"completed":2/);
  });
});

async function runningExecution(app: Parameters<typeof getExecutionRecord>[0]): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const row = await app.store.db
      .selectFrom('executions')
      .select(['id', 'status'])
      .where('status', '=', 'RUNNING')
      .executeTakeFirst();
    if (row) return Number(row.id);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no RUNNING execution appeared');
}

test('tasks/cancel stops an endless run: task cancelled, execution CANCELLED, result says so', async () => {
  await withMcpHttp(
    async ({ base, app }) => {
      const created = await call(base, 'tools/call', {
        name: 'ratchet_execute_task',
        arguments: { task_id: 'spin' },
        task: { ttl: 60_000 },
      });
      const id = (created.task as WireTask).taskId;
      const executionId = await runningExecution(app);
      const cancelled = (await call(base, 'tasks/cancel', { taskId: id })) as unknown as WireTask;
      assert.equal(cancelled.status, 'cancelled');
      const result = await call(base, 'tasks/result', { taskId: id });
      assert.equal((result.structuredContent as { status: string }).status, 'CANCELLED');
      assert.equal((await getExecutionRecord(app, executionId)).status, 'CANCELLED');
      const t = (await call(base, 'tasks/get', { taskId: id })) as unknown as WireTask;
      assert.equal(t.status, 'cancelled', 'the finished run does not overwrite the cancel');
      assert.equal(t.statusMessage, 'cancelled by the client');
    },
    {},
    ['addition'],
    async (app) => void (await saveTask(app, 'spin', SPIN, { timeout: 30_000 })),
  );
});

test('a cancel written by another node reaches the run through its heartbeat', async () => {
  await withMcpHttp(
    async ({ base, app }) => {
      const created = await call(base, 'tools/call', {
        name: 'ratchet_execute_task',
        arguments: { task_id: 'spin' },
        task: {},
      });
      const id = (created.task as WireTask).taskId;
      const executionId = await runningExecution(app);
      // What cancelMcpTask on a node that does not run the task amounts to: the row only.
      assert.equal(await finishMcpTask(app.store.db, id, { status: 'cancelled' }), true);
      for (let i = 0; i < 100 && (await getExecutionRecord(app, executionId)).status === 'RUNNING'; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal((await getExecutionRecord(app, executionId)).status, 'CANCELLED');
    },
    {},
    ['addition'],
    async (app) => void (await saveTask(app, 'spin', SPIN, { timeout: 30_000 })),
  );
});

test("a principal sees only its own tasks; another key's get/result/cancel find nothing", async () => {
  const keys: { a?: string; b?: string } = {};
  await withMcpHttp(
    async ({ base }) => {
      const created = await call(
        base,
        'tools/call',
        {
          name: 'ratchet_execute_task',
          arguments: { task_id: 'addition', input: { num1: 1, num2: 1 } },
          task: {},
        },
        keys.a,
      );
      const id = (created.task as WireTask).taskId;
      await call(base, 'tasks/result', { taskId: id }, keys.a);
      for (const method of ['tasks/get', 'tasks/result', 'tasks/cancel']) {
        const r = await rpc(base, method, { taskId: id }, keys.b);
        assert.equal(r.error?.code, -32602, `${method}: ${JSON.stringify(r)}`);
        assert.match(r.error?.message ?? '', /no task/);
      }
      assert.deepEqual((await call(base, 'tasks/list', {}, keys.b)).tasks, []);
      assert.equal(((await call(base, 'tasks/list', {}, keys.a)).tasks as unknown[]).length, 1);
      assert.equal(
        ((await call(base, 'tasks/get', { taskId: id }, keys.a)) as { status: string }).status,
        'completed',
      );
    },
    { server: { auth: { required: true } } },
    ['addition'],
    async (app) => {
      // Same name on purpose: ownership follows the key, not its display name.
      keys.a = (await createKey(app.store.db, { name: 'agent', role: 'operator' })).key;
      keys.b = (await createKey(app.store.db, { name: 'agent', role: 'operator' })).key;
    },
  );
});

test('2026-07-28 clients: no task support listed, no tasks/* methods, plain calls work', async () => {
  await withMcpHttp(async ({ connect }) => {
    const client = await connect({ protocol: 'modern' });
    assert.equal(client.getServerCapabilities()?.tasks, undefined);
    const tool = (await client.listTools()).tools.find((t) => t.name === 'ratchet_execute_task');
    assert.ok(tool);
    assert.equal(tool.execution, undefined);
    const res = ok(
      await client.callTool({
        name: 'ratchet_execute_task',
        arguments: { task_id: 'addition', input: { num1: 2, num2: 3 } },
      }),
    );
    assert.deepEqual(res.output, { sum: 5, product: 6 });
    // The tasks/* methods are not part of that protocol: the client refuses to send them at all.
    await assert.rejects(
      async () => client.request({ method: 'tasks/list', params: {} }, z.looseObject({})),
      /not supported by the negotiated protocol version/,
    );
    const legacy = await connect({ protocol: 'legacy' });
    assert.ok(legacy.getServerCapabilities()?.tasks, 'the same server offers tasks on 2025');
  });
});
