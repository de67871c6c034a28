// The brief's MCP limits on real servers on 127.0.0.1, with the official MCP client: the request
// rate (global_per_minute), the execute rate, concurrent runs per client, the request size, and
// switched-off tool groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRatchet } from '../src/app.ts';
import { buildServer } from '../src/server/build.ts';
import { startMcpHttpServer } from '../src/server/mcp-standalone.ts';
import { createTempDatabase } from '../src/store/test-helpers/backends.ts';
import { MCP_HEADERS, TOKEN, initialize, load, mcpClient, withApp } from './helpers/brief-configs.ts';

void test('production example: the brief rate-limit keys are read as mcp.rate_limit, the execute limit answers a RATE_LIMITED tool error', async () => {
  const env = {
    RATCHET_MCP__SECURITY__IP_FILTERING__ALLOWED_RANGES: '["127.0.0.0/8"]',
    // Small numbers so the limits are reached in a few calls.
    RATCHET_MCP__RATE_LIMIT__EXECUTE_PER_MINUTE: '2',
  };
  await withApp('readme-production-console.yaml', env, async (app, config) => {
    // global_per_minute: 1000 → requests_per_minute; execute_task_per_minute: 100 → execute_per_minute.
    assert.equal(config.mcp.rate_limit.requests_per_minute, 1000);
    assert.equal(config.mcp.security.request_limits.max_request_size_bytes, 10485760);
    assert.equal(config.logging.format, 'json');
    const mcp = await startMcpHttpServer(app, { host: '127.0.0.1', port: 0 });
    const client = await mcpClient(mcp.url, TOKEN);
    try {
      const call = () =>
        client.callTool({
          name: 'ratchet_execute_task',
          arguments: { task_id: 'addition', input: { num1: 1, num2: 2 } },
        });
      assert.equal((await call()).isError, undefined);
      assert.equal((await call()).isError, undefined);
      const third = (await call()) as {
        isError?: boolean;
        structuredContent: { error: { code: string; message: string } };
      };
      assert.equal(third.isError, true);
      assert.equal(third.structuredContent.error.code, 'RATE_LIMITED');
      assert.match(
        third.structuredContent.error.message,
        /^ratchet_execute_task refused: rate limit exceeded: 2 task-running calls per minute from this client \(mcp\.rate_limit\.execute_per_minute\); retry in \d+ s$/,
      );
      // Other tools are not counted by the execute limit.
      assert.notEqual(
        (await client.callTool({ name: 'ratchet_list_templates', arguments: {} })).isError,
        true,
      );
    } finally {
      await client.close();
      await mcp.close();
    }
  });
});

void test('mcp.security.rate_limiting.global_per_minute (the brief spelling) limits /mcp: HTTP 429 with a JSON-RPC error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-'));
  const temp = await createTempDatabase('sqlite');
  try {
    const file = join(dir, 'limits.yaml');
    await writeFile(
      file,
      'mcp:\n  rate_limit:\n    burst_size: 3\n  security:\n    rate_limiting:\n      global_per_minute: 6\n',
    );
    const { config, notices } = await load('', { RATCHET_SERVER__DATABASE__URL: temp.url }, file);
    assert.match(
      notices[0]!,
      /mcp\.security\.rate_limiting\.global_per_minute → mcp\.rate_limit\.requests_per_minute/,
    );
    const app = await createRatchet(config);
    const mcp = await startMcpHttpServer(app, { host: '127.0.0.1', port: 0 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push(
          (await fetch(mcp.url, { method: 'POST', headers: MCP_HEADERS, body: initialize(i) })).status,
        );
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      const res = await fetch(mcp.url, { method: 'POST', headers: MCP_HEADERS, body: initialize(9) });
      const body = (await res.json()) as { error: { code: number; message: string } };
      assert.equal(body.error.code, -32029);
      assert.match(body.error.message, /^rate limit exceeded: 3 MCP requests per 30 s from this client/);
    } finally {
      await mcp.close();
      await app.close();
    }
  } finally {
    await temp.drop();
    await rm(dir, { recursive: true, force: true });
  }
});

