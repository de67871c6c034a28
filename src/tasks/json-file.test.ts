import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { locateProblems, parseJsonText, readJsonFile, tryParseJson } from './json-file.ts';
import { TaskLoadError } from './types.ts';
import { cleanup, makeTaskDir } from './test-helpers/task-dir.ts';

after(cleanup);

function problemOf(text: string) {
  const r = tryParseJson(text, 'x.json');
  assert.equal(r.ok, false);
  return (r as { problem: { line?: number; column?: number; message: string; file: string } }).problem;
}

void test('valid JSON parses, a BOM is tolerated', () => {
  assert.deepEqual(parseJsonText('{"a": [1, 2]}', 'x.json'), { a: [1, 2] });
  assert.deepEqual(parseJsonText('\uFEFF{"a": 1}', 'x.json'), { a: 1 });
});

void test('a missing value points at the offending token (V8 gives no position for this one)', () => {
  const p = problemOf('{\n  "a": 1,\n  "b": }');
  assert.equal(p.file, 'x.json');
  assert.equal(p.line, 3);
  assert.equal(p.column, 8);
  assert.match(p.message, /^invalid JSON: unexpected character "}" \(expected a JSON value\)/);
});

void test('a trailing comma, a missing comma and an unclosed string are located', () => {
  const trailing = problemOf('[1,\n 2,\n]');
  assert.deepEqual([trailing.line, trailing.column], [3, 1]);
  assert.match(trailing.message, /trailing comma before "]"/);
  const missing = problemOf('{"a": 1\n "b": 2}');
  assert.deepEqual([missing.line, missing.column], [2, 2]);
  assert.match(missing.message, /expected "," or "}" after the value of "a"/);
  const single = problemOf("{'a': 1}");
  assert.match(single.message, /expected a property name in double quotes/);
  const raw = problemOf('{"a": "line\nbreak"}');
  assert.deepEqual([raw.line, raw.column], [1, 12]);
  assert.match(raw.message, /control character/);
});

void test('empty text and trailing garbage', () => {
  assert.match(problemOf('  \n').message, /file is empty/);
  const p = problemOf('{"a": 1} x');
  assert.deepEqual([p.line, p.column], [1, 10]);
  assert.match(p.message, /after the JSON value/);
});

void test('parseJsonText throws a TaskLoadError whose message names file:line:column', () => {
  assert.throws(
    () => parseJsonText('{\n  "a" 1\n}', 'metadata.json'),
    (e: unknown) =>
      e instanceof TaskLoadError &&
      e.problems[0]!.line === 2 &&
      e.message.startsWith(
        'metadata.json:2:7: invalid JSON: unexpected character "1" (expected ":" after "a")',
      ),
  );
});

void test('locateProblems finds the line of a path, or of its nearest present ancestor', () => {
  const text = '{\n  "name": "x",\n  "tags": [\n    "a",\n    5\n  ]\n}';
  const located = locateProblems(text, [
    { severity: 'error', file: 'm.json', path: '$.tags[1]', message: 'm' },
    { severity: 'error', file: 'm.json', path: '$.version', message: 'm' },
  ]);
  assert.deepEqual([located[0]!.line, located[0]!.column], [5, 5]);
  assert.deepEqual([located[1]!.line, located[1]!.column], [1, 1]);
});

void test('readJsonFile reports a missing file and a folder', async () => {
  const dir = await makeTaskDir({ 'a.json': { ok: true } });
  const good = await readJsonFile(join(dir, 'a.json'), 'a.json');
  assert.equal(good.ok, true);
  const missing = await readJsonFile(join(dir, 'nope.json'), 'nope.json');
  assert.equal(missing.ok, false);
  assert.match(
    (missing as { problem: { message: string } }).problem.message,
    /^file not found: .*nope\.json$/,
  );
  const folder = await readJsonFile(dir, 'task');
  assert.match(
    (folder as { problem: { message: string } }).problem.message,
    /^not a file \(.* is a folder\)$/,
  );
});
