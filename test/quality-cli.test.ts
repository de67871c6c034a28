// The quality tools through the built CLI, as an author runs them on tasks with known answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from './helpers/cli.ts';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'quality');

test('ratchet test --coverage shows the untested branch and writes lcov', async () => {
  const cwd = await mkdtemp(join(tmpdir(), 'ratchet-cov-cli-'));
  try {
    const r = await runCli(
      ['test', join(FIXTURES, 'untested-branch'), '--coverage', '--coverage-report', 'lcov'],
      {
        cwd,
      },
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /lines 85\.7% \(6\/7\) {2}branches 66\.7% \(4\/6\) {2}functions 100% \(1\/1\)/);
    assert.match(r.stdout, /uncovered lines:\n\s+5 │ {5}return \{ sign: 'negative' \};/);
    assert.match(r.stdout, /3 │ if then never taken: value < 0/);
    assert.match(r.stdout, /10 │ cond-expr true never taken: value === 0/);
    assert.match(r.stdout, /Tests: 2 passed/);
    const lcov = await readFile(join(cwd, 'coverage', 'lcov.info'), 'utf8');
    assert.match(lcov, /^DA:5,0$/m);

    const json = await runCli(['test', join(FIXTURES, 'untested-branch'), '--coverage', '--json'], { cwd });
    const report = JSON.parse(json.stdout) as {
      coverage: { coverage: { uncoveredLines: { line: number }[] } }[];
    };
    assert.deepEqual(
      report.coverage[0]!.coverage.uncoveredLines.map((l) => l.line),
      [5],
    );
    assert.doesNotMatch(json.stdout, /"collected"/);

    const bad = await runCli(['test', join(FIXTURES, 'untested-branch'), '--coverage-report', 'html'], {
      cwd,
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--coverage-report must be one of lcov, json \(got "html"\)/);
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
});

test('ratchet fuzz finds the bug at num === 0, shrinks it, saves it as a failing case', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-fuzz-cli-'));
  try {
    await cp(join(FIXTURES, 'zero-bug'), join(dir, 'zero-bug'), { recursive: true });
    const r = await runCli(['fuzz', 'zero-bug', '--duration', '5s', '--seed', '1', '--save-failures'], {
      cwd: dir,
    });
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(
      r.stdout,
      /1 distinct failure\(s\):\n {2}✗ TypeError \(main\.js:6\): cannot read property 'name' of undefined\n {4}smallest input: \{"num":0\}/,
    );
    assert.match(r.stdout, /seed 1\)/);
    assert.deepEqual((await readdir(join(dir, 'zero-bug', 'tests'))).sort(), [
      'fuzz-001.json',
      'test-001.json',
    ]);
    // The saved case fails until the bug is fixed.
    const t = await runCli(['test', 'zero-bug'], { cwd: dir });
    assert.equal(t.code, 1);
    assert.match(t.stdout, /the task failed: TypeError/);

    const kinds = await runCli([
      'fuzz',
      join(FIXTURES, 'fuzz-kinds'),
      '--duration',
      '8s',
      '--seed',
      '2',
      '--timeout',
      '300',
      '--parallel',
      '1',
      '--json',
    ]);
    assert.equal(kinds.code, 1, kinds.stderr);
    const report = JSON.parse(kinds.stdout) as { failures: { kind: string; input: unknown }[] };
    assert.deepEqual(
      report.failures.map((f) => [f.kind, f.input]),
      [
        ['output', { n: -1 }],
        ['timeout', { n: 3 }],
      ],
    );

    const bad = await runCli(['fuzz', 'zero-bug', '--duration', 'soon'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--duration "soon" is not a duration/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ratchet test --generate-tests proposes edge cases, shows the failing one, --write saves them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-gen-cli-'));
  try {
    await cp(join(FIXTURES, 'zero-bug'), join(dir, 'zero-bug'), { recursive: true });
    const r = await runCli(['test', 'zero-bug', '--generate-tests', '--seed', '4'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /zero-bug: \d+ generated cases \(seed 4\)/);
    assert.match(
      r.stdout,
      /✗ generated: num = 0 \{"num":0\} → FAILED\n {6}TypeError: cannot read property 'name' of undefined \(main\.js:6\)/,
    );
    assert.match(r.stdout, /generated: num missing \{\} → rejected/);
    assert.deepEqual(await readdir(join(dir, 'zero-bug', 'tests')), ['test-001.json']);
    const w = await runCli(['test', 'zero-bug', '--generate-tests', '--seed', '4', '--write'], { cwd: dir });
    assert.equal(w.code, 0, w.stderr);
    const files = (await readdir(join(dir, 'zero-bug', 'tests'))).filter((f) => f.startsWith('generated-'));
    assert.ok(files.length >= 5, files.join());
    // The saved cases pass as written (they record today's behaviour, the bug included).
    const t = await runCli(['test', 'zero-bug'], { cwd: dir });
    assert.equal(t.code, 0, t.stdout);
    const again = await runCli(['test', 'zero-bug', '--generate-tests', '--seed', '4', '--write'], {
      cwd: dir,
    });
    assert.match(again.stdout, /kept existing/);
    const misuse = await runCli(['test', 'zero-bug', '--write'], { cwd: dir });
    assert.equal(misuse.code, 2);
    assert.match(misuse.stderr, /--write and --seed go with --generate-tests/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ratchet debug records each loop iteration and the failure, and refuses a breakpoint on nothing', async () => {
  const task = join(FIXTURES, 'throws-deep');
  const r = await runCli(['debug', task, '--input-json', '{"items":[1,"x"]}', '--breakpoint', 'line:7']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stdout,
    /#1 line:7 → main\.js:7 {2}at check \(main\.js:7\) ← at main \(main\.js:13\)\n(?: {4}.*\n)*? {4}total = 0\n {4}item = 1/,
  );
  assert.match(r.stdout, /failed: DataError: not a number: "x" \(main\.js:5\)/);
  const watched = await runCli([
    'debug',
    task,
    '--input-json',
    '{"items":[2,4]}',
    '--breakpoint',
    'line:9',
    '--watch',
    'total / items.length',
    '--json',
  ]);
  assert.equal(watched.code, 0, watched.stderr);
  const body = JSON.parse(watched.stdout) as { hits: { values: Record<string, string> }[]; output: unknown };
  assert.deepEqual(
    body.hits.map((h) => h.values),
    [{ 'total / items.length': '3' }],
  );
  const bad = await runCli(['debug', task, '--breakpoint', 'line:500']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /debug: breakpoint line:500: no statement on or after line 500/);
});
