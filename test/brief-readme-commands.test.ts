// The product brief's README commands, as written (test/fixtures/brief-readme-commands.yaml says
// where they come from and what each check means), run through the built CLI in a scratch folder:
// none may be refused as a usage error, and those that can run here must work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { CLI_MAIN, assertBuilt, cleanEnv, runShell } from '../src/cli/test-helpers/cli-process.ts';
import { ROOT } from './helpers/cli.ts';
import { startServerCommand, waitReady } from './helpers/server-process.ts';

interface Entry {
  line: number;
  check: 'run' | 'serve' | 'stdio' | 'usage';
  command: string;
  shows?: string;
  why?: string;
  expect?: string;
}

const FIXTURE = join(ROOT, 'test', 'fixtures', 'brief-readme-commands.yaml');
/** What commander (and our own flag checks) print for a command line they refuse. */
const USAGE_ERROR =
  /unknown option|unknown command|too many arguments|missing required|required option|argument missing|\(run `ratchet help/;

function entries(): Entry[] {
  const list = YAML.parse(readFileSync(FIXTURE, 'utf8')) as Entry[];
  for (const e of list) assert.match(e.command, /^ratchet /, `line ${e.line}: not a ratchet command`);
  return list;
}

/** Long-running servers listen on a free port: README's --port N becomes 0, or --port 0 is added. */
function onFreePort(command: string): string {
  return /--port[= ]\d+/.test(command)
    ? command.replace(/--port([= ])\d+/, '--port$10')
    : `${command} --port 0`;
}

async function checkServer(e: Entry, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const server = await startServerCommand(onFreePort(e.command), { cwd, env });
  try {
    if (/^ratchet serve\b/.test(e.command)) {
      await waitReady(server.url);
      const health = (await (await fetch(`${server.url}/health`)).json()) as { status: string };
      assert.equal(health.status, 'ok', `line ${e.line}: ${e.command}`);
    } else {
      const client = new Client({ name: 'brief-readme-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
      assert.ok((await client.listTools()).tools.length > 0);
      await client.close();
    }
  } finally {
    assert.equal(
      await server.stop(),
      0,
      `line ${e.line}: ${e.command}: exit after SIGTERM\n${server.output()}`,
    );
  }
  assert.doesNotMatch(server.output(), USAGE_ERROR);
}

async function checkStdio(e: Entry, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const transport = new StdioClientTransport({
    command: '/bin/sh',
    args: ['-c', `exec ${e.command}`],
    cwd,
    env: env as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'brief-readme-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    assert.ok((await client.listTools()).tools.length > 0, `line ${e.line}: ${e.command}`);
  } finally {
    await client.close();
  }
}

async function checkCommand(e: Entry, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runShell(e.command, { cwd, env });
  const where = `line ${e.line}: ${e.command}\n${r.stdout}${r.stderr}`;
  assert.doesNotMatch(r.stderr, USAGE_ERROR, where);
  if (e.check === 'usage') {
    assert.ok(e.why && e.expect, `line ${e.line}: a usage-only entry says why and what to expect`);
    assert.notEqual(r.code, 0, where);
    assert.match(r.stderr, new RegExp(e.expect), where);
    return;
  }
  assert.equal(r.code, 0, where);
  assert.notEqual(r.stdout.trim(), '', where);
  if (e.shows !== undefined) assert.match(r.stdout, new RegExp(e.shows, 'm'), where);
}

test("the brief README's ratchet commands run as written, none refused as a usage error", async () => {
  assertBuilt();
  const list = entries();
  assert.ok(list.length >= 29, `only ${list.length} commands in the fixture`);
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-brief-readme-'));
  try {
    await cp(join(ROOT, 'sample'), join(dir, 'sample'), { recursive: true });
    await cp(join(ROOT, 'sample', 'tasks', 'addition'), join(dir, 'tasks', 'addition'), { recursive: true });
    await writeFile(join(dir, 'ratchet'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_MAIN}" "$@"\n`);
    await chmod(join(dir, 'ratchet'), 0o755);
    const env = cleanEnv({ PATH: `${dir}:${process.env.PATH ?? ''}` });
    for (const e of list) {
      if (e.check === 'serve') await checkServer(e, dir, env);
      else if (e.check === 'stdio') await checkStdio(e, dir, env);
      else await checkCommand(e, dir, env);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
