import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { loadTask, loadTaskFromFiles } from './load.ts';
import { TaskLoadError } from './types.ts';
import type { Problem } from './types.ts';
import { deriveTaskUuid } from './metadata.ts';
import { asText, cleanup, GOOD_FILES, makeTaskDir, makeTempRoot } from './test-helpers/task-dir.ts';
import type { FileSpec } from './test-helpers/task-dir.ts';

after(cleanup);

async function problemsOf(load: () => unknown): Promise<Problem[]> {
  try {
    await load();
  } catch (e) {
    assert.ok(e instanceof TaskLoadError, `expected TaskLoadError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail('expected the load to fail');
}

function brief(p: Problem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}:${p.column}` : ''}${p.path ? ` ${p.path}` : ''} ${p.message}`;
}

function withFiles(changes: Record<string, string | object | undefined>): Record<string, string> {
  const spec: FileSpec = { ...GOOD_FILES };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete spec[k];
    else spec[k] = v;
  }
  return asText(spec);
}

void test('a good task folder loads completely', async () => {
  const dir = await makeTaskDir({
    ...GOOD_FILES,
    'tests/test-002.json': { input: { city: 'Rome' } },
    'README.md': '# x',
  });
  const pkg = await loadTask(dir);
  assert.deepEqual(pkg.origin, { kind: 'dir', path: dir });
  assert.equal(pkg.metadata.name, 'weather');
  assert.equal(pkg.metadata.uuid, deriveTaskUuid('weather'));
  assert.match(pkg.code, /return \{ city: input.city \}/);
  assert.deepEqual(pkg.inputSchema, GOOD_FILES['input.schema.json']);
  assert.deepEqual(pkg.outputSchema, GOOD_FILES['output.schema.json']);
  assert.deepEqual(
    pkg.tests.map((t) => t.name),
    ['test-001.json', 'test-002.json'],
  );
  assert.equal(pkg.tests[1]!.text, `${JSON.stringify({ input: { city: 'Rome' } }, null, 2)}\n`);
  assert.match(pkg.checksum, /^[0-9a-f]{64}$/);
});

void test('checksum changes with code, schemas and metadata but not with tests', () => {
  const base = loadTaskFromFiles(withFiles({}), { kind: 'store' }).checksum;
  const origin = { kind: 'store' as const };
  assert.equal(loadTaskFromFiles(withFiles({ 'tests/test-009.json': { input: {} } }), origin).checksum, base);
  assert.notEqual(
    loadTaskFromFiles(withFiles({ 'main.js': '(function(){ return 2 })' }), origin).checksum,
    base,
  );
  assert.notEqual(loadTaskFromFiles(withFiles({ 'output.schema.json': undefined }), origin).checksum, base);
  const meta = { name: 'weather', version: '1.0.1' };
  assert.notEqual(loadTaskFromFiles(withFiles({ 'metadata.json': meta }), origin).checksum, base);
});

void test('all three main.js shapes load', () => {
  const shapes = [
    'function main(input, context) {\n  return { ok: true };\n}\n',
    '(function(input, context) {\n  return { ok: true };\n})',
    'function(input, context) {\n  return { ok: true };\n} // trailing comment',
  ];
  for (const code of shapes) {
    const pkg = loadTaskFromFiles(withFiles({ 'main.js': code }), { kind: 'store' });
    assert.equal(pkg.code, code);
  }
});

void test('a syntax error reports the original error with line:column', async () => {
  const problems = await problemsOf(() =>
    loadTaskFromFiles(withFiles({ 'main.js': '(function(input) {\n  const x = ;\n  return x;\n})' }), {
      kind: 'store',
    }),
  );
  assert.deepEqual(problems.map(brief), ["main.js:2:13 syntax error: Unexpected token ';'"]);
  const eof = await problemsOf(() =>
    loadTaskFromFiles(withFiles({ 'main.js': 'function main(input) {\n  return {a: 1\n}\n' }), {
      kind: 'store',
    }),
  );
  assert.deepEqual(eof.map(brief), ['main.js:4:1 syntax error: Unexpected end of input']);
  const bareBody = await problemsOf(() =>
    loadTaskFromFiles(withFiles({ 'main.js': 'function(input) {\n  return input.;\n}' }), { kind: 'store' }),
  );
  assert.deepEqual(bareBody.map(brief), ["main.js:2:16 syntax error: Unexpected token ';'"]);
  const empty = await problemsOf(() =>
    loadTaskFromFiles(withFiles({ 'main.js': '  \n' }), { kind: 'store' }),
  );
  assert.match(brief(empty[0]!), /^main\.js main\.js is empty/);
});

void test('every problem is collected into one TaskLoadError', async () => {
  const problems = await problemsOf(() =>
    loadTaskFromFiles(
      withFiles({
        'metadata.json': '{\n  "label": "Weather",\n  "version": "1.0"\n}\n',
        'main.js': 'function(input {',
        'input.schema.json':
          '{\n  "type": "object",\n  "properties": {\n    "n": { "type": "strin" }\n  }\n}\n',
        'output.schema.json': '{ "type": "object", }',
        'tests/a.json': '[1, 2]',
        'tests/b.json': '{\n  "input": {\n    "x": 1,\n  }\n}',
      }),
      { kind: 'store' },
    ),
  );
  assert.deepEqual(problems.map(brief), [
    'metadata.json:3:14 $.version "1.0" is not a semantic version (expected MAJOR.MINOR.PATCH such as 1.0.0)',
    "main.js:1:16 syntax error: Unexpected token '{'",
    'input.schema.json:4:20 /properties/n/type "strin" is not a valid type (expected one of "array", "boolean", "integer", "null", "number", "object", "string")',
    'output.schema.json:1:21 invalid JSON: trailing comma before "}" is not allowed in JSON',
    'tests/a.json:1:1 $ a test case must be a JSON object (got an array)',
    'tests/b.json:4:3 invalid JSON: trailing comma before "}" is not allowed in JSON',
  ]);
});

void test('missing required files, a bad $ref, and an invalid metadata.json', async () => {
  const missing = await problemsOf(() =>
    loadTaskFromFiles(withFiles({ 'metadata.json': undefined, 'main.js': undefined }), { kind: 'store' }),
  );
  assert.deepEqual(
    missing.map((p) => [p.file, p.message.split(' (')[0]]),
    [
      ['metadata.json', 'required file is missing'],
      ['main.js', 'required file is missing'],
    ],
  );
  const ref = await problemsOf(() =>
    loadTaskFromFiles(
      withFiles({ 'output.schema.json': '{\n  "properties": {\n    "a": { "$ref": "#/$defs/x" }\n  }\n}' }),
      { kind: 'store' },
    ),
  );
  assert.deepEqual(ref.map(brief), [
    'output.schema.json:3:20 /properties/a/$ref $ref "#/$defs/x" cannot be resolved (no such location in this schema)',
  ]);
  const badMeta = await problemsOf(() =>
    loadTaskFromFiles(withFiles({ 'metadata.json': '{"name": "a",\n"version": }' }), { kind: 'store' }),
  );
  assert.deepEqual(badMeta.map(brief), [
    'metadata.json:2:12 invalid JSON: unexpected character "}" (expected a JSON value)',
  ]);
});

void test('folder problems: missing path, a file that is not a task, a required file that is a folder', async () => {
  const root = await makeTempRoot();
  const nowhere = join(root, 'nope');
  assert.deepEqual((await problemsOf(() => loadTask(nowhere))).map(brief), [
    `${nowhere} task folder not found: ${nowhere}`,
  ]);
  const plain = join(root, 'plain.txt');
  await writeFile(plain, 'hello');
  const notTask = await problemsOf(() => loadTask(plain));
  assert.match(notTask[0]!.message, /^not a task folder or \.zip file: .*plain\.txt is a regular file$/);

  const dir = await makeTaskDir({ 'metadata.json': GOOD_FILES['metadata.json']! });
  await mkdir(join(dir, 'main.js'));
  const problems = await problemsOf(() => loadTask(dir));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.file, 'main.js');
  assert.match(problems[0]!.message, /^not a file \(.*main\.js is a folder\)$/);
});

function zipOf(entries: Record<string, string>): Uint8Array {
  const data: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(entries)) data[k] = strToU8(v);
  return zipSync(data);
}

void test('zip with files at the root and zip with one top folder both load', async () => {
  const root = await makeTempRoot();
  const flat = join(root, 'flat.zip');
  await writeFile(flat, zipOf(asText(GOOD_FILES)));
  const a = await loadTask(flat);
  assert.deepEqual(a.origin, { kind: 'zip', path: flat });
  assert.equal(a.metadata.name, 'weather');
  assert.equal(a.tests.length, 1);

  const nested: Record<string, string> = { '__MACOSX/._main.js': 'junk' };
  for (const [k, v] of Object.entries(asText(GOOD_FILES))) nested[`weather-task/${k}`] = v;
  const top = join(root, 'nested.zip');
  await writeFile(top, zipOf(nested));
  const b = await loadTask(top);
  assert.equal(b.metadata.name, 'weather');
  assert.equal(b.code, a.code);
  assert.equal(b.checksum, a.checksum);
  assert.deepEqual(b.inputSchema, a.inputSchema);
});

void test('zip-slip entries, junk archives and problems inside a zip', async () => {
  const root = await makeTempRoot();
  const slip = join(root, 'slip.zip');
  await writeFile(slip, zipOf({ ...asText(GOOD_FILES), '../evil.js': 'x' }));
  assert.deepEqual((await problemsOf(() => loadTask(slip))).map(brief), [
    'slip.zip unsafe entry "../evil.js" climbs out of the archive with ".."; the archive was not extracted',
  ]);
  const abs = join(root, 'abs.zip');
  await writeFile(abs, zipOf({ ...asText(GOOD_FILES), '/etc/passwd': 'x' }));
  assert.match((await problemsOf(() => loadTask(abs)))[0]!.message, /"\/etc\/passwd" is an absolute path/);

  const broken = join(root, 'broken.zip');
  await writeFile(broken, 'PK\x03\x04 definitely not a zip');
  assert.match((await problemsOf(() => loadTask(broken)))[0]!.message, /^not a readable zip archive/);

  const bad = join(root, 'bad.zip');
  await writeFile(
    bad,
    zipOf(withFiles({ 'main.js': undefined, 'metadata.json': '{"name":"a","version":"x"}' })),
  );
  assert.deepEqual(
    (await problemsOf(() => loadTask(bad))).map((p) => `${p.file} ${p.path ?? ''}`),
    ['metadata.json $.version', 'main.js '],
  );
});

void test('zip archives with too many files are rejected before extraction', async () => {
  const root = await makeTempRoot();
  const many: Record<string, string> = asText(GOOD_FILES);
  for (let i = 0; i < 1001; i++) many[`assets/f${i}.txt`] = '';
  const path = join(root, 'many.zip');
  await writeFile(path, zipOf(many));
  assert.match(
    (await problemsOf(() => loadTask(path)))[0]!.message,
    /^archive holds 1006 files; the limit is 1000$/,
  );
});

void test('zip archives that expand beyond 50 MB are rejected before extraction', async () => {
  const root = await makeTempRoot();
  const data: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(asText(GOOD_FILES))) data[k] = strToU8(v);
  data['assets/zeros.bin'] = new Uint8Array(51 * 1024 * 1024);
  const path = join(root, 'bomb.zip');
  await writeFile(path, zipSync(data));
  assert.match(
    (await problemsOf(() => loadTask(path)))[0]!.message,
    /^archive expands to \d+ bytes; the limit is 52428800 bytes \(50 MB\)$/,
  );
});

void test('a tests entry that is a file, not a folder, is a problem', async () => {
  const spec = { ...GOOD_FILES };
  delete spec['tests/test-001.json'];
  const flat = await makeTaskDir(spec);
  await writeFile(join(flat, 'tests'), 'not a folder');
  const problems = await problemsOf(() => loadTask(flat));
  assert.deepEqual(
    problems.map((p) => p.file),
    ['tests'],
  );
  assert.match(problems[0]!.message, /^not a folder: .*tests.* \(test cases go in tests\/\*\.json\)$/);
});
