// The quality tools through the built CLI, as an author runs them on tasks with known answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
