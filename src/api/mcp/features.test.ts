// Behaviour over HTTP with the official client: progress notifications, auth and roles, batch
// modes, error analysis of an HTTP failure, resources and prompts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createKey } from '../../services/api-keys.ts';
import { ok, withMcpHttp } from './test-helpers.ts';
import { ALL_TOOLS } from './tools/index.ts';
import { OPT_IN_TOOLSETS, TOOLSETS } from './tools/toolsets.ts';

async function localServer(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
}

for (const protocol of ['legacy', 'modern'] as const) {
  test(`progress notifications reach the client (${protocol})`, async () => {
    await withMcpHttp(
      async ({ connect }) => {
        const client = await connect({ protocol });
        const seen: { progress: number; message?: string }[] = [];
        const res = await client.callTool(
          {
            name: 'ratchet_execute_task',
            arguments: { task_id: 'async-example', input: { items: ['a', 'b', 'c', 'd'], delayMs: 30 } },
          },
          { onprogress: (p) => seen.push(p), resetTimeoutOnProgress: true },
        );
        assert.equal(ok(res).status, 'COMPLETED');
        assert.ok(seen.length >= 2, JSON.stringify(seen));
        assert.equal(seen.at(-1)!.progress, 1);
        assert.match(seen.at(-1)!.message ?? '', /processed d/);
      },
      {},
      ['async-example'],
    );
  });
}

test('auth on HTTP: no key → 401; viewer sees read-only tools only; operator may run', async () => {
  const keys: Record<string, { key: string }> = {};
  await withMcpHttp(
    async ({ base, connect }) => {
      const { viewer, operator } = keys as Record<'viewer' | 'operator', { key: string }>;
      const anon = await fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      assert.equal(anon.status, 401);
      await assert.rejects(connect({ token: 'rk_badbadba_nope' }));
      const v = await connect({ token: viewer.key });
      const vt = (await v.listTools()).tools;
      assert.ok(vt.length > 0);
      // `all` leaves out the opt-in toolsets (processes, operations).
      const optIn = new Set(OPT_IN_TOOLSETS.flatMap((n) => TOOLSETS[n].tools as readonly string[]));
      const readTools = ALL_TOOLS.filter((t) => t.access === 'read' && !optIn.has(t.name)).map((t) => t.name);
      assert.deepEqual(vt.map((t) => t.name).sort(), readTools.sort());
      assert.ok(!vt.some((t) => t.name === 'ratchet_execute_task'));
      // Not offered to a viewer, so calling it anyway is a protocol error (unknown tool).
      await assert.rejects(
        v.callTool({ name: 'ratchet_execute_task', arguments: { task_id: 'addition' } }),
        /not found/,
      );
      const o = await connect({ token: operator.key, protocol: 'modern' });
      const res = ok(
        await o.callTool({
          name: 'ratchet_execute_task',
          arguments: { task_id: 'addition', input: { num1: 1, num2: 1 } },
        }),
      );
      assert.equal(res.status, 'COMPLETED');
      assert.ok(
        !(await o.listTools()).tools.some((t) => t.name === 'ratchet_schedule_task'),
        'schedules need write',
      );
    },
    { server: { auth: { required: true } }, mcp: { tools: { toolsets: ['all'] } } },
    ['addition'],
    async (app) => {
      keys.viewer = await createKey(app.store.db, { name: 'v', role: 'viewer' });
      keys.operator = await createKey(app.store.db, { name: 'o', role: 'operator' });
    },
  );
});

test('batch: dependency order, skipped dependents, stop_on_error, cycles refused', async () => {
  await withMcpHttp(async ({ connect }) => {
    const c = await connect();
    const add = (id: string, n: unknown, deps: string[] = []) => ({
      id,
      task_id: 'addition',
      input: { num1: n, num2: 1 },
      dependencies: deps,
    });
    const dep = ok(
      await c.callTool({
        name: 'ratchet_batch_execute',
        arguments: {
          execution_mode: 'dependency',
          requests: [add('c', 3, ['a', 'b']), add('a', 1), add('b', 'bad'), add('d', 4, ['a'])],
        },
      }),
    );
    const by = Object.fromEntries(dep.results.map((r: { id: string }) => [r.id, r]));
    assert.equal(by.a.status, 'COMPLETED');
    assert.equal(by.b.status, 'REJECTED');
    assert.equal(by.c.status, 'SKIPPED');
    assert.match(by.c.skipped_reason, /dependency "b"/);
    assert.equal(by.d.status, 'COMPLETED');
    assert.deepEqual(
      dep.results.map((r: { id: string }) => r.id),
      ['c', 'a', 'b', 'd'],
    );
    const seq = ok(
      await c.callTool({
        name: 'ratchet_batch_execute',
        arguments: {
          execution_mode: 'sequential',
          stop_on_error: true,
          requests: [add('x', 1), add('y', 'bad'), add('z', 2)],
        },
      }),
    );
    assert.deepEqual(
      seq.results.map((r: { status: string }) => r.status),
      ['COMPLETED', 'REJECTED', 'SKIPPED'],
    );
    assert.deepEqual(seq.summary, { ...seq.summary, total: 3, completed: 1, failed: 1, skipped: 1 });
    const par = ok(
      await c.callTool({
        name: 'ratchet_batch_execute',
        arguments: { max_parallel: 2, requests: [add('p', 1), add('q', 2), add('r', 3)] },
      }),
    );
    assert.equal(par.summary.completed, 3);
    const cycle = await c.callTool({
      name: 'ratchet_batch_execute',
      arguments: { execution_mode: 'dependency', requests: [add('a', 1, ['b']), add('b', 1, ['a'])] },
    });
    assert.equal(cycle.isError, true);
    assert.match((cycle.content as { text: string }[])[0]!.text, /dependency cycle: a → b → a/);
    const unknown = await c.callTool({
      name: 'ratchet_batch_execute',
      arguments: { execution_mode: 'dependency', requests: [add('a', 1, ['zz'])] },
    });
    assert.match((unknown.content as { text: string }[])[0]!.text, /"zz", which is no request id/);
  });
});

