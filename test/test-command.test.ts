// `ratchet test` end to end through the built CLI: samples, failures with diffs, --json, --junit,
// --filter, --bail, --parallel, several folders, and proof that no real network is reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTask, runCli, SAMPLES } from './helpers/cli.ts';

let server: Server;
let base = '';
let hits = 0;
const cleanups: (() => Promise<void>)[] = [];

before(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"real":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  for (const c of cleanups) await c();
});

async function taskWith(main: string, tests: Record<string, object>, name = 'demo') {
  const files: Record<string, string | object> = {
    'metadata.json': { name, version: '1.0.0' },
    'main.js': main,
  };
  for (const [file, body] of Object.entries(tests)) files[`tests/${file}`] = body;
  const t = await makeTask(files);
  cleanups.push(t.cleanup);
  return t.dir;
}

const ADD = '(function (i) { return { sum: i.a + i.b }; })';

test('the samples pass: one line per case, a summary, exit 0', async () => {
  // Counted from the folder, so samples added later are covered too.
  const tasks = (await readdir(SAMPLES, { withFileTypes: true })).filter((e) => e.isDirectory());
  let cases = 0;
  for (const t of tasks) {
    cases += (await readdir(join(SAMPLES, t.name, 'tests')).catch(() => [])).filter((f) =>
      f.endsWith('.json'),
    ).length;
  }
  const r = await runCli(['test', SAMPLES]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^addition 1\.0\.0 \(/m);
  assert.match(r.stdout, /^ {2}✓ adds two positive numbers \(test-001\.json, (?:\d+ ms|\d+\.\d\d s)\)$/m);
  assert.match(r.stdout, /^ {2}✓ a 503 becomes ServiceUnavailableError/m);
  assert.doesNotMatch(r.stdout, /✗/);
  assert.match(
    r.stdout,
    new RegExp(
      `^Tests: ${cases} passed, 0 failed \\(${cases} cases in ${tasks.length} tasks, (\\d+ ms|\\d+(\\.\\d+)? s)\\)$`,
      'm',
    ),
  );
  const alias = await runCli(['test', '--from-fs', join(SAMPLES, 'addition')]);
  assert.equal(alias.code, 0);
  assert.match(alias.stdout, /Tests: 3 passed, 0 failed \(3 cases in 1 task,/);
});

test('a failing case prints ✗ with a diff and the task logs, and exits 1', async () => {
  const dir = await taskWith(
    '(function (i) { console.log("adding"); return { sum: i.a + i.b + 1, n: 1 }; })',
    {
      'test-001.json': { name: 'adds', input: { a: 1, b: 2 }, expected_output: { sum: 3, n: 1 } },
    },
  );
  const r = await runCli(['test', dir]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /✗ adds \(test-001\.json, (?:\d+ ms|\d+\.\d\d s)\)/);
  assert.match(
    r.stdout,
    /output differs from the expected output\n.*expected \(-\) vs actual \(\+\):\n {6}- \$\.sum: 3\n {6}\+ \$\.sum: 4\n/,
  );
  assert.match(r.stdout, /logs:\n {8}\[log\] adding/);
  assert.match(r.stdout, /Tests: 0 passed, 1 failed/);
});

test('a task error prints the source line with a caret', async () => {
  const dir = await taskWith('(function (i) {\n  throw new DataError("no " + i.x);\n})', {
    't.json': { input: { x: 'way' }, expected_output: {} },
  });
  const r = await runCli(['test', dir]);
  assert.equal(r.code, 1);
  assert.match(
    r.stdout,
    /the task failed: DataError: no way\n {8}at main\.js:2:22\n {8}1 \| \(function \(i\) \{\n {6}> 2 \| {3}throw new DataError\(.*\n {10}\| {22}\^/,
  );
});

test('--json prints one report object', async () => {
  const r = await runCli(['test', join(SAMPLES, 'addition'), '--json']);
  assert.equal(r.code, 0);
  const report = JSON.parse(r.stdout) as {
    ok: boolean;
    totals: { cases: number; passed: number };
    tasks: { task: { name: string }; cases: { name: string; status: string; durationMs: number }[] }[];
  };
  assert.equal(report.ok, true);
  assert.deepEqual(report.totals, { cases: 3, passed: 3, failed: 0, errors: 0, notRun: 0, loadErrors: 0 });
  assert.equal(report.tasks[0]!.task.name, 'addition');
  assert.deepEqual(
    report.tasks[0]!.cases.map((c) => c.status),
    ['passed', 'passed', 'passed'],
  );
});

test('--junit FILE writes JUnit XML with failures', async () => {
  const dir = await taskWith(ADD, {
    '1.json': { name: 'good', input: { a: 1, b: 1 }, expected_output: { sum: 2 } },
    '2.json': { name: 'bad <one>', input: { a: 1, b: 1 }, expected_output: { sum: 3 } },
  });
  const out = await mkdtemp(join(tmpdir(), 'ratchet-junit-'));
  cleanups.push(() => rm(out, { recursive: true, force: true }));
  const file = join(out, 'reports', 'junit.xml');
  const r = await runCli(['test', dir, '--junit', file]);
  assert.equal(r.code, 1);
  const xml = await readFile(file, 'utf8');
  assert.match(
    xml,
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="ratchet test" tests="2" failures="1" errors="0"/,
  );
  assert.match(xml, /<testsuite name="demo@1\.0\.0" tests="2" failures="1"/);
  assert.match(
    xml,
    /<testcase name="bad &lt;one&gt;" classname="demo" file="2\.json" time="[\d.]+">\n {6}<failure message="output differs from the expected output" type="AssertionError">[^<]*- \$\.sum: 3/,
  );
});

test('--filter selects cases; a filter matching nothing exits 1', async () => {
  const r = await runCli(['test', join(SAMPLES, 'addition'), '--filter', 'negatives']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /✓ handles negatives/);
  assert.doesNotMatch(r.stdout, /adds two positive/);
  assert.match(r.stdout, /Tests: 1 passed, 0 failed \(1 case in 1 task/);
  const none = await runCli(['test', join(SAMPLES, 'addition'), '--filter', 'zzz']);
  assert.equal(none.code, 1);
  assert.match(none.stdout, /no test case matches --filter "zzz"/);
});

test('--bail stops after the first failure', async () => {
  const dir = await taskWith(ADD, {
    '1.json': { input: { a: 1, b: 1 }, expected_output: { sum: 0 } },
    '2.json': { input: { a: 1, b: 1 }, expected_output: { sum: 2 } },
  });
  const r = await runCli(['test', dir, '--bail']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /✗ 1 /);
  assert.doesNotMatch(r.stdout, /✓ 2 /);
  assert.match(r.stdout, /Tests: 0 passed, 1 failed, 1 not run \(--bail\)/);
});

test('--parallel 4 runs four sleeping cases at the same time', async () => {
  const tests: Record<string, object> = {};
  for (let n = 1; n <= 4; n++)
    tests[`c${n}.json`] = { input: { n }, expected_output: { n }, match: 'partial' };
  const dir = await taskWith(
    'async function main(i) { const start = Date.now(); await new Promise((r) => setTimeout(r, 200)); return { n: i.n, start, end: Date.now() }; }',
    tests,
  );
  const r = await runCli(['test', dir, '--parallel', '4', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const cases = (
    JSON.parse(r.stdout) as { tasks: { cases: { file: string; output: { start: number; end: number } }[] }[] }
  ).tasks[0]!.cases;
  assert.deepEqual(
    cases.map((c) => c.file),
    ['c1.json', 'c2.json', 'c3.json', 'c4.json'],
  );
  // Run one after another, no two intervals could intersect; under a loaded machine the workers
  // may start staggered, so any intersecting pair is the proof (no timing threshold).
  const spans = cases.map((c) => c.output);
  const overlapping = spans.some((a, i) => spans.some((b, j) => i < j && a.start < b.end && b.start < a.end));
  assert.ok(overlapping, `cases ran one after another: ${JSON.stringify(cases.map((c) => c.output))}`);
  const bad = await runCli(['test', dir, '--parallel', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--parallel must be a positive whole number/);
});

test('several folders and a parent folder run with one summary', async () => {
  const extra = await taskWith(
    ADD,
    { '1.json': { input: { a: 2, b: 2 }, expected_output: { sum: 4 } } },
    'extra',
  );
  const samples = await runCli(['test', SAMPLES, '--json']);
  const sampleTotals = (JSON.parse(samples.stdout) as { totals: { cases: number; passed: number } }).totals;
  const sampleTasks = (JSON.parse(samples.stdout) as { tasks: unknown[] }).tasks.length;
  const r = await runCli(['test', SAMPLES, extra]);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /^extra 1\.0\.0/m);
  assert.equal(r.stdout.match(/^Tests:/gm)?.length, 1);
  const n = sampleTotals.cases + 1;
  assert.match(
    r.stdout,
    new RegExp(`Tests: ${n} passed, 0 failed \\(${n} cases in ${sampleTasks + 1} tasks`),
  );
});

test('loading problems: an unloadable task is reported and exits 2; a folder without tasks is a usage error', async () => {
  const broken = await makeTask({
    'metadata.json': { name: 'broken' },
    'main.js': '(function () { return 1; })',
  });
  cleanups.push(broken.cleanup);
  const r = await runCli(['test', join(SAMPLES, 'addition'), broken.dir]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /✗ cannot load task .*:\n {4}error: metadata\.json/);
  assert.match(r.stdout, /Tests: 3 passed, 0 failed, 1 task failed to load/);
  const empty = await mkdtemp(join(tmpdir(), 'ratchet-empty-'));
  cleanups.push(() => rm(empty, { recursive: true, force: true }));
  const e = await runCli(['test', empty]);
  assert.equal(e.code, 2);
  assert.match(e.stderr, /is not a task folder \(no metadata\.json\) and none of its subfolders is one/);
  const missing = await runCli(['test']);
  assert.equal(missing.code, 2);
});

test('no real network under test: an unmocked request never reaches the server unless allow_network is true', async () => {
  const main =
    '(function (i) { try { return fetch(i.url).body; } catch (e) { return { caught: e.name }; } })';
  const dir = await taskWith(main, {
    '1-offline.json': { input: { url: `${base}/data` }, expected_output: { caught: 'NetworkError' } },
  });
  hits = 0;
  const offline = await runCli(['test', dir]);
  assert.equal(hits, 0, 'the server was reached');
  assert.equal(offline.code, 1);
  assert.match(
    offline.stdout,
    new RegExp(`no mock matches GET ${base}/data \\(compared with: no mocks declared\\)`),
  );

  // Not catching the error, so the report shows its message.
  const online = await taskWith('(function (i) { return fetch(i.url).body; })', {
    '1-online.json': { input: { url: `${base}/data` }, expected_output: { real: true }, allow_network: true },
  });
  // allow_network lets the case make real requests, still under the egress policy: the server is
  // on loopback, so the case fails naming the flag that opens it...
  const denied = await runCli(['test', online]);
  assert.equal(denied.code, 1);
  assert.equal(hits, 0, 'the loopback server was reached without --allow-host');
  assert.match(denied.stdout, /loopback address/);
  assert.ok(denied.stdout.includes(`--allow-host ${new URL(base).host}`), denied.stdout);
  // ...and passes once exactly its host:port is allowed.
  const r = await runCli(['test', online, '--allow-host', new URL(base).host]);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(hits, 1);
});
