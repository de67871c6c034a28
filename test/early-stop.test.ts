// A stop signal that arrives while a long-running command is still starting (loading modules,
// migrating, syncing) ends it gracefully with exit 0 instead of killing it mid-start (exit 143).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, assertBuilt, cleanEnv } from '../src/cli/test-helpers/cli-process.ts';

function stopEarly(args: string[], cwd: string, afterMs: number): Promise<number | null> {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    cwd,
    env: cleanEnv({ RATCHET_DATABASE_URL: `sqlite://${join(cwd, 'r.db')}` }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  setTimeout(() => child.kill('SIGTERM'), afterMs);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

for (const args of [['serve', '--port', '0'], ['worker'], ['mcp', '--transport', 'http', '--port', '0']]) {
  test(`ratchet ${args[0]} stopped during start-up exits 0`, async () => {
    assertBuilt();
    const dir = await mkdtemp(join(tmpdir(), 'ratchet-early-stop-'));
    try {
      for (const afterMs of [50, 400]) {
        assert.equal(await stopEarly(args, dir, afterMs), 0, `SIGTERM after ${afterMs} ms`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
