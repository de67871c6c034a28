// The brief's access keys on real servers on 127.0.0.1, with the official MCP client: IP filtering
// (server.* and mcp.security.*) refuses and admits, the MCP token refuses a missing or wrong token,
// mcp.enabled, mcp.enable_cors and mcp.max_connections do what they say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../src/server/build.ts';
import { startMcpHttpServer } from '../src/server/mcp-standalone.ts';
import {
  MCP_HEADERS,
  TOKEN,
  initialize,
  mcpClient,
  rawConnection,
  withApp,
} from './helpers/brief-configs.ts';

void test('the production example as written refuses 127.0.0.1 (default deny, 10/8 and 192.168/16 allowed)', async () => {
  await withApp('readme-production-console.yaml', {}, async (app) => {
    const mcp = await startMcpHttpServer(app, { host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(mcp.url, {
        method: 'POST',
        headers: { ...MCP_HEADERS, authorization: `Bearer ${TOKEN}` },
        body: initialize(),
      });
      assert.equal(res.status, 403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'FORBIDDEN');
      assert.equal(
        body.error.message,
        'client address 127.0.0.1 is not allowed: mcp.security.ip_filtering.default_policy is deny and no range of mcp.security.ip_filtering.allowed_ranges contains it',
      );
    } finally {
      await mcp.close();
    }
  });
});

void test('production example with loopback allowed: the token is required, a wrong one is a 401, the right one works', async () => {
  const env = { RATCHET_MCP__SECURITY__IP_FILTERING__ALLOWED_RANGES: '["127.0.0.0/8"]' };
  await withApp('readme-production-console.yaml', env, async (app) => {
    const mcp = await startMcpHttpServer(app, { host: '127.0.0.1', port: 0 });
    try {
      const none = await fetch(mcp.url, { method: 'POST', headers: MCP_HEADERS, body: initialize() });
      assert.equal(none.status, 401);
      assert.match(((await none.json()) as { error: { message: string } }).error.message, /requires a token/);
      const wrong = await fetch(mcp.url, {
        method: 'POST',
        headers: { ...MCP_HEADERS, authorization: 'Bearer not-the-token-at-all' },
        body: initialize(),
      });
      assert.equal(wrong.status, 401);
      assert.equal(
        ((await wrong.json()) as { error: { message: string } }).error.message,
        'the MCP token is not valid (mcp.authentication)',
      );
      await assert.rejects(mcpClient(mcp.url, 'wrong-token-wrong-token'), /401|not valid/);

      const client = await mcpClient(mcp.url, TOKEN);
      try {
        const names = (await client.listTools()).tools.map((t) => t.name);
        assert.ok(names.includes('ratchet_execute_task'));
      } finally {
        await client.close();
      }

      // CORS (mcp.server.enable_cors: false in the example): no cross-origin answer.
      const pre = await fetch(mcp.url, {
        method: 'OPTIONS',
        headers: { origin: 'http://example.test', 'access-control-request-method': 'POST' },
      });
      assert.equal(pre.headers.get('access-control-allow-origin'), null);
    } finally {
      await mcp.close();
    }
  });
});

void test('server.ip_filtering: a denied 127.0.0.0/8 is a 403 on REST and /mcp alike; allowed, it passes', async () => {
  const deny = {
    RATCHET_SERVER__IP_FILTERING__ENABLED: 'true',
    RATCHET_SERVER__IP_FILTERING__DENIED_RANGES: '["127.0.0.0/8"]',
  };
  await withApp('readme-minimal.yaml', deny, async (app) => {
    const server = await buildServer(app, { logger: false });
    try {
      await server.listen({ host: '127.0.0.1', port: 0 });
      const { port } = server.server.address() as { port: number };
      for (const [path, init] of [
        ['/api/v1/tasks', {}],
        ['/mcp', { method: 'POST', headers: MCP_HEADERS, body: initialize() }],
      ] as const) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
        assert.equal(res.status, 403, path);
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(
          body.error.message,
          'client address 127.0.0.1 is not allowed: it is in server.ip_filtering.denied_ranges (127.0.0.0/8)',
        );
      }
    } finally {
      await server.close();
    }
  });
  const allow = {
    RATCHET_SERVER__IP_FILTERING__ENABLED: 'true',
    RATCHET_SERVER__IP_FILTERING__DEFAULT_POLICY: 'deny',
    RATCHET_SERVER__IP_FILTERING__ALLOWED_RANGES: '["127.0.0.0/8", "::1"]',
  };
  await withApp('readme-minimal.yaml', allow, async (app) => {
    const server = await buildServer(app, { logger: false });
    try {
      await server.listen({ host: '127.0.0.1', port: 0 });
      const { port } = server.server.address() as { port: number };
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/tasks`)).status, 200);
    } finally {
      await server.close();
    }
  });
});

void test('mcp.enabled false (mcp_api.enabled in the brief): ratchet serve does not mount /mcp', async () => {
  await withApp('readme-mcp-api.yaml', { RATCHET_MCP__ENABLED: 'false' }, async (app) => {
    const server = await buildServer(app, { logger: false });
    try {
      await server.listen({ host: '127.0.0.1', port: 0 });
      const { port } = server.server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/mcp`, {
        method: 'POST',
        headers: MCP_HEADERS,
        body: initialize(),
      });
      assert.equal(res.status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/tasks`)).status, 200);
    } finally {
      await server.close();
    }
  });
});

void test('mcp.enable_cors answers a cross-origin preflight; mcp.max_connections closes a connection past the limit', async () => {
  const env = { RATCHET_MCP__ENABLE_CORS: 'true', RATCHET_MCP__MAX_CONNECTIONS: '1' };
  await withApp('readme-minimal.yaml', env, async (app) => {
    const mcp = await startMcpHttpServer(app, { host: '127.0.0.1', port: 0 });
    try {
      const { port } = new URL(mcp.url);
      const first = await rawConnection(Number(port));
      // One connection is open: a second one is closed unanswered, the first still answers.
      const second = await rawConnection(Number(port));
      assert.equal(await second.send('GET /health'), '');
      const preflight = await first.send(
        'OPTIONS /mcp',
        'Origin: http://example.test\r\nAccess-Control-Request-Method: POST\r\n',
      );
      assert.match(preflight, /^HTTP\/1\.1 204/);
      assert.match(preflight, /access-control-allow-origin: http:\/\/example\.test/i);
    } finally {
      await mcp.close();
    }
  });
});
