// `ratchet mcp --transport http` as users start it: the built CLI in a fresh folder with ./tasks and
// a config that requires API keys. It refuses to start without a key, prints its URL (port 0 picks
// a free one) alone on stdout, answers the official client over Streamable HTTP only with a valid
// key, lists a viewer only read tools, and exits 0 on SIGTERM. Build first:
// npx tsc -p tsconfig.build.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { MAIN_JS, ok, SAMPLE_TASKS } from './test-helpers.ts';

const run = promisify(execFile);

async function project(): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-mcp-http-'));
  await cp(join(SAMPLE_TASKS, 'addition'), join(dir, 'tasks', 'addition'), { recursive: true });
  const config = join(dir, 'ratchet.yaml');
  await writeFile(
    config,
    [
      'server:',
      '  database:',
      '    url: sqlite://./ratchet.db',
      '  auth:',
      '    required: true',
      '  workers:',
      '    worker_count: 1',
      '',
    ].join('\n'),
  );
  return { dir, config };
}

async function createKey(config: string, dir: string, role: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [MAIN_JS, '--config', config, 'apikey', 'create', '--name', `agent-${role}`, '--role', role, '--json'],
    { cwd: dir },
  );
  return (JSON.parse(stdout) as { key: string }).key;
}

interface Started {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts the server and resolves with the URL it prints on stdout (or rejects when it exits). */
function startServer(config: string, dir: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    [MAIN_JS, '--config', config, 'mcp', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ child, url: line.trim(), stderr: () => err, exit });
    });
    void exit.then((code) =>
      reject(new Error(`server exited with ${code} before printing its URL:\n${err}`)),
    );
  });
}

async function connect(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'ratchet-http-cli-test', version: '1.0.0' });
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

test('ratchet mcp --transport http: refuses to start without a key, then serves keyed clients and stops on SIGTERM', async () => {
  const { dir, config } = await project();
  let server: Started | undefined;
  try {
    // Auth required and no key yet: nobody could use the server, so it does not start.
    const refused = await run(
      process.execPath,
      [MAIN_JS, '--config', config, 'mcp', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'],
      { cwd: dir },
    ).then(
      () => assert.fail('started without an API key'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /no active API key exists; create one first with: ratchet apikey create/);

    const operator = await createKey(config, dir, 'operator');
    const viewer = await createKey(config, dir, 'viewer');
    server = await startServer(config, dir);
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:[1-9][0-9]*\/mcp$/);
    assert.match(server.stderr(), /ratchet MCP server on http:\/\/127\.0\.0\.1:/);

    // No key, or a wrong one: the HTTP layer answers 401 before MCP starts.
    await assert.rejects(connect(server.url), /401|[Uu]nauthori[sz]ed/);
    await assert.rejects(connect(server.url, 'rk_not_a_real_key'), /401|[Uu]nauthori[sz]ed/);

    const client = await connect(server.url, operator);
    const names = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(names.includes('ratchet_execute_task'), names.join(','));
    const tasks = ok(await client.callTool({ name: 'ratchet_list_available_tasks', arguments: {} }));
    assert.deepEqual(
      tasks.tasks.map((t: { name: string }) => t.name),
      ['addition'],
    );
    const runResult = ok(
      await client.callTool({
        name: 'ratchet_execute_task',
        arguments: { task_id: 'addition', input: { num1: 2, num2: 40 } },
      }),
    );
    assert.deepEqual(runResult.output, { sum: 42, product: 80 });
    await client.close();

    // A viewer key sees only read tools (all of them read-only) and cannot run a task.
    const reader = await connect(server.url, viewer);
    const listed = (await reader.listTools()).tools;
    assert.ok(listed.some((t) => t.name === 'ratchet_list_available_tasks'));
    assert.ok(!listed.some((t) => t.name === 'ratchet_execute_task'));
    assert.deepEqual(
      listed.filter((t) => t.annotations?.readOnlyHint !== true).map((t) => t.name),
      [],
    );
    await assert.rejects(
      reader.callTool({
        name: 'ratchet_execute_task',
        arguments: { task_id: 'addition', input: { num1: 1, num2: 1 } },
      }),
      /Tool ratchet_execute_task not found/,
    );
    await reader.close();

    server.child.kill('SIGTERM');
    assert.equal(await server.exit, 0, server.stderr());
    assert.match(server.stderr(), /MCP server stopped/);
    server = undefined;
  } finally {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exit;
    }
    await rm(dir, { recursive: true, force: true });
  }
});
