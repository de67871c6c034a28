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

    // Admin commands over HTTP: pause/resume (seen by server status and GET /api/v1/queue, and
    // audited), clear, monitor, the database.
    r = await runShell(
      `${consoleCmd(`--auth-token ${key}`)} <<'EOF'\njob pause\nserver status\njob clear --status FAILED\nmonitor\ndb status\ndb stats\nrepo verify\nEOF`,
      { cwd: dir, env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^queue:\s+PAUSED/m);
    assert.match(r.stdout, /^removed 0 FAILED job\(s\)$/m);
    assert.match(r.stdout, /^Ratchet monitor — 127\.0\.0\.1:\d+ — /m);
    assert.match(r.stdout, /^queue\s+PAUSED/m);
    assert.match(r.stdout, /^database: sqlite:.*r\.db \(sqlite\)$/m);
    assert.match(r.stdout, /^011_queue_state\s+true$/m);
    assert.match(r.stdout, /^queue_state:\s+1$/m);
    assert.match(r.stdout, /^local\s+file\s+true\s+1/m);
    const auth = { authorization: `Bearer ${key}` };
    const queue = (await (await fetch(`${serve.url}/api/v1/queue`, { headers: auth })).json()) as {
      data: { paused: boolean; changedBy: string };
    };
    assert.deepEqual([queue.data.paused, queue.data.changedBy], [true, 'ops']);
    assert.match(
      await (await fetch(`${serve.url}/metrics`, { headers: auth })).text(),
      /^ratchet_queue_paused 1$/m,
    );
    r = await runShell(`echo 'job resume' | ${consoleCmd(`--auth-token ${key}`)}`, { cwd: dir, env });
    assert.match(r.stdout, /^queue resumed/m);
    const audit = (await (
      await fetch(`${serve.url}/api/v1/audit?action=POST%20%2Fapi%2Fv1%2Fqueue%2Fpause`, { headers: auth })
    ).json()) as { data: { actor: string; outcome: string }[] };
    assert.deepEqual(
      audit.data.map((e) => [e.actor, e.outcome]),
      [['ops', '2xx']],
    );

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
