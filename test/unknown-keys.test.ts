// A misspelt key in a test file, in metadata.json or in a configuration file is reported with the
// closest known key, through the built CLI: `validate` (text and --json) and `test` warn about task
// files (the original tolerated extra keys, so they stay warnings); configuration loading refuses
// the file with file:line:column.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeTask, runCli } from './helpers/cli.ts';

const task = await makeTask({
  'metadata.json':
    '{\n  "name": "typos",\n  "version": "1.0.0",\n  "timout": 5000,\n  "_comment": "kept quietly"\n}\n',
  'main.js': '(function (input) { return { a: 1 }; })\n',
  'tests/one.json':
    '{\n  "input": {},\n  "expected_outptu": { "a": 2 },\n  "mock_http": { "requests": [{ "url": "x", "respones": {} , "response": {} }] }\n}\n',
  'ratchet.yaml': 'server:\n  prot: 9000\n',
});
after(task.cleanup);

const TEST_WARNING =
  'tests/one.json:3:22 at $.expected_outptu: unknown key "expected_outptu" is ignored (did you mean "expected_output"?)';

test('validate warns about unknown keys of metadata.json and test files, with a suggestion', async () => {
  const r = await runCli(['validate', task.dir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(r.stdout.includes(`warning ${TEST_WARNING}`), r.stdout);
  assert.ok(
    r.stdout.includes(
      'warning metadata.json:4:13 at $.timout: unknown key "timout" is ignored (did you mean "timeout"?)',
    ),
    r.stdout,
  );
  assert.match(
    r.stdout,
    /\$\.mock_http\.requests\[0\]\.respones: unknown key "respones" is ignored \(did you mean "response"\?\)/,
  );
  assert.doesNotMatch(r.stdout, /_comment/);

  const json = await runCli(['validate', task.dir, '--json']);
  const report = JSON.parse(json.stdout) as {
    ok: boolean;
    problems: { severity: string; file: string; path?: string; message: string }[];
  };
  assert.equal(report.ok, true);
  const typo = report.problems.find((p) => p.path === '$.expected_outptu');
  assert.deepEqual(typo && { severity: typo.severity, file: typo.file, message: typo.message }, {
    severity: 'warning',
    file: 'tests/one.json',
    message: 'unknown key "expected_outptu" is ignored (did you mean "expected_output"?)',
  });
  assert.ok(report.problems.some((p) => p.path === '$.timout' && p.severity === 'warning'));
});

const METADATA_WARNING =
  'warning: metadata.json:4:13 at $.timout: unknown key "timout" is ignored (did you mean "timeout"?)';

test('test prints the warning under the case it belongs to, and metadata warnings under the task', async () => {
  const r = await runCli(['test', task.dir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(r.stdout.startsWith(`typos 1.0.0 (${task.dir})\n  ${METADATA_WARNING}\n`), r.stdout);
  assert.match(
    r.stdout,
    /✓ one \(one\.json, [^)]*\)\n {6}warning: tests\/one\.json:3:22 at \$\.expected_outptu: unknown key/,
  );
  const json = await runCli(['test', task.dir, '--json']);
  const report = JSON.parse(json.stdout) as { tasks: { cases: { warnings?: string[] }[] }[] };
  assert.ok(report.tasks[0]!.cases[0]!.warnings!.includes(TEST_WARNING), json.stdout);
});

test('run-once says the metadata warning on stderr and still runs', async () => {
  const r = await runCli(['run-once', task.dir, '--input-json', '{}']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { a: 1 });
  assert.ok(r.stderr.includes(METADATA_WARNING), r.stderr);
});

test('a configuration file with a misspelt key is refused with file:line:column and a suggestion', async () => {
  const r = await runCli(['config', 'validate', '--config', 'ratchet.yaml'], { cwd: task.dir });
  assert.equal(r.code, 1);
  assert.match(
    r.stdout + r.stderr,
    /ratchet\.yaml:2:3: server\.prot: unknown key "server\.prot" \(did you mean "server\.port"\?\)/,
  );
});
