// The built CLI's `ratchet console` against a live `ratchet serve` (the HTTP client), with an API
// key: piped stdin, --script with file:line errors and exit codes, 401 naming the key, and a server
// that goes away mid-session.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { cleanEnv, runCli, runShell, CLI_MAIN } from '../cli/test-helpers/cli-process.ts';
import { startServe, waitReady } from '../cli/test-helpers/serve-process.ts';
import { tasksDir } from './test-helpers/session.ts';

void test('console --connect against ratchet serve: commands, scripts, auth errors, server gone', async () => {
  const { dir, cleanup } = await tasksDir([
    { name: 'greet', code: 'function main(i) { return { greeting: "hello " + i.name }; }' },
  ]);
  const env = cleanEnv({ RATCHET_DATABASE_URL: `sqlite://${join(dir, 'r.db')}` });
  await writeFile(
    join(dir, 'ratchet.yaml'),
    YAML.stringify({
      registry: { sources: [{ name: 'local', uri: 'file://./tasks' }] },
      server: { workers: { embedded: false } },
    }),
  );
  const made = await runCli(
    ['apikey', 'create', '--name', 'ops', '--role', 'admin', '--config', 'ratchet.yaml'],
    {
      cwd: dir,
      env,
    },
  );
  assert.equal(made.code, 0, made.stderr);
  const key =
    /(rk_\S+)/.exec(made.stdout)?.[1] ??
    made.stdout
      .trim()
      .split(/\s+/)
      .find((w) => w.length > 30)!;
  const serve = await startServe(['--config', 'ratchet.yaml'], dir, env);
  const consoleCmd = (args: string) =>
    `${process.execPath} ${CLI_MAIN} console --connect ${serve.url} ${args}`;
  try {
    await waitReady(serve.url);
    let r = await runShell(
      `${consoleCmd(`--auth-token ${key}`)} <<'EOF'\nrepo refresh\nset WHO = Ada\ntask execute greet --input '{"name": "$WHO"}'\ntask list --json\nhealth\nEOF`,
      { cwd: dir, env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /ratchet@/, 'no prompt when stdin is piped');
    assert.match(r.stdout, /output:\s+\{"greeting":"hello Ada"\}/);
    assert.match(r.stdout, /"name": "greet"/);
    assert.match(r.stdout, new RegExp(`ok \\(${new URL(serve.url).host}\\)`));

    // RATCHET_API_KEY works as well; a failing line stops the script with its file and line.
    await writeFile(join(dir, 'ops.rsh'), '# nightly check\ntask list\njob show 999\nhealth\n');
    r = await runCli(['console', '--connect', serve.url, '--script', 'ops.rsh'], {
      cwd: dir,
      env: { ...env, RATCHET_API_KEY: key },
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: ops\.rsh:3: .*999/m);
    assert.doesNotMatch(r.stdout, /^ok /m, 'the line after the failure did not run');
    r = await runCli(['console', '--connect', serve.url, '--script', 'ops.rsh', '--continue-on-error'], {
      cwd: dir,
      env: { ...env, RATCHET_API_KEY: key },
    });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^ok /m);

    r = await runShell(`echo 'task list' | ${consoleCmd('--auth-token rk_wrong')}`, { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: <stdin>:1: .*--auth-token or RATCHET_API_KEY was refused/);
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exit;
  }
  try {
    const r = await runShell(`echo health | ${consoleCmd(`--auth-token ${key}`)}`, { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /error: <stdin>:1: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); the next command tries again/,
    );
  } finally {
    await cleanup();
  }
});
