// A stop signal that arrives while a long-running command is still starting (loading modules,
// migrating, syncing) ends it gracefully with exit 0 instead of killing it mid-start (exit 143).
// (A repeated signal while draining is covered by docs/queue.md's `timeout … ratchet worker`, which
// signals the process and its group.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, assertBuilt, cleanEnv } from '../src/cli/test-helpers/cli-process.ts';

/**
 * Sends SIGTERM while the command is still starting: as soon as it has created its database file
 * (start-up has begun: config loaded, store opening, migrations, sync still to come), or `extraMs`
 * later. A signal before Node has run any of our code cannot be handled by anyone.
 */
function stopEarly(args: string[], cwd: string, extraMs: number): Promise<number | null> {
  const db = join(cwd, 'r.db');
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    cwd,
    env: cleanEnv({ RATCHET_DATABASE_URL: `sqlite://${db}` }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))),
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  void exited.then((c) => c !== 0 && console.error(`exit ${c}\n${stderr}`));
  void (async () => {
    while (child.exitCode === null && !existsSync(db)) await sleep(1);
    await sleep(extraMs);
    child.kill('SIGTERM');
  })();
  return exited;
}

for (const args of [['serve', '--port', '0'], ['worker'], ['mcp', '--transport', 'http', '--port', '0']]) {
  test(`ratchet ${args[0]} stopped during start-up exits 0`, async () => {
    assertBuilt();
    const dir = await mkdtemp(join(tmpdir(), 'ratchet-early-stop-'));
    try {
      for (const extraMs of [0, 150]) {
        // A fresh folder per run: the database file is the start-up marker.
        const run = await mkdtemp(join(dir, 'run-'));
        assert.equal(await stopEarly(args, run, extraMs), 0, `SIGTERM ${extraMs} ms into start-up`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
