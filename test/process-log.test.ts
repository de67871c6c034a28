// logging.format json: everything `ratchet worker` says outside a request (start-up, draining,
// the final tally) is a pino JSON line on stderr; the default format keeps plain lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_MAIN, assertBuilt, cleanEnv } from '../src/cli/test-helpers/cli-process.ts';

async function workerStderr(format: 'json' | 'pretty'): Promise<string[]> {
  assertBuilt();
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-log-'));
  try {
    const child = spawn(process.execPath, [CLI_MAIN, 'worker', '--threads', '1'], {
      cwd: dir,
      env: {
        ...cleanEnv(),
        RATCHET_LOGGING__FORMAT: format,
        RATCHET_SERVER__DATABASE__URL: `sqlite://${path.join(dir, 'r.db')}`,
      },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (
      let waited = 0;
      !stderr.includes('started:') && child.exitCode === null && waited < 15_000;
      waited += 20
    )
      await sleep(20);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    return stderr.split('\n').filter((l) => l.trim() !== '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('logging.format json: every line the worker writes on stderr is a pino JSON record', async () => {
  const lines = await workerStderr('json');
  const records = lines.map((l) => JSON.parse(l) as { level: number; time: number; msg: string });
  assert.ok(records.length >= 3, lines.join('\n'));
  for (const r of records) {
    assert.equal(r.level, 30);
    assert.equal(typeof r.time, 'number');
  }
  assert.match(records[0]!.msg, /^worker \S+ started: 1 executor thread/);
  assert.match(records.at(-1)!.msg, /^worker \S+ stopped: 0 completed, 0 failed$/);
});

void test('the default format writes the same lines as plain text', async () => {
  const lines = await workerStderr('pretty');
  assert.match(lines[0]!, /^worker \S+ started: 1 executor thread/);
  assert.match(lines.at(-1)!, /^worker \S+ stopped: 0 completed, 0 failed$/);
});
