// Deadlines that always hold, through the built CLI: a QuickJS builtin that loops without ever
// reaching the sandbox's interrupt handler (`Array.prototype.includes` over a 2^32 array-like ran
// until killed) is ended at the task's time limit by `run-once` and by `ratchet test`, serial and
// --parallel, and the other cases of the same run still run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTask, runCli } from './helpers/cli.ts';

const SPIN = 'Array.prototype.includes.call({ length: 2 ** 32 - 1 }, 1)';

function spinningTask(timeoutMs: number) {
  return makeTask({
    'metadata.json': { name: 'spin', version: '1.0.0', timeout: timeoutMs },
    'main.js': `function main(input) { if (input.spin) return ${SPIN}; return { ok: input.n }; }`,
    'tests/a-spins.json': { name: 'spins', input: { spin: true }, expected_output: true },
    'tests/b-expects-timeout.json': {
      name: 'expects the timeout',
      input: { spin: true },
      expected_error: { type: 'TimeoutError' },
    },
    'tests/c-works.json': { name: 'works', input: { n: 3 }, expected_output: { ok: 3 } },
  });
}

test('run-once ends a builtin loop at its deadline: TimeoutError, exit 1', async () => {
  const task = await spinningTask(60_000);
  try {
    const r = await runCli(['run-once', task.dir, '--timeout', '1000', '--input-json', '{"spin":true}'], {
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /TimeoutError: task exceeded its time limit of 1000 ms/);
    const json = await runCli(
      ['run-once', task.dir, '--timeout', '700', '--json', '--input-json', '{"spin":true}'],
      {
        timeoutMs: 30_000,
      },
    );
    assert.equal(json.code, 1, json.stderr);
    const result = JSON.parse(json.stdout) as { status: string; error: { type: string; message: string } };
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error.type, 'TimeoutError');
    assert.match(result.error.message, /time limit of 700 ms/);
  } finally {
    await task.cleanup();
  }
});

for (const parallel of [undefined, '2']) {
  test(`ratchet test${parallel ? ` --parallel ${parallel}` : ''} ends a spinning case at its deadline and runs the rest`, async () => {
    const task = await spinningTask(800);
    try {
      const args = ['test', task.dir, '--json', ...(parallel ? ['--parallel', parallel] : [])];
      const r = await runCli(args, { timeoutMs: 60_000 });
      assert.equal(r.code, 1, r.stderr);
      const report = JSON.parse(r.stdout) as {
        totals: { passed: number; failed: number };
        tasks: { cases: { name: string; status: string; message?: string }[] }[];
      };
      const cases = Object.fromEntries(report.tasks[0]!.cases.map((c) => [c.name, c]));
      assert.equal(cases.spins?.status, 'failed');
      assert.match(
        cases.spins.message!,
        /the task failed: TimeoutError: task exceeded its time limit of 800 ms/,
      );
      assert.equal(cases['expects the timeout']?.status, 'passed', cases['expects the timeout']?.message);
      assert.equal(cases.works?.status, 'passed', cases.works?.message);
      assert.deepEqual([report.totals.passed, report.totals.failed], [2, 1]);
    } finally {
      await task.cleanup();
    }
  });
}

test('ratchet fuzz ends a builtin loop at each run deadline and reports it as a timeout', async () => {
  const task = await makeTask({
    'metadata.json': { name: 'spin', version: '1.0.0', timeout: 300 },
    'input.schema.json': { type: 'object', properties: { n: { type: 'integer' } } },
    'main.js': `function main(input) { return ${SPIN}; }`,
  });
  try {
    for (const parallel of ['1', '2']) {
      // 8 s: under a full suite's load a lane once started so late that it made one run in 4 s.
      const r = await runCli(['fuzz', task.dir, '--duration', '8s', '--parallel', parallel, '--json'], {
        timeoutMs: 60_000,
      });
      const report = JSON.parse(r.stdout) as { failures: { kind: string; message: string }[] };
      assert.equal(report.failures[0]?.kind, 'timeout', r.stdout + r.stderr);
      assert.match(report.failures[0].message, /time limit of 300 ms/);
    }
  } finally {
    await task.cleanup();
  }
});
