// `ratchet mcp` and `ratchet mcp-serve` take the brief README's `--transport stdio|sse --host --port`
// (one implementation; `mcp` defaults to HTTP, `mcp-serve` to stdio). `sse` is the old name of MCP
// over HTTP: accepted with a one-line notice on stderr, and what answers is Streamable HTTP, checked
// with the official client. Build first: npx tsc -p tsconfig.build.json.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { CLI_MAIN, assertBuilt, cleanEnv, runCli } from './test-helpers/cli-process.ts';

/** Starts the CLI, waits for the URL on stdout, shakes hands, lists tools, stops it with SIGTERM. */
async function handshake(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ stderr: string; tools: number; url: string }> {
  assertBuilt();
  const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd, env: cleanEnv(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!.trim());
      });
      void exit.then((code) => reject(new Error(`exited with ${code} before printing a URL:\n${stderr}`)));
    });
    const client = new Client({ name: 'ratchet-transport-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const { tools } = await client.listTools();
    await client.close();
    return { stderr, tools: tools.length, url };
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exit, 0, `exit after SIGTERM:\n${stderr}`);
  }
}

test('mcp-serve --transport sse and mcp (no --transport) serve Streamable HTTP on --port', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-mcp-transport-'));
  try {
    const sse = await handshake(['mcp-serve', '--transport=sse', '--host=127.0.0.1', '--port=0'], dir);
    assert.ok(sse.tools > 0);
    const notices = sse.stderr.split('\n').filter((l) => l.startsWith('note:'));
    assert.deepEqual(notices, [
      'note: --transport sse is the old name of MCP over HTTP; serving Streamable HTTP',
    ]);
    const plain = await handshake(['mcp', '--port', '0'], dir);
    assert.ok(plain.tools > 0);
    assert.doesNotMatch(plain.stderr, /note:/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("mcp-serve --config with the guide's mcp-config.yaml serves HTTP as the file says", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-mcp-config-'));
  try {
    const guide = new URL('../../test/fixtures/brief-configs/guide-mcp-config.yaml', import.meta.url);
    await copyFile(guide, join(dir, 'mcp-config.yaml'));
    // The file's port 3001 may be taken here: the environment overrides it, as it overrides any key.
    const port = String(await freePort());
    const served = await handshake(['mcp-serve', '--config', 'mcp-config.yaml'], dir, {
      RATCHET_MCP__PORT: port,
    });
    assert.ok(served.tools > 0);
    assert.equal(served.url, `http://localhost:${port}/mcp`);
    assert.match(served.stderr, /mcp\.transport: sse → mcp\.transport: http/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('without --host and --port, ratchet mcp listens on mcp.host and mcp.port of the configuration', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-mcp-config-port-'));
  try {
    const port = await freePort();
    await writeFile(join(dir, 'ratchet.yaml'), `mcp:\n  host: "127.0.0.1"\n  port: ${port}\n`);
    const served = await handshake(['--config', 'ratchet.yaml', 'mcp'], dir);
    assert.match(served.stderr, new RegExp(`ratchet MCP server on http://127\\.0\\.0\\.1:${port}/mcp`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unknown --transport, or --port with stdio, is a usage error naming the flag', async () => {
  const bad = await runCli(['mcp-serve', '--transport', 'websocket'], { cwd: tmpdir() });
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    'error: --transport websocket: expected stdio or http (or sse, the old name of http)\n',
  );
  const stdioPort = await runCli(['mcp-serve', '--port', '8090'], { cwd: tmpdir() });
  assert.equal(stdioPort.code, 2);
  assert.equal(stdioPort.stderr, 'error: --host and --port apply to --transport http only\n');
});
