// Every YAML example of the product brief (copied verbatim into test/fixtures/brief-configs/) loads
// as written, old key names with one notice, and its keys do what they say on real servers on
// 127.0.0.1 with the official MCP client: IP filtering refuses and admits, a token refuses a wrong
// token, the MCP rate limits answer, request size and per-client concurrency are enforced, tool
// groups switch off. The two console examples are refused only for their `console:` section, which
// belongs to `ratchet console` (issue 19).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tcpConnect, type Socket } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createRatchet, type Ratchet } from '../src/app.ts';
import { ConfigError, loadConfig, type RatchetConfig } from '../src/config/index.ts';
import { buildServer } from '../src/server/build.ts';
import { startMcpHttpServer } from '../src/server/mcp-standalone.ts';
import { savePackage } from '../src/tasks/stored-versions.ts';
import { loadTask } from '../src/tasks/load.ts';
import { createTempDatabase } from '../src/store/test-helpers/backends.ts';

const FIXTURES = new URL('./fixtures/brief-configs/', import.meta.url).pathname;
const SAMPLE_TASKS = new URL('../sample/tasks/', import.meta.url).pathname;
const TOKEN = 'brief-test-token-0123456789';

async function load(name: string, env: Record<string, string> = {}, file = join(FIXTURES, name)) {
  const notices: string[] = [];
  const config = await loadConfig({ file, env, onNotice: (n) => notices.push(n) });
  return { config, notices };
}

/**
 * The production example less its `session:` block (refused: MCP over HTTP is stateless here, so
 * there are no sessions), written to `dir`.
 */
async function productionWithoutSessions(dir: string): Promise<string> {
  const text = await readFile(join(FIXTURES, 'readme-production-console.yaml'), 'utf8');
  const without = text.replace(/^ {4}session:\n( {6}.*\n)+/m, '');
  assert.notEqual(without, text);
  const file = join(dir, 'production.yaml');
  await writeFile(file, without);
  return file;
}

/** A real app on a fresh SQLite file with the addition and async-example tasks stored. */
async function withApp(
  name: string,
  env: Record<string, string>,
  fn: (app: Ratchet, config: RatchetConfig) => Promise<void>,
): Promise<void> {
  const temp = await createTempDatabase('sqlite');
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-'));
  const tokenFile = join(dir, 'auth.token');
  await writeFile(tokenFile, `${TOKEN}\n`);
  try {
    const file =
      name === 'readme-production-console.yaml' ? await productionWithoutSessions(dir) : join(FIXTURES, name);
    const { config } = await load(
      name,
      {
        RATCHET_SERVER__DATABASE__URL: temp.url,
        RATCHET_MCP__AUTHENTICATION__TOKEN_FILE: tokenFile,
        RATCHET_LOGGING__FILE_CONFIG__PATH: join(dir, 'logs', 'console.log'),
        ...env,
      },
      file,
    );
    const app = await createRatchet(config);
    try {
      for (const t of ['addition', 'async-example'])
        await savePackage(app.store.db, await loadTask(join(SAMPLE_TASKS, t)), { changeSource: 'cli' });
      await fn(app, config);
    } finally {
      await app.close();
    }
  } finally {
    await temp.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function mcpClient(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'brief-test', version: '1.0.0' });
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

const initialize = (id = 1) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
  });
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

void test('every YAML block of the brief loads; old names are read with one notice naming the new keys', async () => {
  const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.yaml')).sort();
  assert.equal(files.length, 9);
  // What stays refused, each with its reason (see the messages in src/config/old-names.ts).
  const refused: Record<string, string[]> = {
    'readme-console-client.yaml': ['console'],
    'readme-console-section.yaml': ['console'],
    'readme-production-console.yaml': ['mcp.authentication.session'],
    'guide-mcp-config.yaml': ['mcp.request_timeout'],
  };
  for (const f of files) {
    const expected = refused[f];
    if (!expected) {
      await assert.doesNotReject(load(f), f);
      continue;
    }
    const err = await load(f).then(
      () => assert.fail(`${f} loaded`),
      (e: unknown) => e as ConfigError,
    );
    assert.ok(err instanceof ConfigError, f);
    assert.deepEqual(
      err.issues.map((i) => i.path),
      expected,
      f,
    );
    assert.match(err.issues[0]!.message, /is not supported|belongs to `ratchet console`/);
  }
  const { config, notices } = await load('readme-mcp-api.yaml');
  assert.equal(notices.length, 1);
  assert.match(
    notices[0]!,
    /^warning: .*readme-mcp-api\.yaml uses old configuration key names, read as: mcp_api → mcp; mcp_api\.sse_enabled → mcp\.transport: http; server\.host → server\.bind_address/,
  );
  assert.deepEqual(
    [config.mcp.transport, config.mcp.port, config.server.bind_address],
    ['http', 8081, '127.0.0.1'],
  );
});

