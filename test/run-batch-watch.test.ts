// `ratchet run-batch` and `ratchet watch` through the built CLI, as an author uses them while
// writing a task: a folder of inputs (one broken by the schema, some with expected outputs), and a
// watch that sees a save, a broken save and the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, SAMPLES, runCli } from './helpers/cli.ts';
import { cleanEnv } from '../src/cli/test-helpers/cli-process.ts';

async function scratch(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(join(SAMPLES, 'addition'), join(dir, 'addition'), { recursive: true });
  return dir;
}

test('run-batch runs every input in name order, in parallel, and compares with the expected outputs', async () => {
  const dir = await scratch('ratchet-run-batch-');
  try {
    const inputs = join(dir, 'inputs');
    const files: Record<string, unknown> = {
      'a.json': { num1: 1, num2: 2 },
      'a.expected.json': { sum: 3, product: 2 },
      'b.json': { num1: 5, num2: 'x' },
      'c.json': { num1: 2, num2: 2 },
      'c.expected.json': { sum: 5, product: 4 },
      'd.json': { num1: 10, num2: 0.5 },
    };
    await mkdir(inputs);
    for (const [name, value] of Object.entries(files))
      await writeFile(join(inputs, name), JSON.stringify(value));
    const plain = await runCli(['run-batch', 'addition', '--input-dir', 'inputs', '--parallel', '2'], {
      cwd: dir,
    });
    assert.equal(plain.code, 1, plain.stderr);
    const lines = plain.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((l) => [l.input, l.status]),
      [
        ['a.json', 'COMPLETED'],
        ['b.json', 'FAILED'],
        ['c.json', 'COMPLETED'],
        ['d.json', 'COMPLETED'],
      ],
    );
    assert.deepEqual(lines[3]!.output, { sum: 10.5, product: 5 });
    assert.match(
      plain.stderr,
      /✗ b\.json {2}ValidationError: input does not match input\.schema\.json: \$\.num2 must be number/,
    );
    assert.match(plain.stderr, /addition@1\.0\.0: 4 runs, 3 completed, 1 failed\n/);
    assert.match(plain.stderr, /1× ValidationError: .* \(b\.json\)/);

    const compared = await runCli(
      ['run-batch', 'addition', '--input-dir', 'inputs', '--compare-outputs', '--aggregate-results'],
      { cwd: dir },
    );
    assert.equal(compared.code, 1, compared.stderr);
    const report = JSON.parse(compared.stdout) as {
      totals: Record<string, number>;
      durationMs: { count: number; p50Ms: number };
      errors: { type: string; inputs: string[] }[];
      results: { input: string; matches?: boolean; diff?: string[] }[];
    };
    assert.deepEqual(report.totals, { runs: 4, completed: 3, failed: 1, compared: 2, differing: 1 });
    assert.equal(report.durationMs.count, 4);
    assert.deepEqual(
      report.errors.map((e) => [e.type, e.inputs]),
      [['ValidationError', ['b.json']]],
    );
    assert.equal(report.results[0]!.matches, true);
    assert.equal(report.results[2]!.matches, false);
    assert.deepEqual(report.results[2]!.diff, ['- $.sum: 5', '+ $.sum: 4']);
    assert.equal(report.results[3]!.matches, undefined, 'd.json has no expected output');
    assert.match(compared.stderr, /≠ c\.json {2}output differs from the expected/);

    // Everything completes and matches: exit 0.
    await rm(join(inputs, 'b.json'));
    await writeFile(join(inputs, 'c.expected.json'), JSON.stringify({ sum: 4, product: 4 }));
    const ok = await runCli(['run-batch', 'addition', '--input-dir', 'inputs', '--compare-outputs'], {
      cwd: dir,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /3 runs, 3 completed, 0 failed; 2 compared, 0 differing/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('run-batch names what is wrong with its inputs', async () => {
  const dir = await scratch('ratchet-run-batch-bad-');
  try {
    const missing = await runCli(['run-batch', 'addition', '--input-dir', 'nope'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--input-dir nope: no such folder/);
    const noFlag = await runCli(['run-batch', 'addition'], { cwd: dir });
    assert.equal(noFlag.code, 2);
    assert.match(noFlag.stderr, /--input-dir/);
    await cp(join(SAMPLES, 'addition', 'tests'), join(dir, 'in'), { recursive: true });
    await writeFile(join(dir, 'in', 'broken.json'), '{"num1": 1,\n  "num2": }');
    const broken = await runCli(['run-batch', 'addition', '--input-dir', 'in'], { cwd: dir });
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /in\/broken\.json:2:11/);
    const noExpected = await runCli(
      ['run-batch', 'addition', '--input-dir', 'addition', '--compare-outputs'],
      {
        cwd: dir,
      },
    );
    assert.equal(noExpected.code, 2);
    assert.match(noExpected.stderr, /--compare-outputs: no NAME\.expected\.json files in addition/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Resolves once `text` has appeared `times` times in what the stream printed. */
function waitFor(chunks: string[], text: string, times = 1, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (chunks.join('').split(text).length - 1 >= times) return resolve();
      if (Date.now() - started > timeoutMs) {
        return reject(new Error(`never printed ${JSON.stringify(text)} ×${times}:\n${chunks.join('')}`));
      }
      setTimeout(check, 50);
    };
    check();
  });
}

test('watch re-runs on every save, reports a broken save and keeps watching, stops on Ctrl-C', async () => {
  const dir = await scratch('ratchet-watch-');
  try {
    await writeFile(join(dir, 'input.json'), JSON.stringify({ num1: 1, num2: 2 }));
    const child = spawn(
      process.execPath,
      [CLI, 'watch', 'addition', '--input-file', 'input.json', '--on-change', '--debounce', '100'],
      { cwd: dir, env: cleanEnv() },
    );
    const out: string[] = [];
    const err: string[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => err.push(d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitFor(err, 'Ctrl-C to stop');
      assert.equal(out.join(''), '{"sum":3,"product":2}\n');
      assert.match(err.join(''), /Tests: 3 passed, 0 failed/);

      const main = join(dir, 'addition', 'main.js');
      const source = await readFile(main, 'utf8');
      await writeFile(main, source.replace('sum: num1 + num2', 'sum: num1 + num2 + 100'));
      await waitFor(out, '\n', 2);
      assert.equal(out.join('').split('\n')[1], '{"sum":103,"product":2}');
      await waitFor(err, 'Tests: 1 passed, 2 failed');
      assert.match(err.join(''), /changed: main\.js/);
      assert.match(err.join(''), /- \$\.sum: 15\n\s+\+ \$\.sum: 115/);

      await writeFile(main, `${source}\nbroken(`);
      await waitFor(err, 'waiting for the next save');
      assert.match(err.join(''), /main\.js:\d+:\d+: syntax error/);

      // The input file is watched too.
      await writeFile(main, source);
      await writeFile(join(dir, 'input.json'), JSON.stringify({ num1: 20, num2: 2 }));
      await waitFor(out, '{"sum":22,"product":40}');
      child.kill('SIGINT');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
