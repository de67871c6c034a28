import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveTaskUuid, parseMemoryLimit, parseMetadata, slugify } from './metadata.ts';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

void test('name only: label is derived from it, uuid is a stable v5 UUID', () => {
  const { metadata, problems } = parseMetadata({ name: 'weather', version: '1.2.3' });
  assert.deepEqual(problems, []);
  assert.equal(metadata.name, 'weather');
  assert.equal(metadata.label, 'weather');
  assert.equal(metadata.version, '1.2.3');
  assert.match(metadata.uuid, UUID_V5);
  assert.equal(parseMetadata({ name: 'weather', version: '2.0.0' }).metadata.uuid, metadata.uuid);
  assert.notEqual(deriveTaskUuid('weather-2'), metadata.uuid);
});

void test('label only: the name is a slug of the label', () => {
  const { metadata, problems } = parseMetadata({ label: 'My Weather Task!', version: '1.0.0' });
  assert.deepEqual(problems, []);
  assert.equal(metadata.name, 'my-weather-task');
  assert.equal(metadata.label, 'My Weather Task!');
  assert.equal(metadata.uuid, deriveTaskUuid('my-weather-task'));
  assert.equal(slugify('Café  Über--API'), 'cafe-uber-api');
});

void test('a given uuid is kept (lower-cased); a bad one is a problem at $.uuid', () => {
  const ok = parseMetadata({ name: 'a', version: '1.0.0', uuid: '550E8400-E29B-41D4-A716-446655440000' });
  assert.equal(ok.metadata.uuid, '550e8400-e29b-41d4-a716-446655440000');
  const bad = parseMetadata({ name: 'a', version: '1.0.0', uuid: 'abc' });
  assert.deepEqual(bad.problems, [
    {
      severity: 'error',
      file: 'metadata.json',
      path: '$.uuid',
      message: '"abc" is not a UUID (expected e.g. "550e8400-e29b-41d4-a716-446655440000")',
    },
  ]);
});

void test('version must be semver', () => {
  const { problems } = parseMetadata({ name: 'a', version: '1.0' });
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, '$.version');
  assert.equal(
    problems[0]!.message,
    '"1.0" is not a semantic version (expected MAJOR.MINOR.PATCH such as 1.0.0)',
  );
  assert.equal(
    parseMetadata({ name: 'a', version: 1 }).problems[0]!.message,
    'must be a string such as "1.0.0" (got 1)',
  );
  assert.equal(
    parseMetadata({ name: 'a' }).problems[0]!.message,
    'is required (a semantic version such as 1.0.0)',
  );
});

void test('neither name nor label, and a non-object', () => {
  const none = parseMetadata({ version: '1.0.0' }, 'meta.json');
  assert.deepEqual(
    none.problems.map((p) => [p.file, p.path, p.message]),
    [['meta.json', '$.name', 'is required: give "name" (e.g. "my-task") or "label" (e.g. "My Task")']],
  );
  const arr = parseMetadata([1]);
  assert.deepEqual(
    arr.problems.map((p) => [p.path, p.message]),
    [['$', 'must be a JSON object (got [1])']],
  );
});

void test('memory_limit parsing', () => {
  assert.equal(parseMemoryLimit('128MB'), 128 * 1024 * 1024);
  assert.equal(parseMemoryLimit('64 MiB'), 64 * 1024 * 1024);
  assert.equal(parseMemoryLimit('1GB'), 1024 ** 3);
  assert.equal(parseMemoryLimit('512KB'), 512 * 1024);
  assert.equal(parseMemoryLimit('1.5 gb'), 1.5 * 1024 ** 3);
  assert.equal(parseMemoryLimit(1048576), 1048576);
  assert.equal(parseMemoryLimit('lots'), undefined);
  assert.equal(parseMemoryLimit('12 parsecs'), undefined);
  assert.equal(parseMemoryLimit(-5), undefined);
  const { metadata, problems } = parseMetadata({ name: 'a', version: '1.0.0', memory_limit: '64 MiB' });
  assert.deepEqual(problems, []);
  assert.equal(metadata.memoryLimitBytes, 64 * 1024 * 1024);
  const bad = parseMetadata({ name: 'a', version: '1.0.0', memory_limit: 'big' });
  assert.equal(bad.problems[0]!.path, '$.memory_limit');
  assert.equal(
    bad.problems[0]!.message,
    '"big" is not a memory size (expected e.g. "128MB", "64 MiB", "1GB", "512KB" or a number of bytes)',
  );
});

void test('numeric limits, tags, strings; every wrong key is reported; unknown keys kept in raw', () => {
  const good = parseMetadata({
    name: 'a',
    version: '1.0.0',
    timeout: 30000,
    max_concurrency: 4,
    max_retries: 0,
    tags: ['api', 'data'],
    description: 'd',
    author: 'me',
    category: 'weather',
  });
  assert.deepEqual(good.problems, []);
  const m = good.metadata;
  assert.deepEqual(
    [m.timeoutMs, m.maxConcurrency, m.maxRetries, m.tags, m.description, m.author],
    [30000, 4, 0, ['api', 'data'], 'd', 'me'],
  );
  assert.equal(m.raw.category, 'weather');

  const bad = parseMetadata({
    name: 'a',
    version: '1.0.0',
    timeout: 0,
    max_concurrency: 1.5,
    max_retries: -1,
    tags: ['ok', 7],
    description: 5,
  });
  assert.deepEqual(
    bad.problems.map((p) => [p.path, p.message]),
    [
      ['$.timeout', 'must be a positive integer of milliseconds (got 0)'],
      ['$.max_concurrency', 'must be a non-negative integer (got 1.5)'],
      ['$.max_retries', 'must be a non-negative integer (got -1)'],
      ['$.tags[1]', 'must be a string (got 7)'],
      ['$.description', 'must be a string (got 5)'],
    ],
  );
  assert.deepEqual(bad.metadata.tags, ['ok']);
});
