import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { formatReport, validateTask } from './validate.ts';
import { loadTask } from './load.ts';
import type { Problem } from './types.ts';
import { asText, cleanup, GOOD_FILES, makeTaskDir, makeTempRoot } from './test-helpers/task-dir.ts';

after(cleanup);

function brief(p: Problem): string {
  const where = p.line !== undefined ? `:${p.line}:${p.column}` : '';
  return `${p.severity} ${p.file}${where}${p.path ? ` ${p.path}` : ''} ${p.message}`;
}

void test('a good task validates with every check passing', async () => {
  const dir = await makeTaskDir(GOOD_FILES);
  const report = await validateTask(dir, {});
  assert.equal(report.ok, true);
  assert.deepEqual(report.problems, []);
  assert.equal(report.task?.name, 'weather');
  assert.deepEqual(
    report.checks.map((c) => [c.name, c.ok, c.detail]),
    [
      ['metadata.json', true, 'weather 1.0.0 (uuid derived from name)'],
      ['main.js', true, 'compiles'],
      ['input.schema.json', true, 'valid draft-07 schema'],
      ['output.schema.json', true, 'valid draft-07 schema'],
      ['tests', true, '1 test file'],
    ],
  );
  const text = formatReport(report);
  assert.match(text, /^Task weather 1\.0\.0 \(uuid [0-9a-f-]{36}\)\n✓ metadata\.json: weather 1\.0\.0/);
  assert.match(text, /\nValid: 0 errors, 0 warnings$/);
});

void test('warnings: no tests, no schemas, require/import in main.js', async () => {
  const dir = await makeTaskDir({
    'metadata.json': { label: 'Bare Task', version: '0.1.0' },
    'main.js': 'function(input) {\n  const fs = require("fs");\n  return {};\n}',
  });
  const report = await validateTask(dir, {});
  assert.equal(report.ok, true);
  assert.deepEqual(report.problems.map(brief), [
    'warning input.schema.json not present: input is not validated before the run',
    'warning output.schema.json not present: output is not validated after the run',
    'warning tests no test cases (add tests/*.json; `ratchet validate --fix` writes a skeleton)',
    'warning main.js:2:14 `require(` is not available in the sandbox (no modules); inline the code instead',
  ]);
  const main = report.checks.find((c) => c.name === 'main.js');
  assert.equal(main?.detail, 'compiles (bare function expression, wrapped in parentheses)');
  const imports = await makeTaskDir({ ...GOOD_FILES, 'main.js': "import x from 'y';\nexport default 1;" });
  const r2 = await validateTask(imports, {});
  assert.ok(r2.problems.some((p) => p.file === 'main.js' && p.line === 1 && /`import`/.test(p.message)));
});

void test('test files: unrecognised shapes, bad mocks, and schema mismatches', async () => {
  const dir = await makeTaskDir({
    ...GOOD_FILES,
    'tests/test-001.json': { foo: 1 },
    'tests/test-002.json': {
      input: { city: 'Oslo' },
      expected: { city: 'Oslo' },
      mock: { http: { method: 'FETCH', response: { status: 200 } } },
    },
    'tests/test-003.json': {
      input: { city: 'Oslo' },
      mock_http: { requests: [{ url: 'https://x', response: { status: 999, body: {} } }] },
    },
    'tests/test-004.json': { input: { city: 5 }, expected_output: { city: 1 } },
    'tests/test-005.json': { input: {}, should_fail: true, assertions: [{ path: 'a', operator: 'like' }] },
    'tests/test-006.json': {
      input: { city: 1 },
      expected_error: { type: 'ValidationError', message: '$.city' },
    },
    'tests/test-007.json': { input: { city: 'x' }, expected_output: { city: 2 }, match: 'partial' },
    'tests/test-008.json': { input: { city: 'x' }, expected_error: { type: 5 }, match: 'fuzzy' },
  });
  const report = await validateTask(dir, {});
  assert.equal(report.ok, false);
  assert.deepEqual(report.problems.map(brief), [
    'error tests/test-001.json:1:1 $ not a recognised test case: expected "input" and/or one of expected_output, expected, expected_error, should_fail, assertions',
    'warning tests/test-001.json:2:10 $.foo unknown key "foo" is ignored (known keys: name, description, input, expected_output, expected, expected_error, should_fail, assertions, match, mock, mock_http, allow_network)',
    'error tests/test-002.json:10:17 $.mock.http.method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS',
    'error tests/test-002.json:9:13 $.mock.http.url is required: a URL or a substring of one',
    'error tests/test-003.json:10:21 $.mock_http.requests[0].response.status must be an HTTP status code (100-599)',
    'warning tests/test-004.json:3:13 $.input.city must be string (got integer) (input.schema.json)',
    'warning tests/test-004.json:6:13 $.expected_output.city must be string (got integer) (output.schema.json)',
    'error tests/test-005.json:7:19 $.assertions[0].operator must be one of equals, not_equals, contains, exists, matches, gt, gte, lt, lte, length',
    'error tests/test-005.json:5:5 $.assertions[0].expected is required',
    'error tests/test-008.json:6:13 $.expected_error.type must be a string',
    'error tests/test-008.json:8:12 $.match must be "exact" or "partial"',
  ]);
  assert.deepEqual(
    report.checks.find((c) => c.name === 'tests'),
    { name: 'tests', ok: false, detail: '8 errors' },
  );
  assert.match(
    formatReport(report),
    /\n {2}error {3}tests\/test-003\.json:10:21 at \$\.mock_http\.requests\[0\]\.response\.status: must be/,
  );
});

