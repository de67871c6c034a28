// `ratchet lint DIR` with the built CLI: a clean sample, a main.js with the guide's mistakes (each
// finding with file:line:column, rule and fix; exit 1), the JSON report, and a folder without main.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanEnv, runCli } from '../src/cli/test-helpers/cli-process.ts';
import { ROOT } from './helpers/cli.ts';

void test('ratchet lint: clean, findings with their fix, JSON, and no main.js', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-lint-'));
  try {
    const env = cleanEnv();
    const clean = await runCli(['lint', path.join(ROOT, 'sample', 'tasks', 'addition')], { cwd: dir, env });
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /addition\/main\.js: no problems\n$/);

    await writeFile(
      path.join(dir, 'main.js'),
      'function main(input) {\n  const fs = require("fs");\n  return fetch(input.url).then((r) => r.json());\n}\n',
    );
    const bad = await runCli(['lint', dir], { cwd: dir, env });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /main\.js:2:14 {2}error {4}no-modules {2}`require\(` is not available/);
    assert.match(bad.stdout, /main\.js:3:10 {2}error {4}fetch-promise/);
    assert.match(bad.stdout, /^ {4}fix: fetch is synchronous here/m);
    assert.match(bad.stdout, /^2 error\(s\), 0 warning\(s\)$/m);

    const json = await runCli(['lint', '--from-fs', dir, '--json'], { cwd: dir, env });
    const report = JSON.parse(json.stdout) as {
      parser: string;
      errors: number;
      findings: { rule: string }[];
    };
    assert.equal(report.parser, 'acorn');
    assert.deepEqual(
      report.findings.map((f) => f.rule),
      ['no-modules', 'fetch-promise'],
    );

    const missing = await runCli(['lint', path.join(dir, 'nope')], { cwd: dir, env });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /lint: cannot read .*nope\/main\.js: not found/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('ratchet lint --fix rewrites what is mechanical, reports it, and leaves the rest', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-lint-fix-'));
  try {
    const env = cleanEnv();
    await writeFile(
      path.join(dir, 'main.js'),
      [
        '(async function (input) {',
        '  const response = await fetch(input.url);',
        "  if (!response.ok) throw 'request failed';",
        '  const again = (await fetch(input.url)).json();',
        '  global.seen = true;',
        '  return fetch(input.url).then((r) => [r, again, response.json()]);',
        '})',
        '',
      ].join('\n'),
    );
    const r = await runCli(['lint', dir, '--fix'], { cwd: dir, env });
    assert.equal(r.code, 1, 'fetch(...).then is not mechanical: it stays an error');
    assert.match(r.stdout, /main\.js:2:20 {2}fixed {2}fetch-await/);
    assert.match(r.stdout, /main\.js:3:21 {2}fixed {2}throw-error-object/);
    assert.match(r.stdout, /main\.js:5:3 {2}fixed {2}no-node-apis/);
    assert.match(r.stdout, /main\.js:6:10 {2}error {4}fetch-promise/);
    assert.equal(
      await readFile(path.join(dir, 'main.js'), 'utf8'),
      [
        '(async function (input) {',
        '  const response = fetch(input.url);',
        "  if (!response.ok) throw new Error('request failed');",
        '  const again = fetch(input.url).body;',
        '  globalThis.seen = true;',
        '  return fetch(input.url).then((r) => [r, again, response.body]);',
        '})',
        '',
      ].join('\n'),
    );
    const again = await runCli(['lint', dir, '--fix', '--json'], { cwd: dir, env });
    const report = JSON.parse(again.stdout) as { fixed: unknown[]; findings: { rule: string }[] };
    assert.deepEqual(report.fixed, [], 'nothing left to fix');
    assert.deepEqual(
      report.findings.map((f) => f.rule),
      ['fetch-promise'],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('ratchet validate --verbose adds the limits, the test cases and the lint (advice only)', async () => {
  const env = cleanEnv();
  const task = path.join(ROOT, 'sample', 'tasks', 'addition');
  const r = await runCli(['validate', task, '--verbose'], { cwd: ROOT, env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Valid: 0 errors, 0 warnings$/m);
  assert.match(r.stdout, /^Limits: timeout 5000 ms, memory server default, retries server default$/m);
  assert.match(r.stdout, /^Test cases \(3\): test-001\.json, test-002\.json, test-003\.json$/m);
  assert.match(r.stdout, /^Lint \(advice, see ratchet lint\): 0 error\(s\), 0 warning\(s\)$/m);
  const json = await runCli(['validate', task, '--verbose', '--json'], { cwd: ROOT, env });
  const report = JSON.parse(json.stdout) as {
    ok: boolean;
    details: { limits: { timeoutMs: number }; tests: string[] };
  };
  assert.equal(report.ok, true);
  assert.equal(report.details.limits.timeoutMs, 5000);
  assert.equal(report.details.tests.length, 3);
});
