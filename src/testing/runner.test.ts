// The runner with the real sandbox: judging outcomes, mocks seen by real task code, --filter,
// --bail and --parallel (worker threads).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { defaultHttpOptions } from '../http/client.ts';
import { loadTask } from '../tasks/load.ts';
import { cleanup, makeTaskDir, type FileSpec } from '../tasks/test-helpers/task-dir.ts';
import { runTaskTests, runTestSuites } from './runner.ts';

after(cleanup);

const http = { ...defaultHttpOptions };

async function task(main: string, tests: Record<string, object | string>, extra: FileSpec = {}) {
  const files: FileSpec = { 'metadata.json': { name: 't', version: '1.0.0' }, 'main.js': main, ...extra };
  for (const [name, body] of Object.entries(tests)) files[`tests/${name}`] = body;
  return loadTask(await makeTaskDir(files));
}

const FETCHER = `(function (input) {
  let caught = null;
  try {
    const r = fetch(input.url, { method: input.method || 'GET' });
    return { status: r.status, ok: r.ok, body: r.body, type: r.headers['content-type'] || null };
  } catch (e) {
    caught = e.name + ': ' + e.message;
  }
  return { caught };
})`;

test('an unmatched request fails the case even when the task catches the NetworkError', async () => {
  const pkg = await task(FETCHER, {
    'a.json': {
      input: { url: 'https://nowhere.example/x' },
      match: 'partial',
      expected_output: {
        caught:
          'NetworkError: no mock matches GET https://nowhere.example/x (compared with: no mocks declared)',
      },
    },
  });
  const report = await runTaskTests(pkg, { http });
  const c = report.cases[0]!;
  assert.equal(c.status, 'failed');
  assert.equal(c.message, 'no mock matches GET https://nowhere.example/x (compared with: no mocks declared)');
  assert.equal(c.diff, undefined, 'the output itself matched');
});

test('404 and malformed JSON bodies reach the task as normal responses', async () => {
  const pkg = await task(FETCHER, {
    '1-404.json': {
      input: { url: 'https://api.example/missing' },
      expected_output: { status: 404, ok: false, body: { error: 'not found' }, type: 'application/json' },
      mock_http: {
        requests: [
          {
            method: 'GET',
            url: 'https://api.example/missing',
            response: { status: 404, body: { error: 'not found' } },
          },
        ],
      },
    },
    '2-malformed.json': {
      input: { url: 'https://api.example/broken' },
      expected_output: { status: 200, ok: true, body: '{"half": ', type: 'application/json' },
      mock: {
        http: {
          url: 'api.example/broken',
          response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"half": ' },
        },
      },
    },
    '3-headers-body.json': {
      input: { url: 'https://api.example/t' },
      expected_output: { status: 200, ok: true, body: 'plain', type: 'text/csv' },
      mock_http: {
        requests: [
          {
            url: 'https://api.example/',
            response: { headers: { 'content-type': 'text/csv' }, body: 'plain' },
          },
        ],
      },
    },
  });
  const report = await runTaskTests(pkg, { http });
  assert.deepEqual(
    report.cases.map((c) => [c.file, c.status, c.message]),
    [
      ['1-404.json', 'passed', undefined],
      ['2-malformed.json', 'passed', undefined],
      ['3-headers-body.json', 'passed', undefined],
    ],
  );
});

test('failure expectations: wrong type, wrong message, completed instead of failing, assertions on the error', async () => {
  const pkg = await task(
    `(function (input) { if (input.fail) throw new DataError('bad value: ' + input.fail); return { v: 1 }; })`,
    {
      '1.json': { input: { fail: 'x' }, expected_error: { type: 'DataError', message: 'bad value' } },
      '2.json': { input: { fail: 'x' }, expected_error: { type: 'HttpError' } },
      '3.json': { input: { fail: 'x' }, expected_error: 'something else' },
      '4.json': { input: {}, should_fail: true },
      '5.json': {
        input: { fail: 'y' },
        should_fail: true,
        assertions: [
          { path: 'message', operator: 'matches', expected: 'y$' },
          { path: 'type', operator: 'equals', expected: 'TypeError' },
        ],
      },
      '6.json': { input: { fail: 'z' }, expected_output: { v: 1 } },
    },
  );
  const r = await runTaskTests(pkg, { http });
  assert.deepEqual(
    r.cases.map((c) => c.status),
    ['passed', 'failed', 'failed', 'failed', 'failed', 'failed'],
  );
  assert.equal(r.cases[1]!.message, 'expected error type HttpError, got DataError: bad value: x');
  assert.equal(
    r.cases[2]!.message,
    'expected the error message to contain "something else", got DataError: bad value: x',
  );
  assert.equal(r.cases[3]!.message, 'expected the task to fail, but it completed with output {"v":1}');
  assert.equal(r.cases[4]!.message, 'assertion failed: type equals "TypeError": actual "DataError"');
  assert.equal(r.cases[5]!.message, 'the task failed: DataError: bad value: z');
  assert.equal(r.cases[5]!.error?.location?.line, 1);
  assert.deepEqual([r.passed, r.failed, r.errors], [1, 5, 0]);
});

