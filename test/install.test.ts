// The README's install step and the `ratchet` bin as a newcomer meets them: `npm link` (into a
// temporary prefix, so the machine's own is untouched) puts `ratchet` on PATH; started by the
// system's older Node (20 here) from any folder, the bin re-executes itself under the Node the
// package brings, forwarding arguments, stdio, exit code and signals; and the MCP client
// configuration `generate mcpservers-json` prints is started by the official SDK client.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import semver from 'semver';
import { runShell } from '../src/cli/test-helpers/cli-process.ts';
import { ROOT, SAMPLES } from './helpers/cli.ts';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');

/** A Node older than 22 to start the bin with: the system one on this machine. */
function olderNode(): string | undefined {
  const candidate = process.env.RATCHET_TEST_OLD_NODE ?? '/usr/bin/node';
  if (!existsSync(candidate)) return undefined;
  const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
  return Number(version.slice(1).split('.')[0]) < 22 ? candidate : undefined;
}
const OLD_NODE = olderNode();
const NO_OLD_NODE = OLD_NODE === undefined && 'no Node older than 22 here (set RATCHET_TEST_OLD_NODE)';

/**
 * A user's shell after the README's `npm link`: the link first, then the system (older) Node.
 * Linked once per file (concurrent npm runs in one folder could trip over each other).
 */
let linked: Promise<{ prefix: string; env: NodeJS.ProcessEnv }> | undefined;
function linkIntoTempPrefix(): Promise<{ prefix: string; env: NodeJS.ProcessEnv }> {
  linked ??= (async () => {
    const prefix = await mkdtemp(join(tmpdir(), 'ratchet-prefix-'));
    // --ignore-scripts: the link itself is the step under test; its `prepare` would rebuild the
    // dist/ that other tests are running from.
    const link = await runShell('npm link --ignore-scripts --no-audit --no-fund', {
      cwd: ROOT,
      env: { ...process.env, NPM_CONFIG_PREFIX: prefix, NPM_CONFIG_UPDATE_NOTIFIER: 'false' },
    });
    assert.equal(link.code, 0, link.stderr);
    return { prefix, env: { PATH: `${join(prefix, 'bin')}:${dirname(OLD_NODE!)}:/bin`, HOME: prefix } };
  })();
  return linked;
}
after(async () => {
  if (linked) await rm((await linked).prefix, { recursive: true, force: true });
});

test(
  'npm link puts ratchet on PATH; under an older Node it re-executes under the bundled one',
  { skip: NO_OLD_NODE },
  async () => {
    const { prefix, env } = await linkIntoTempPrefix();
    const elsewhere = await mkdtemp(join(tmpdir(), 'ratchet-cwd-'));
    try {
      const sh = (line: string) => runShell(line, { cwd: elsewhere, env });
      const node = await sh('node --version');
      assert.match(node.stdout, /^v(1\d|2[01])\./, 'the PATH of this test starts the older Node');
      assert.equal((await sh('command -v ratchet')).stdout.trim(), join(prefix, 'bin', 'ratchet'));

      // npm's engine check lets the older Node through (no EBADENGINE for ratchet itself) and the
      // bin takes care of the rest; a rebuild keeps it executable for bin links made before.
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        engines: { node: string };
      };
      assert.ok(semver.satisfies(node.stdout.trim(), pkg.engines.node), pkg.engines.node);
      assert.notEqual(statSync(BIN).mode & 0o111, 0, `${BIN} is executable`);

      const version = await sh('ratchet --version');
      assert.deepEqual([version.code, version.stdout, version.stderr], [0, `${VERSION}\n`, '']);
      const run = await sh(
        `ratchet run-once ${join(SAMPLES, 'addition')} --input-json '{"num1": 5, "num2": 10}'`,
      );
      assert.equal(run.code, 0, run.stderr);
      assert.equal(JSON.parse(run.stdout).sum, 15);
      // The exit code of the re-executed CLI is ours: 2 for a loading error, with its message.
      const missing = await sh('ratchet run-once ./no-such-task');
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /task folder not found/);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  },
);

