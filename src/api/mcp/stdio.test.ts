// The stdio server as users start it: the built CLI (`ratchet mcp-serve`, `ratchet mcp --transport
// stdio`) in a fresh folder with ./tasks, driven by the official client on both protocol
// generations, by raw JSON-RPC (stdout must carry nothing but protocol messages) and by the MCP
// Inspector CLI. Build first: npx tsc -p tsconfig.build.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectStdio, MAIN_JS, ok, SAMPLE_TASKS } from './test-helpers.ts';

const INSPECTOR = new URL(
  '../../../node_modules/@modelcontextprotocol/inspector/cli/build/cli.js',
  import.meta.url,
).pathname;

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-mcp-stdio-'));
  await cp(join(SAMPLE_TASKS, 'addition'), join(dir, 'tasks', 'addition'), { recursive: true });
  return dir;
}

for (const [args, protocol] of [
  [['mcp-serve'], 'legacy'],
  [['mcp', '--transport', 'stdio'], 'modern'],
] as const) {
  test(`stdio: ratchet ${args.join(' ')} serves the ${protocol} protocol with ./tasks synced`, async () => {
    const dir = await project();
    const { client } = await connectStdio([...args], { protocol, cwd: dir });
    try {
      if (protocol === 'modern') assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
      const tasks = ok(await client.callTool({ name: 'ratchet_list_available_tasks', arguments: {} }));
      assert.deepEqual(
        tasks.tasks.map((t: { name: string }) => t.name),
        ['addition'],
      );
      const run = ok(
        await client.callTool({
          name: 'ratchet_execute_task',
          arguments: { task_id: 'addition', input: { num1: 20, num2: 22 } },
        }),
      );
      assert.deepEqual(run.output, { sum: 42, product: 440 });
    } finally {
      await client.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('stdio: mcp-serve writes nothing but JSON-RPC to stdout; logs go to stderr; exits when stdin closes', async () => {
  const dir = await project();
  const child = spawn(process.execPath, [MAIN_JS, 'mcp-serve'], {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
  const responses = async (n: number) => {
    for (let i = 0; i < 400 && out.split('\n').filter(Boolean).length < n; i++)
      await new Promise((r) => setTimeout(r, 25));
  };
  send({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });
  await responses(1);
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  send({
    jsonrpc: '2.0',
    id: 3,
    method: 'tools/call',
    params: { name: 'ratchet_execute_task', arguments: { task_id: 'addition', input: { num1: 1, num2: 2 } } },
  });
  send({
    jsonrpc: '2.0',
    id: 4,
    method: 'tools/call',
    params: { name: 'ratchet_execute_task', arguments: { task_id: 'nope' } },
  });
  await responses(4);
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  child.stdin.end();
  assert.equal(await exited, 0, err);
  const lines = out.split('\n').filter((l) => l !== '');
  for (const l of lines) {
    const m = JSON.parse(l) as { jsonrpc?: string };
    assert.equal(m.jsonrpc, '2.0', l);
  }
  // Requests run concurrently, so answers may come in any order.
  const byId = new Map(lines.map((l) => [(JSON.parse(l) as { id?: number }).id, l]));
  assert.deepEqual([...byId.keys()].sort(), [1, 2, 3, 4]);
  const notFound = JSON.parse(byId.get(4)!) as {
    result: { isError: boolean; structuredContent: { error: { code: string } } };
  };
  assert.equal(notFound.result.isError, true);
  assert.equal(notFound.result.structuredContent.error.code, 'NOT_FOUND');
  assert.match(err, /ratchet MCP server on stdio/);
  await rm(dir, { recursive: true, force: true });
});

test('stdio: the MCP Inspector CLI lists the tools and calls one', async () => {
  const dir = await project();
  try {
    const run = promisify(execFile);
    const list = await run(
      process.execPath,
      [INSPECTOR, '--cli', process.execPath, MAIN_JS, 'mcp-serve', '--method', 'tools/list'],
      { cwd: dir, timeout: 60_000 },
    );
    const names = (JSON.parse(list.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    assert.ok(
      names.includes('ratchet_execute_task') && names.includes('ratchet_analyze_execution_error'),
      names.join(','),
    );
    const call = await run(
      process.execPath,
      [
        INSPECTOR,
        '--cli',
        process.execPath,
        MAIN_JS,
        'mcp-serve',
        '--method',
        'tools/call',
        '--tool-name',
        'ratchet_list_available_tasks',
        '--tool-arg',
        'filter=add',
      ],
      { cwd: dir, timeout: 60_000 },
    );
    assert.match(call.stdout, /addition/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
