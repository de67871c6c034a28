// Coverage on sample tasks with known answers: the untested branch is reported, instrumented runs
// behave and fail exactly like plain runs (same outputs, same error lines), a task that throws
// while loading still gets its coverage, and the lcov/json files are istanbul's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTask } from '../tasks/load.ts';
import { runTestSuites } from '../testing/runner.ts';
import { runTestsWithCoverage } from './coverage.ts';
import { writeCoverageReport } from './coverage-report.ts';

const FIXTURES = new URL('../../test/fixtures/quality/', import.meta.url).pathname;
const SAMPLES = new URL('../../sample/tasks/', import.meta.url).pathname;
const http = { timeoutMs: 1000, maxResponseBytes: 1 << 20 } as never;

async function suite(dir: string) {
  return { pkg: await loadTask(dir), path: dir };
}

test('the untested negative branch is uncovered, with its line, source and condition', async () => {
  const run = await runTestsWithCoverage([await suite(`${FIXTURES}untested-branch`)], { http });
  assert.equal(run.report.totals.passed, 2);
  const c = run.tasks[0]!.coverage!;
  assert.deepEqual(c.uncoveredLines, [{ line: 5, source: "    return { sign: 'negative' };" }]);
  assert.deepEqual(
    c.uncoveredBranches.map((b) => [b.line, b.type, b.arm, b.condition]),
    [
      [3, 'if', 'then', 'value < 0'],
      [10, 'cond-expr', 'true', 'value === 0'],
    ],
  );
  assert.deepEqual([c.lines.covered, c.lines.total, c.branches.covered, c.branches.total], [6, 7, 4, 6]);
  assert.equal(c.functions.pct, 100);
  // The report shows the author's folder, and no case carries the raw counters.
  assert.equal(run.report.tasks[0]!.task.path, `${FIXTURES}untested-branch`);
  assert.ok(run.report.tasks[0]!.cases.every((x) => x.collected === undefined));
});

test('coverage changes neither outputs nor error types, messages and line numbers', async () => {
  for (const dir of [`${FIXTURES}throws-deep`, `${FIXTURES}untested-branch`, `${SAMPLES}data-filter`]) {
    const plain = await runTestSuites([await suite(dir)], { http });
    const covered = await runTestsWithCoverage([await suite(dir)], { http });
    // data-filter stamps its output with the time; everything else must be identical.
    const stable = (o: unknown) => JSON.stringify(o)?.replace(/"timestamp":"[^"]*"/, '"timestamp":"…"');
    const view = (r: typeof plain) =>
      r.tasks[0]!.cases.map((c) => ({
        status: c.status,
        output: stable(c.output),
        message: c.message,
        diff: c.diff,
      }));
    assert.deepEqual(view(covered.report), view(plain), dir);
  }
  // A case that expects nothing gets the unexpected error with its location: line 5 both ways.
  const pkg = await loadTask(`${FIXTURES}throws-deep`);
  const file = {
    name: 'bad.json',
    text: JSON.stringify({ input: { items: [1, 'x'] }, expected_output: {} }),
  };
  const failing = { pkg: { ...pkg, tests: [file] }, path: 'throws-deep' };
  const plain = await runTestSuites([failing], { http });
  const covered = await runTestsWithCoverage([failing], { http });
  const plainError = plain.tasks[0]!.cases[0]!.error!;
  const coveredError = covered.report.tasks[0]!.cases[0]!.error!;
  assert.equal(plainError.location?.line, 5);
  assert.deepEqual(
    [coveredError.type, coveredError.message, coveredError.location?.line],
    [plainError.type, plainError.message, 5],
  );
});

test('a task that throws while loading: its cases fail as usual and the lines that ran are counted', async () => {
  const run = await runTestsWithCoverage([await suite(`${FIXTURES}throws-at-load`)], { http });
  const c = run.report.tasks[0]!.cases[0]!;
  assert.equal(c.status, 'failed');
  assert.match(c.message ?? '', /cannot build a table of 10/);
  const cov = run.tasks[0]!.coverage!;
  // Lines 1, 2 and 4 ran; the task function (line 7) never did.
  assert.deepEqual(
    cov.uncoveredLines.map((l) => l.line),
    [6, 7],
  );
  assert.deepEqual(cov.uncoveredFunctions, [{ name: '(anonymous_1)', line: 6 }]);
});

test('lcov and json reports are written by istanbul with the task file and its counters', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-cov-'));
  try {
    const run = await runTestsWithCoverage([await suite(`${FIXTURES}untested-branch`)], { http });
    const lcov = await readFile(writeCoverageReport(run.map, 'lcov', dir), 'utf8');
    assert.match(lcov, /^SF:.*fixtures\/quality\/untested-branch\/main.js$/m);
    assert.match(lcov, /^DA:5,0$/m);
    assert.match(lcov, /^LH:6$/m);
    const json = JSON.parse(await readFile(writeCoverageReport(run.map, 'json', dir), 'utf8')) as Record<
      string,
      { s: Record<string, number> }
    >;
    assert.deepEqual(Object.keys(json), [`${FIXTURES}untested-branch/main.js`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