void test('old and new name of one key together is an error naming both, at the old name', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-'));
  try {
    const file = join(dir, 'both.yaml');
    await writeFile(file, 'server:\n  port: 9000\n  host: 0.0.0.0\n  bind_address: 127.0.0.1\n');
    await assert.rejects(loadConfig({ file, env: {} }), (e: ConfigError) => {
      assert.match(
        e.message,
        /both\.yaml:3:3: server\.host: server\.host \(old name of server\.bind_address\) and server\.bind_address both set; keep server\.bind_address/,
      );
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

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
        assert.ok(names.includes('ratchet_list_executions'));
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

void test('logging.destination file: lines go to the file, which is rotated past max_size_mb', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-log-'));
  try {
    const { processLog } = await import('../src/process-log.ts');
    const { flushLogFiles } = await import('../src/log-file.ts');
    const { config } = await load('readme-development-console.yaml');
    assert.equal(config.logging.format, 'pretty');
    assert.deepEqual(config.logging.context, { enabled: true, include_file_location: true });
    const say = processLog({
      ...config.logging,
      format: 'json',
      destination: 'file',
      file_config: { path: join(dir, 'logs', 'console.log'), rotation: { max_size_mb: 0.01, max_files: 3 } },
    });
    const logs = join(dir, 'logs');
    const listed = async () => (await readdir(logs).catch(() => [] as string[])).sort();
    const until = async (what: string, ok: (files: string[]) => boolean) => {
      // Rotation happens after the write that passes the size, once the file is flushed.
      while (!ok(await listed())) await new Promise((r) => setTimeout(r, 20));
      return listed();
    };
    // Each batch is ~13 KB, past the 0.01 MB (10 KB) size: every batch ends with a rotation.
    const batch = (n: number) => {
      for (let i = 0; i < 200; i++) say(`batch ${n} line ${i} ${'x'.repeat(40)}`);
    };
    batch(1);
    await flushLogFiles();
    assert.deepEqual(await until('first rotation', (f) => f.includes('console.2.log')), [
      'console.1.log',
      'console.2.log',
    ]);
    const first = await readFile(join(logs, 'console.1.log'), 'utf8');
    assert.match(JSON.parse(first.split('\n')[0]!).msg as string, /^batch 1 line 0 /);
    batch(2);
    await flushLogFiles();
    await until('second rotation', (f) => f.includes('console.3.log'));
    batch(3);
    await flushLogFiles();
    // max_files 3: console.1.log is deleted once console.4.log is the current file.
    const files = await until('cleanup', (f) => f.includes('console.4.log') && !f.includes('console.1.log'));
    assert.deepEqual(files, ['console.2.log', 'console.3.log', 'console.4.log']);
    const third = await readFile(join(logs, 'console.3.log'), 'utf8');
    const last = JSON.parse(third.trim().split('\n').at(-1)!) as Record<string, unknown>;
    assert.match(last.msg as string, /^batch 3 line 199 /);
    // The example's logging.context: process context and the line that logged it.
    assert.equal(last.pid, process.pid);
    assert.match(last.caller as string, /^test\/brief-configs\.test\.ts:\d+$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('the YAML blocks of docs/server.md load', async () => {
  const text = await readFile(new URL('../docs/server.md', import.meta.url), 'utf8');
  const yaml = [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  assert.ok(yaml.length >= 1);
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-doc-'));
  try {
    for (const [i, block] of yaml.entries()) {
      const file = join(dir, `block-${i}.yaml`);
      await writeFile(file, block);
      const { notices } = await load('', {}, file);
      assert.deepEqual(notices, [], `block ${i} uses old names`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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

/**
 * A plain TCP connection; send() writes one request (Connection: close) and resolves with all the
 * server wrote before closing ('' when it closed the connection unanswered).
 */
async function rawConnection(
  port: number,
): Promise<{ socket: Socket; send(line: string, headers?: string): Promise<string> }> {
  const socket = tcpConnect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(data)));
  return {
    socket,
    send: (line, headers = '') => {
      socket.write(`${line} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`);
      return closed;
    },
  };
}
