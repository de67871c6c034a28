// `ratchet serve` and `ratchet apikey` through the built CLI: a real server process on a free
// port, readiness, auth with a key made by the CLI, refusal to start when exposed without keys,
// and graceful shutdown on SIGTERM (exit 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './test-helpers/cli-process.ts';
import { startServe, waitReady } from './test-helpers/serve-process.ts';

void test('serve with no config: SQLite in ./data, ./tasks synced, ready, SIGTERM exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-serve-'));
  try {
    mkdirSync(join(dir, 'tasks', 'hello'), { recursive: true });
    writeFileSync(
      join(dir, 'tasks', 'hello', 'metadata.json'),
      JSON.stringify({ name: 'hello', version: '1.0.0', description: 'says hello' }),
    );
    writeFileSync(join(dir, 'tasks', 'hello', 'main.js'), '(input) => ({ hello: input.name })');
    const s = await startServe([], dir);
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await waitReady(s.url);
    const health = (await (await fetch(`${s.url}/health`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    const detailed = (await (await fetch(`${s.url}/health/detailed`)).json()) as {
      registry: { name: string; tasks: number }[];
      workers: { online: number };
    };
    assert.equal(detailed.registry[0]?.tasks, 1, JSON.stringify(detailed));
    assert.equal(detailed.workers.online, 1);
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0, s.output());
    assert.match(s.output(), /SIGTERM received: shutting down[\s\S]*server stopped/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('serve --tasks DIR serves the task folders there, from a folder without ./tasks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-serve-tasks-'));
  const samples = fileURLToPath(new URL('../../sample/tasks', import.meta.url));
  try {
    const s = await startServe(['--tasks', samples], dir);
    await waitReady(s.url);
    const tasks = (await (await fetch(`${s.url}/api/v1/tasks?limit=100`)).json()) as {
      data: { name: string }[];
    };
    const served = tasks.data.map((t) => t.name).sort();
    assert.deepEqual(served, readdirSync(samples).sort());
    assert.ok(served.includes('addition'));
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0, s.output());

    const missing = await runCli(['serve', '--tasks', 'no-such-folder', '--port', '0'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'error: --tasks no-such-folder: no such folder\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('apikey create/list/revoke via the CLI; serve on 0.0.0.0 refuses to start without a key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-apikey-'));
  try {
    writeFileSync(
      join(dir, 'ratchet.yaml'),
      'server:\n  bind_address: 0.0.0.0\n  workers:\n    embedded: false\n',
    );
    const refused = await runCli(['serve', '--port', '0', '--config', 'ratchet.yaml'], { cwd: dir });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /no active API key exists; create one first with: ratchet apikey create --name admin --role admin/,
    );

    const bad = await runCli(
      ['apikey', 'create', '--name', 'x', '--role', 'root', '--config', 'ratchet.yaml'],
      { cwd: dir },
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--role "root": expected one of viewer, operator, developer, admin/);

    const made = await runCli(
      [
        'apikey',
        'create',
        '--name',
        'ci',
        '--role',
        'viewer',
        '--expires',
        '30d',
        '--config',
        'ratchet.yaml',
      ],
      { cwd: dir },
    );
    assert.equal(made.code, 0, made.stderr);
    const key = made.stdout.trim();
    assert.match(key, /^rk_[a-z0-9]{8}_\S+$/);
    assert.match(made.stderr, /only time the key is shown/);
    const json = await runCli(
      ['apikey', 'create', '--name', 'ops', '--role', 'admin', '--json', '--config', 'ratchet.yaml'],
      { cwd: dir },
    );
    const created = JSON.parse(json.stdout) as {
      key: string;
      prefix: string;
      role: string;
      keyHash?: string;
    };
    assert.equal(created.role, 'admin');
    assert.equal(created.keyHash, undefined);

    const list = await runCli(['apikey', 'list', '--config', 'ratchet.yaml'], { cwd: dir });
    assert.equal(list.code, 0);
    assert.match(list.stdout, /PREFIX\s+NAME\s+ROLE\s+STATE\s+CREATED\s+EXPIRES\s+LAST USED\s+REVOKED/);
    assert.match(list.stdout, new RegExp(`${key.slice(3, 11)}\\s+ci\\s+viewer\\s+active`));
    assert.doesNotMatch(list.stdout, new RegExp(key.slice(12)));

    const s = await startServe(['--config', 'ratchet.yaml'], dir);
    try {
      await waitReady(s.url);
      assert.equal((await fetch(`${s.url}/health/detailed`)).status, 401);
      assert.equal(
        (await fetch(`${s.url}/health/detailed`, { headers: { authorization: `Bearer ${key}` } })).status,
        200,
      );
      const revoked = await runCli(['apikey', 'revoke', key, '--config', 'ratchet.yaml'], { cwd: dir });
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal(revoked.stdout, `revoked API key ${key.slice(3, 11)}\n`);
      assert.equal(
        (await fetch(`${s.url}/health/detailed`, { headers: { authorization: `Bearer ${key}` } })).status,
        401,
      );
    } finally {
      s.child.kill('SIGTERM');
      assert.equal(await s.exit, 0, s.output());
    }
    const again = await runCli(['apikey', 'revoke', key.slice(3, 11), '--config', 'ratchet.yaml'], {
      cwd: dir,
    });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already revoked/);
    const listed = JSON.parse(
      (await runCli(['apikey', 'list', '--json', '--config', 'ratchet.yaml'], { cwd: dir })).stdout,
    ) as {
      name: string;
      state: string;
      lastUsedAt: string | null;
    }[];
    const ci = listed.find((k) => k.name === 'ci');
    assert.equal(ci?.state, 'revoked');
    assert.ok(ci?.lastUsedAt, 'last use recorded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('serve with logging.format json: stdout holds only JSON log lines, the URL is told once on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-serve-json-'));
  try {
    writeFileSync(join(dir, 'ratchet.yaml'), 'logging:\n  format: json\n  level: info\n');
    const s = await startServe(['--config', 'ratchet.yaml'], dir);
    await waitReady(s.url);
    // A request, so the request log has written to stdout (probes such as /health log at debug).
    assert.equal((await fetch(`${s.url}/`)).status, 200);
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0, s.output());
    const lines = s
      .stdout()
      .split('\n')
      .filter((l) => l !== '');
    assert.ok(lines.length > 0, `no request log on stdout:\n${s.output()}`);
    for (const line of lines) {
      assert.doesNotThrow(() => JSON.parse(line) as unknown, `not a JSON line on stdout: ${line}`);
    }
    assert.ok(
      lines.some((l) => (JSON.parse(l) as { url?: string }).url === '/'),
      s.stdout(),
    );
    assert.equal(s.stdout().split(s.url).length - 1, 0, `the URL leaked onto stdout:\n${s.stdout()}`);
    assert.equal(
      s.stderr().split(s.url).length - 1,
      1,
      `the URL is not told exactly once on stderr:\n${s.stderr()}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('serve tells its URL even when logging.level is warn', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-serve-warn-'));
  try {
    writeFileSync(join(dir, 'ratchet.yaml'), 'logging:\n  format: json\n  level: warn\n');
    const s = await startServe(['--config', 'ratchet.yaml'], dir);
    await waitReady(s.url);
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0, s.output());
    const told = s
      .stderr()
      .split('\n')
      .filter((l) => l.includes(s.url));
    assert.equal(told.length, 1, s.stderr());
    assert.equal((JSON.parse(told[0]!) as { level: number }).level, 30);
    assert.equal(s.stdout(), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
