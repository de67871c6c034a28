// sample/configs/ holds the brief README's example configurations (as written where Ratchet
// accepts the keys; each file says what it leaves out). Every file there validates through the
// built CLI, and `ratchet serve --config=sample/configs/example-config.yaml` (the README's second
// serve command) starts from the repository root, loads the sample tasks and answers /health.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, assertBuilt, cleanEnv } from '../src/cli/test-helpers/cli-process.ts';
import { ROOT, runCli } from './helpers/cli.ts';
import { startServerCommand, waitReady } from './helpers/server-process.ts';

const CONFIGS = join(ROOT, 'sample', 'configs');

test('every file in sample/configs validates (config validate --config-file)', async () => {
  const files = readdirSync(CONFIGS).filter((f) => f.endsWith('.yaml'));
  assert.deepEqual(files.sort(), [
    'development.yaml',
    'example-config.yaml',
    'minimal.yaml',
    'production.yaml',
  ]);
  for (const file of files) {
    const r = await runCli(['config', 'validate', `--config-file=sample/configs/${file}`]);
    assert.equal(r.code, 0, `${file}: ${r.stderr}`);
    assert.equal(r.stdout, `✓ sample/configs/${file}: valid\n`);
  }
});

test('ratchet serve --config=sample/configs/example-config.yaml serves the sample tasks and /health', async () => {
  assertBuilt();
  // The file pins port 8080 and a database in sample/configs/data: a free port and a throwaway
  // database here, so the test neither collides nor writes into the checkout.
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-sample-config-'));
  const env = cleanEnv({ RATCHET_DATABASE_URL: `sqlite://${join(dir, 'r.db')}` });
  const server = await startServerCommand(
    `"${process.execPath}" "${CLI_MAIN}" serve --config=sample/configs/example-config.yaml --port 0`,
    { cwd: ROOT, env },
  );
  try {
    await waitReady(server.url);
    const health = (await (await fetch(`${server.url}/health`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    assert.match(server.output(), /registry source local-tasks: synced/);
    const tasks: unknown = await (await fetch(`${server.url}/api/v1/tasks?_start=0&_end=50`)).json();
    assert.match(JSON.stringify(tasks), /"name":"addition"/);
  } finally {
    const code = await server.stop();
    await rm(dir, { recursive: true, force: true });
    assert.equal(code, 0, server.output());
  }
});
