// `ratchet test DIR --baseline-version V`: the folder's cases run through the folder's task and
// through version V stored in the configured database; a changed output (with its path), a run
// that now fails and an unchanged case are told apart, --fail-on-regression exits 1, and a missing
// version names the task and the version. Built CLI, real SQLite file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRatchet } from '../src/app.ts';
import { ConfigSchema } from '../src/config/schema.ts';
import { loadTask } from '../src/tasks/load.ts';
import { savePackage } from '../src/tasks/stored-versions.ts';
import { cleanEnv, runCli } from '../src/cli/test-helpers/cli-process.ts';

const CASES = {
  'one.json': { name: 'one', input: { n: 1 }, expected_output: { v: 2 } },
  'zero.json': { name: 'zero', input: { n: 0 }, expected_output: { v: 0 } },
  'five.json': { name: 'five', input: { n: 5 }, expected_output: { v: 5 } },
};

async function writeTask(dir: string, version: string, code: string): Promise<void> {
  await mkdir(path.join(dir, 'tests'), { recursive: true });
  await writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ name: 'scaler', version }));
  await writeFile(path.join(dir, 'main.js'), code);
  for (const [file, body] of Object.entries(CASES)) {
    await writeFile(path.join(dir, 'tests', file), JSON.stringify(body));
  }
}

void test('test --baseline-version reports changed outputs, new failures and unchanged cases', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'ratchet-baseline-'));
  const url = `sqlite://${path.join(root, 'r.db')}`;
  try {
    const v1 = path.join(root, 'v1');
    await writeTask(v1, '1.0.0', '(function(input) { return { v: input.n }; })');
    const app = await createRatchet(ConfigSchema.parse({ server: { database: { url } } }));
    await savePackage(app.store.db, await loadTask(v1), { changeSource: 'cli' });
    await app.close();
    // 1.1.0 doubles 1 and breaks on 0; 5 stays 5.
    const v2 = path.join(root, 'v2');
    await writeTask(
      v2,
      '1.1.0',
      `(function(input) {
        if (input.n === 0) throw new DataError('n must not be 0');
        return { v: input.n === 1 ? 2 : input.n };
      })`,
    );
    const env = { ...cleanEnv(), RATCHET_SERVER__DATABASE__URL: url };

    const json = await runCli(['test', v2, '--baseline-version', '1.0.0', '--json'], { cwd: root, env });
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as {
      baselineVersion: string;
      currentVersion: string;
      regressions: number;
      cases: {
        name: string;
        change: string;
        outputChanges: { path: string; before: unknown; after: unknown }[];
      }[];
    };
    assert.equal(report.baselineVersion, '1.0.0');
    assert.equal(report.currentVersion, '1.1.0');
    const byName = Object.fromEntries(report.cases.map((c) => [c.name, c]));
    assert.equal(byName.one!.change, 'output-changed');
    assert.deepEqual(byName.one!.outputChanges, [{ path: '$.v', kind: 'changed', before: 1, after: 2 }]);
    assert.equal(byName.zero!.change, 'now-fails');
    assert.equal(byName.five!.change, 'same');
    assert.equal(report.regressions, 2);

    const human = await runCli(['test', v2, '--baseline-version', '1.0.0', '--fail-on-regression'], {
      cwd: root,
      env,
    });
    assert.equal(human.code, 1, human.stderr);
    assert.match(human.stdout, /^scaler 1\.0\.0 → 1\.1\.0 \(3 case\(s\)\)$/m);
    assert.match(human.stdout, /✗ output changed +one\n +\$\.v: 1 → 2/);
    assert.match(human.stdout, /✗ now fails +zero\n +now: DataError: n must not be 0/);
    assert.match(human.stdout, /✓ same +five/);
    assert.match(human.stdout, /2 regression\(s\)/);

    const perf = await runCli(
      ['test', v2, '--baseline-version', '1.0.0', '--compare-performance', '--json'],
      { cwd: root, env },
    );
    assert.equal((JSON.parse(perf.stdout) as { runs: number }).runs, 5);

    const missing = await runCli(['test', v2, '--baseline-version', '9.9.9'], { cwd: root, env });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /task "scaler" has no version 9\.9\.9/);
    const misuse = await runCli(['test', v2, '--fail-on-regression'], { cwd: root, env });
    assert.equal(misuse.code, 2);
    assert.match(misuse.stderr, /--compare-performance and --fail-on-regression go with --baseline-version/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