test('analysis of an HTTP failure names the call, its status, the code line and fixes', async () => {
  const api = await localServer((req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'maintenance' }));
  });
  try {
    await withMcpHttp(
      async ({ connect }) => {
        const c = await connect();
        const run = ok(
          await c.callTool({
            name: 'ratchet_execute_task',
            arguments: { task_id: 'http-fetch', input: { url: `${api.url}/items` }, trace: true },
          }),
        );
        assert.equal(run.status, 'FAILED');
        assert.equal(run.http_calls[0].status, 503);
        const a = ok(
          await c.callTool({
            name: 'ratchet_analyze_execution_error',
            arguments: { execution_id: run.execution_id },
          }),
        );
        assert.equal(a.failed, true);
        assert.equal(a.diagnosis.error_type, 'ServiceUnavailableError');
        assert.match(a.diagnosis.usual_cause, /down or overloaded/);
        assert.equal(a.diagnosis.failed_http_call.status, 503);
        assert.match(a.diagnosis.failed_http_call.response_body, /maintenance/);
        assert.ok(
          a.diagnosis.code_context.some(
            (l: { failing: boolean; text: string }) => l.failing && /ServiceUnavailableError/.test(l.text),
          ),
          JSON.stringify(a.diagnosis.code_context),
        );
        assert.ok(a.diagnosis.suggestions.some((s: string) => /answered 503/.test(s)));
        const logs = ok(
          await c.callTool({
            name: 'ratchet_get_execution_logs',
            arguments: { execution_id: run.execution_id, format: 'text' },
          }),
        );
        assert.match(logs.text, /answered 503/);
        const trace = ok(
          await c.callTool({
            name: 'ratchet_get_execution_trace',
            arguments: { execution_id: run.execution_id },
          }),
        );
        assert.deepEqual(
          trace.timeline.map((t: { kind: string }) => t.kind).filter((k: string) => k !== 'log'),
          ['start', 'http', 'end'],
        );
        const bad = ok(
          await c.callTool({
            name: 'ratchet_debug_task_execution',
            arguments: { task_id: 'http-fetch', input: { url: 5 } },
          }),
        );
        assert.equal(bad.execution, null);
        assert.equal(bad.diagnosis.phase, 'input');
        assert.ok(bad.diagnosis.schema_violations.some((v: { path: string }) => v.path.includes('url')));
      },
      // The API is on loopback, which tasks may not reach unless its exact host:port is allowed.
      { http: { allowed_hosts: [new URL(api.url).host] } },
      ['http-fetch'],
    );
  } finally {
    api.server.close();
  }
});

test('resources (task files, executions) and prompts', async () => {
  await withMcpHttp(async ({ connect }) => {
    const c = await connect();
    const { resources } = await c.listResources();
    assert.ok(resources.some((r) => r.uri === 'ratchet://tasks/addition/main.js'));
    const code = await c.readResource({ uri: 'ratchet://tasks/addition/main.js' });
    assert.match((code.contents[0] as { text: string }).text, /sum: num1 \+ num2/);
    const schema = await c.readResource({ uri: 'ratchet://tasks/addition/input.schema.json' });
    assert.ok(JSON.parse((schema.contents[0] as { text: string }).text).properties.num1);
    const { resourceTemplates } = await c.listResourceTemplates();
    assert.ok(resourceTemplates.some((t) => t.uriTemplate === 'ratchet://executions/{id}'));
    const run = ok(
      await c.callTool({
        name: 'ratchet_execute_task',
        arguments: { task_id: 'addition', input: { num1: 1, num2: 2 } },
      }),
    );
    const e = await c.readResource({ uri: `ratchet://executions/${run.execution_id}` });
    assert.deepEqual(JSON.parse((e.contents[0] as { text: string }).text).output, { sum: 3, product: 2 });
    const { prompts } = await c.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name).sort(), ['debug_execution', 'develop_task']);
    const p = await c.getPrompt({ name: 'develop_task', arguments: { goal: 'fetch the weather' } });
    assert.match(
      (p.messages[0]!.content as { text: string }).text,
      /fetch the weather[\s\S]*ratchet_create_task/,
    );
  });
});

test('a task executed over MCP cannot reach a loopback server by default; the error says how to allow it', async () => {
  let hits = 0;
  const api = await localServer((_req, res) => {
    hits++;
    res.end('{}');
  });
  try {
    await withMcpHttp(
      async ({ connect }) => {
        const c = await connect();
        const run = ok(
          await c.callTool({
            name: 'ratchet_execute_task',
            arguments: { task_id: 'http-fetch', input: { url: `${api.url}/items` } },
          }),
        );
        assert.equal(run.status, 'FAILED');
        assert.equal(run.error.type, 'NetworkError', JSON.stringify(run.error));
        assert.match(run.error.message, /127\.0\.0\.1 is a loopback address/);
        assert.ok(run.error.message.includes(`http.allowed_hosts: ["${new URL(api.url).host}"]`));
        assert.equal(hits, 0);
      },
      {},
      ['http-fetch'],
    );
  } finally {
    api.server.close();
  }
});