void test('load errors show up as failed checks, and an unreadable path as one failed check', async () => {
  const dir = await makeTaskDir({ ...GOOD_FILES, 'metadata.json': { name: 'x', version: 'one' } });
  const report = await validateTask(dir, {});
  assert.equal(report.ok, false);
  assert.equal(report.task, undefined);
  assert.deepEqual(report.checks[0], { name: 'metadata.json', ok: false, detail: '1 error' });
  assert.match(formatReport(report), /✗ metadata\.json: 1 error/);
  assert.match(
    formatReport(report),
    /error {3}metadata\.json:3:14 at \$\.version: "one" is not a semantic version/,
  );

  const missing = await validateTask(join(dir, 'nope'), { fix: true });
  assert.equal(missing.ok, false);
  assert.deepEqual(
    missing.checks.map((c) => c.name),
    ['task'],
  );
  assert.match(missing.checks[0]!.detail, /^task folder not found/);
  assert.deepEqual(missing.fixed, []);
});

void test('--fix infers schemas from tests and loads afterwards', async () => {
  const dir = await makeTaskDir({
    'metadata.json': GOOD_FILES['metadata.json']!,
    'main.js': GOOD_FILES['main.js']!,
    'tests/a.json': { input: { city: 'Oslo', days: 3 }, expected_output: { city: 'Oslo', temp: 1.5 } },
    'tests/b.json': { input: { city: 'Rome', days: 2.5, metric: true }, expected: { city: 'Rome', temp: 2 } },
  });
  const report = await validateTask(dir, { fix: true });
  assert.deepEqual(report.fixed, ['input.schema.json', 'output.schema.json']);
  assert.equal(report.ok, true);
  const input = JSON.parse(await readFile(join(dir, 'input.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(input, {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'number' }, metric: { type: 'boolean' } },
  });
  const output = JSON.parse(await readFile(join(dir, 'output.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(output, {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { city: { type: 'string' }, temp: { type: 'number' } },
  });
  assert.equal((await loadTask(dir)).inputSchema !== undefined, true);
  assert.match(formatReport(report), /\nCreated: input\.schema\.json, output\.schema\.json\n/);
});

void test('--fix writes a test skeleton from the input schema and never overwrites existing files', async () => {
  const dir = await makeTaskDir({
    'metadata.json': GOOD_FILES['metadata.json']!,
    'main.js': GOOD_FILES['main.js']!,
    'input.schema.json': {
      type: 'object',
      properties: {
        city: { type: 'string', default: 'Oslo' },
        units: { enum: ['metric', 'imperial'] },
        n: { type: 'integer' },
      },
    },
    'output.schema.json': '{ "type": "object", oops }',
  });
  const outputBefore = await readFile(join(dir, 'output.schema.json'), 'utf8');
  const metaBefore = await readFile(join(dir, 'metadata.json'), 'utf8');
  const report = await validateTask(dir, { fix: true });
  assert.deepEqual(report.fixed, ['tests/test-001.json']);
  assert.equal(await readFile(join(dir, 'output.schema.json'), 'utf8'), outputBefore);
  assert.equal(await readFile(join(dir, 'metadata.json'), 'utf8'), metaBefore);
  const skeleton = JSON.parse(await readFile(join(dir, 'tests/test-001.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  assert.deepEqual(skeleton.input, { city: 'Oslo', units: 'metric', n: 0 });
  assert.equal(report.ok, false);
  assert.ok(report.problems.some((p) => p.file === 'output.schema.json' && p.line === 1));

  // A second run has nothing left to create and changes nothing.
  await writeFile(join(dir, 'output.schema.json'), '{"type":"object"}');
  const again = await validateTask(dir, { fix: true });
  assert.deepEqual(again.fixed, []);
  assert.deepEqual(await readdir(join(dir, 'tests')), ['test-001.json']);
  assert.equal(again.ok, true);
});

void test('--fix on a zip changes nothing and says why', async () => {
  const root = await makeTempRoot();
  const data: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(
    asText({ 'metadata.json': GOOD_FILES['metadata.json']!, 'main.js': GOOD_FILES['main.js']! }),
  )) {
    data[k] = strToU8(v);
  }
  const zip = join(root, 't.zip');
  await writeFile(zip, zipSync(data));
  const report = await validateTask(zip, { fix: true });
  assert.deepEqual(report.fixed, []);
  assert.ok(report.problems.some((p) => p.message === '--fix only works on a task folder, not a .zip'));
  assert.deepEqual(await readdir(root), ['t.zip']);
});