test(
  'a stop signal sent to the bin reaches the re-executed server, which stops cleanly',
  { skip: NO_OLD_NODE },
  async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'ratchet-serve-'));
    const child = spawn(OLD_NODE!, [BIN, 'serve', '--port', '0'], {
      cwd,
      env: { PATH: '/usr/bin:/bin', HOME: cwd },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<[number | null, string | null]>((r) => child.on('close', (c, s) => r([c, s])));
    try {
      let url: string | undefined;
      while (url === undefined && child.exitCode === null && child.signalCode === null) {
        url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
        if (url === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(url, out);
      let ready = 0;
      while (ready !== 200 && child.exitCode === null && child.signalCode === null) {
        ready = await fetch(`${url}/ready`).then(
          (r) => r.status,
          () => 0,
        );
        if (ready !== 200) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(ready, 200, out);
      child.kill('SIGTERM');
      assert.deepEqual(await exit, [0, null], out);
      await assert.rejects(fetch(`${url}/health`), 'the server under the bundled Node stopped too');
    } finally {
      child.kill('SIGKILL');
      await rm(cwd, { recursive: true, force: true });
    }
  },
);

test('without a Node of its own, the bin says in one line what it needs', { skip: NO_OLD_NODE }, async () => {
  // The bin alone, in a package that has no node_modules/node.
  const pkg = await mkdtemp(join(tmpdir(), 'ratchet-bare-'));
  try {
    await mkdir(join(pkg, 'dist', 'cli'), { recursive: true });
    await writeFile(join(pkg, 'package.json'), '{"name": "ratchet", "type": "module"}\n');
    await copyFile(BIN, join(pkg, 'dist', 'cli', 'bin.js'));
    const r = await runShell(`${OLD_NODE!} dist/cli/bin.js --version`, {
      cwd: pkg,
      env: { PATH: '/usr/bin:/bin' },
    });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^error: ratchet needs Node\.js 22 or newer, but runs on v\d+.*npm install/);
  } finally {
    await rm(pkg, { recursive: true, force: true });
  }
});

test(
  'the configuration generate mcpservers-json prints starts an MCP server a client can use',
  { skip: NO_OLD_NODE },
  async () => {
    const { env } = await linkIntoTempPrefix();
    const cwd = await mkdtemp(join(tmpdir(), 'ratchet-mcp-project-'));
    const clientDir = await mkdtemp(join(tmpdir(), 'ratchet-mcp-client-'));
    try {
      const printed = await runShell('ratchet generate mcpservers-json', { cwd, env });
      assert.equal(printed.code, 0, printed.stderr);
      const server = (JSON.parse(printed.stdout) as { mcpServers: Record<string, McpServerEntry> }).mcpServers
        .ratchet!;
      // Started the way an MCP client starts it: its own small environment, where `node` is the old
      // one (or absent), and a working directory of its choosing (Claude Desktop's is /).
      const transport = new StdioClientTransport({
        command: server.command,
        args: server.args,
        env: { PATH: '/usr/bin:/bin', HOME: clientDir, ...server.env },
        cwd: clientDir,
        stderr: 'pipe',
      });
      const client = new Client({ name: 'install-test', version: '1.0.0' });
      await client.connect(transport);
      try {
        assert.equal(client.getServerVersion()?.name, 'ratchet');
        const { tools } = await client.listTools();
        assert.ok(
          tools.some((t) => t.name === 'ratchet_execute_task'),
          tools.map((t) => t.name).join(', '),
        );
      } finally {
        await client.close();
      }
      // The database is the one of the folder the configuration was printed in.
      assert.ok(existsSync(join(cwd, 'data', 'ratchet.db')), 'the pinned database was used');
      assert.equal(existsSync(join(clientDir, 'data')), false);
    } finally {
      await rm(cwd, { recursive: true, force: true });
      await rm(clientDir, { recursive: true, force: true });
    }
  },
);

interface McpServerEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}