void test('max_concurrent_executions_per_client: a second run while one is in progress is refused; request size limit is a 413 naming the key', async () => {
  const env = {
    RATCHET_MCP__SECURITY__IP_FILTERING__ALLOWED_RANGES: '["127.0.0.0/8"]',
    RATCHET_MCP__SECURITY__REQUEST_LIMITS__MAX_CONCURRENT_EXECUTIONS_PER_CLIENT: '1',
    RATCHET_MCP__SECURITY__REQUEST_LIMITS__MAX_REQUEST_SIZE_BYTES: '2000',
  };
  await withApp('readme-production-console.yaml', env, async (app) => {
    const mcp = await startMcpHttpServer(app, { host: '127.0.0.1', port: 0 });
    const client = await mcpClient(mcp.url, TOKEN);
    try {
      // async-example waits delayMs per item and reports progress after each: once the first
      // progress arrives, the first call holds its slot for two more seconds.
      let progressed!: () => void;
      const running = new Promise<void>((resolve) => (progressed = resolve));
      const first = client.callTool(
        {
          name: 'ratchet_execute_task',
          arguments: { task_id: 'async-example', input: { items: ['a', 'b', 'c'], delayMs: 1000 } },
        },
        { onprogress: () => progressed() },
      );
      await running;
      const second = (await client.callTool({
        name: 'ratchet_execute_task',
        arguments: { task_id: 'addition', input: { num1: 1, num2: 2 } },
      })) as { isError?: boolean; structuredContent: { error: { code: string; message: string } } };
      assert.equal(second.isError, true);
      assert.equal(second.structuredContent.error.code, 'RATE_LIMITED');
      assert.match(second.structuredContent.error.message, /max_concurrent_executions_per_client/);
      assert.notEqual(((await first) as { isError?: boolean }).isError, true);
      // Its slot is free again.
      const third = await client.callTool({
        name: 'ratchet_execute_task',
        arguments: { task_id: 'addition', input: { num1: 1, num2: 2 } },
      });
      assert.notEqual((third as { isError?: boolean }).isError, true);

      const big = await fetch(mcp.url, {
        method: 'POST',
        headers: { ...MCP_HEADERS, authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/list',
          params: { pad: 'x'.repeat(3000) },
        }),
      });
      assert.equal(big.status, 413);
      assert.match(
        ((await big.json()) as { error: { message: string } }).error.message,
        /limit 2000 bytes, mcp\.security\.request_limits\.max_request_size_bytes/,
      );
    } finally {
      await client.close();
      await mcp.close();
    }
  });
});

void test('mcp.tools.enable_*: a switched-off group is absent from tools/list and cannot be called', async () => {
  const env = {
    RATCHET_MCP__TOOLS__ENABLE_EXECUTION: 'false',
    RATCHET_MCP__TOOLS__ENABLE_LOGGING: 'false',
  };
  await withApp('readme-minimal.yaml', env, async (app) => {
    const server = await buildServer(app, { logger: false });
    try {
      await server.listen({ host: '127.0.0.1', port: 0 });
      const { port } = server.server.address() as { port: number };
      const client = await mcpClient(`http://127.0.0.1:${port}/mcp`);
      try {
        const names = (await client.listTools()).tools.map((t) => t.name);
        for (const gone of ['ratchet_execute_task', 'ratchet_batch_execute', 'ratchet_get_execution_logs'])
          assert.ok(!names.includes(gone), gone);
        assert.ok(names.includes('ratchet_get_execution_status'));
        const res = await client
          .callTool({
            name: 'ratchet_execute_task',
            arguments: { task_id: 'addition', input: { num1: 1, num2: 2 } },
          })
          .then(
            (r) => JSON.stringify(r),
            (e: unknown) => (e as Error).message,
          );
        assert.match(res, /ratchet_execute_task/);
        assert.match(res, /not found|unknown/i);
      } finally {
        await client.close();
      }
    } finally {
      await server.close();
    }
  });
});
