// The fuzzer on tasks with known bugs: the planted bug at num === 0 is found within the default
// duration and shrunk to exactly that input; timeouts and output-schema violations are reported as
// such; HTTP is answered by the test mocks or refused; the schema generator says what it skips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadTask } from '../tasks/load.ts';
import { compileSchema } from '../tasks/schema.ts';
import { DEFAULT_FUZZ_DURATION_MS, failureAsTestCase, fuzzTask } from './fuzz.ts';
import { arbitraryFromSchema } from './schema-arbitrary.ts';

const FIXTURES = new URL('../../test/fixtures/quality/', import.meta.url).pathname;

test('the bug at num === 0 is found within the default duration and shrunk to { num: 0 }', async () => {
  const pkg = await loadTask(`${FIXTURES}zero-bug`);
  for (const seed of [1, 2, 3]) {
    const r = await fuzzTask(pkg, {
      durationMs: DEFAULT_FUZZ_DURATION_MS,
      seed,
      parallel: 1,
      maxFailures: 1,
    });
    assert.equal(r.failures.length, 1, `seed ${seed}`);
    const f = r.failures[0]!;
    assert.deepEqual([f.type, f.line, f.input], ['TypeError', 6, { num: 0 }]);
    assert.match(f.message, /cannot read property 'name' of undefined/);
    assert.equal(r.http, 'refused (no test case declares mocks)');
  }
  // The saved case runs the failing input and expects success, so it fails until the bug is fixed.
  const saved = JSON.parse(
    failureAsTestCase(
      {
        key: 'k',
        kind: 'error',
        type: 'TypeError',
        message: 'm',
        line: 6,
        input: { num: 0 },
        shrinks: 0,
        foundAfterRuns: 1,
      },
      0,
    ).text,
  ) as Record<string, unknown>;
  assert.deepEqual(Object.keys(saved), ['name', 'description', 'input']);
});

test('timeouts and output-schema violations are distinct failures, each with its smallest input', async () => {
  const pkg = await loadTask(`${FIXTURES}fuzz-kinds`);
  const r = await fuzzTask(pkg, { durationMs: 20_000, seed: 5, parallel: 2, timeoutMs: 300, maxFailures: 2 });
  const byKind = Object.fromEntries(r.failures.map((f) => [f.kind, f]));
  assert.deepEqual(Object.keys(byKind).sort(), ['output', 'timeout']);
  assert.deepEqual(byKind.timeout!.input, { n: 3 });
  assert.equal(byKind.timeout!.type, 'TimeoutError');
  // The smallest negative number: shrinking goes toward zero.
  assert.deepEqual(byKind.output!.input, { n: -1 });
  assert.match(byKind.output!.message, /\$\.value must be integer/);
  assert.equal(r.lanes, 2);
});

test('fetch is answered by the test mocks, and refused without them', async () => {
  const pkg = await loadTask(`${FIXTURES}fetches`);
  const mocked = await fuzzTask(pkg, { durationMs: 1500, seed: 9, parallel: 1 });
  assert.deepEqual(mocked.failures, []);
  assert.ok(mocked.runs > 0);
  assert.match(mocked.http, /the 1 mock\(s\) of the test cases/);
  const bare = await fuzzTask(
    { ...pkg, tests: [] },
    { durationMs: 5000, seed: 9, parallel: 1, maxFailures: 1 },
  );
  assert.equal(bare.failures[0]?.type, 'NetworkError');
  assert.deepEqual(bare.failures[0]?.input, { id: 1 });
});

test('the generator honours what it can, names what it skips, and only valid inputs run', () => {
  const schema = {
    $defs: {
      node: { type: 'object', properties: { next: { $ref: '#/$defs/node' }, v: { type: 'integer' } } },
    },
    type: 'object',
    required: ['email', 'code', 'tree', 'choice', 'tags'],
    properties: {
      email: { type: 'string', format: 'email' },
      when: { type: 'string', format: 'date-time' },
      color: { type: 'string', format: 'hex-color' },
      code: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{2}$' },
      tree: { $ref: '#/$defs/node' },
      choice: { oneOf: [{ type: 'integer', minimum: 10, maximum: 20 }, { enum: ['a', 'b'] }] },
      tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: 4 },
      ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    },
  };
  const { arbitrary, skipped } = arbitraryFromSchema(schema);
  assert.deepEqual(skipped, ['$.color: format hex-color', '$.tags: uniqueItems']);
  const v = compileSchema(schema, 'input.schema.json');
  const values = fc.sample(arbitrary, { seed: 3, numRuns: 300 });
  const valid = values.filter((x) => v.validate(x).length === 0);
  // Everything but the two skipped constraints is generated right.
  for (const x of values as Record<string, unknown>[]) {
    assert.match(x.code as string, /^[A-Z]{3}-[0-9]{2}$/);
    const { color: _c, ...rest } = x;
    assert.deepEqual(v.validate({ ...rest, tags: [] }), [], JSON.stringify(x));
    assert.ok(typeof x.choice === 'string' ? ['a', 'b'].includes(x.choice) : (x.choice as number) >= 10);
    if (x.ratio !== undefined) assert.ok((x.ratio as number) > 0 && (x.ratio as number) <= 1);
  }
  // Only the skipped constraints (a made-up format, unique tags) make some values invalid.
  assert.ok(valid.length > 0 && valid.length < values.length, `${valid.length} of ${values.length} valid`);
});
