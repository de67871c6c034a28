// `ratchet task execute` through the built CLI on a real SQLite file: a stored task runs now with no
// server or worker, the execution is recorded in the store (as REST's direct run records it), and
// failures, schema violations and unknown tasks say what went wrong.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cleanEnv, runCli } from './test-helpers/cli-process.ts';

const SAMPLES = new URL('../../sample/tasks/', import.meta.url).pathname;

test('task execute runs a stored task now and records the execution', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-task-execute-'));
  const env = cleanEnv({ RATCHET_DATABASE_URL: `sqlite://${join(dir, 'store.db')}` });
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
  try {
    await cp(join(SAMPLES, 'addition'), join(dir, 'tasks', 'addition'), { recursive: true });
    await mkdir(join(dir, 'tasks', 'broken'));
    await writeFile(join(dir, 'tasks', 'broken', 'metadata.json'), '{"name": "broken", "version": "1.0.0"}');
    await writeFile(
      join(dir, 'tasks', 'broken', 'main.js'),
      '(function (input) {\n  console.log("about to fail");\n  throw new DataError("no luck");\n})\n',
    );
    let r = await cli('repo', 'sync');
    assert.equal(r.code, 0, r.stdout + r.stderr);

    r = await cli('task', 'execute', 'addition', '--input-json', '{"num1": 5, "num2": 10}');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { sum: 15, product: 50 });
    const id = /execution (\d+) COMPLETED in \d+ ms \(ratchet execution show \d+\)/.exec(r.stderr)?.[1];
    assert.ok(id, r.stderr);

    // Recorded in the store, with no job, like REST's POST /tasks/:id/execute.
    r = await cli('execution', 'show', id);
    assert.equal(r.code, 0, r.stderr);
    const row = JSON.parse(r.stdout) as { status: string; jobId: unknown; input: unknown; output: unknown };
    assert.equal(row.status, 'COMPLETED');
    assert.equal(row.jobId, null);
    assert.deepEqual(row.input, { num1: 5, num2: 10 });
    assert.deepEqual(row.output, { sum: 15, product: 50 });

    r = await cli('task', 'execute', 'broken', '--json');
    assert.equal(r.code, 1);
    const failed = JSON.parse(r.stdout) as {
      status: string;
      error: { type: string; message: string };
      logs: { message: string }[];
    };
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error.type, 'DataError');
    assert.equal(failed.error.message, 'no luck');
    assert.equal(failed.logs[0]?.message, 'about to fail');
    r = await cli('task', 'execute', 'broken');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\[log\] about to fail\nDataError: no luck/);
    assert.match(r.stderr, /execution \d+ FAILED/);

    r = await cli('task', 'execute', 'addition', '--input-json', '{"num1": "five"}');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /input does not match the input schema of task "addition"/);
    assert.match(r.stderr, /\$\.input\.num1/);

    r = await cli('task', 'execute', 'nosuch');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /nosuch/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);

    r = await cli('task', 'execute', 'addition', '--input-json', '{"num1": ');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--input-json:1:10: invalid JSON/);

    r = await cli('execution', 'list', '--json');
    assert.equal((JSON.parse(r.stdout) as unknown[]).length, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