test('a diff for differing output, an error status for an unusable test file', async () => {
  const pkg = await task(`(function (i) { console.log('computing'); return { sum: i.a + i.b }; })`, {
    'a.json': { input: { a: 1, b: 2 }, expected_output: { sum: 4 } },
    'b.json': { input: {}, assertions: [{ path: 'x', operator: 'near', expected: 1 }] },
  });
  const r = await runTaskTests(pkg, { http });
  assert.deepEqual(r.cases[0]!.diff, ['- $.sum: 4', '+ $.sum: 3']);
  assert.equal(r.cases[0]!.logs[0]!.message, 'computing');
  assert.equal(r.cases[1]!.status, 'error');
  assert.match(
    r.cases[1]!.message!,
    /tests\/b\.json:\d+:\d+ at \$\.assertions\[0\]\.operator: must be one of/,
  );
});

test('--filter by name, file or /regex/; --bail stops after the first failure', async () => {
  const pkg = await task(`(function (i) { return i.v; })`, {
    '1.json': { name: 'alpha', input: { v: 1 }, expected_output: 1 },
    '2.json': { name: 'beta', input: { v: 2 }, expected_output: 0 },
    '3.json': { name: 'gamma', input: { v: 3 }, expected_output: 3 },
  });
  const names = async (filter: string) =>
    (await runTaskTests(pkg, { http, filter })).cases.map((c) => c.name);
  assert.deepEqual(await names('ALPH'), ['alpha']);
  assert.deepEqual(await names('3.json'), ['gamma']);
  assert.deepEqual(await names('/^(alpha|gamma)$/'), ['alpha', 'gamma']);
  const filtered = await runTaskTests(pkg, { http, filter: 'beta' });
  assert.equal(filtered.filteredOut, 2);
  const bailed = await runTaskTests(pkg, { http, bail: true });
  assert.deepEqual(
    bailed.cases.map((c) => c.status),
    ['passed', 'failed'],
  );
  assert.equal(bailed.notRun, 1);
});

test('--parallel runs cases at the same time in worker threads, reported in file order', async () => {
  // Each case records when it started and ended its 200 ms guest sleep; overlapping intervals
  // prove concurrency without timing thresholds.
  const sleeper = `async function main(input) {
    const start = Date.now();
    await new Promise((r) => setTimeout(r, 200));
    return { n: input.n, start, end: Date.now() };
  }`;
  const tests: Record<string, object> = {};
  for (let n = 1; n <= 4; n++) {
    tests[`case-${n}.json`] = { input: { n }, expected_output: { n }, match: 'partial' };
  }
  const pkg = await task(sleeper, tests);
  const order: string[] = [];
  const report = await runTestSuites([{ pkg, path: 'x' }], {
    http,
    parallel: 4,
    onCase: (_, c) => order.push(c.file),
  });
  const cases = report.tasks[0]!.cases;
  assert.deepEqual(
    cases.map((c) => c.status),
    ['passed', 'passed', 'passed', 'passed'],
  );
  assert.deepEqual(order, ['case-1.json', 'case-2.json', 'case-3.json', 'case-4.json']);
  const spans = cases.map((c) => c.output as { start: number; end: number });
  // Run one after another, no two intervals could intersect; under a loaded machine the workers
  // may start staggered, so any intersecting pair is the proof (no timing threshold).
  const overlapping = spans.some((a, i) => spans.some((b, j) => i < j && a.start < b.end && b.start < a.end));
  assert.ok(overlapping, `cases did not overlap: ${JSON.stringify(spans)}`);
});
