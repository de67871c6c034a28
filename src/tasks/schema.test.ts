import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSchema, formatViolations, schemaProblems, validateWith } from './schema.ts';
import { TaskLoadError } from './types.ts';

const WEATHER = {
  type: 'object',
  required: ['apiKey'],
  properties: {
    apiKey: { type: 'string' },
    units: { enum: ['metric', 'imperial'] },
    user: {
      type: 'object',
      properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } },
    },
    items: { type: 'array', items: { type: 'integer' } },
  },
  additionalProperties: false,
};

void test('valid values give no violations (the same frozen empty array)', () => {
  const v = compileSchema(WEATHER, 'input.schema.json');
  assert.equal(v.dialect, 'draft-07');
  const a = v.validate({ apiKey: 'k', units: 'metric', items: [1, 2] });
  assert.equal(a.length, 0);
  assert.equal(validateWith(v, { apiKey: 'k' }), a);
  assert.ok(Object.isFrozen(a));
});

void test('violations carry readable paths, keywords and messages', () => {
  const v = compileSchema(WEATHER, 'input.schema.json');
  const got = v.validate({ units: 'kelvin', user: { name: 3, email: 'nope' }, items: [1, 2, 'x'], extra: 1 });
  assert.deepEqual(
    [...got].sort((a, b) => a.path.localeCompare(b.path)),
    [
      { path: '$.apiKey', message: 'is required', keyword: 'required' },
      { path: '$.extra', message: 'is not an allowed property', keyword: 'additionalProperties' },
      { path: '$.items[2]', message: 'must be integer (got string)', keyword: 'type' },
      { path: '$.units', message: 'must be one of "metric", "imperial"', keyword: 'enum' },
      { path: '$.user.email', message: 'must match format "email"', keyword: 'format' },
      { path: '$.user.name', message: 'must be string (got integer)', keyword: 'type' },
    ],
  );
  assert.deepEqual(compileSchema({ type: 'object' }, 'x').validate([]), [
    { path: '$', message: 'must be object (got array)', keyword: 'type' },
  ]);
  // An object key that looks like an index stays a key.
  const keyed = compileSchema({ properties: { '2': { type: 'string' } } }, 'x').validate({ '2': 1 });
  assert.equal(keyed[0]!.path, '$["2"]');
});

void test('formatViolations', () => {
  const v = compileSchema(WEATHER, 'input.schema.json');
  assert.equal(
    formatViolations('input', v.validate({ units: 'x' })),
    'input does not match input.schema.json: $.apiKey is required; $.units must be one of "metric", "imperial"',
  );
});

void test('draft-07 ignores prefixItems; 2020-12 enforces it', () => {
  const schema = { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] };
  const d7 = compileSchema(schema, 'x');
  assert.equal(d7.validate([1, 'a']).length, 0);
  const v2020 = compileSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema }, 'x');
  assert.equal(v2020.dialect, '2020-12');
  assert.deepEqual(
    v2020.validate([1, 'a']).map((e) => [e.path, e.message]),
    [
      ['$[0]', 'must be string (got integer)'],
      ['$[1]', 'must be number (got string)'],
    ],
  );
  const explicit07 = compileSchema(
    { $schema: 'http://json-schema.org/draft-07/schema#', type: 'string' },
    'x',
  );
  assert.equal(explicit07.dialect, 'draft-07');
});

void test('an unknown type value names the file and schema path', () => {
  assert.throws(
    () => compileSchema({ type: 'object', properties: { name: { type: 'strin' } } }, 'input.schema.json'),
    (e: unknown) => {
      assert.ok(e instanceof TaskLoadError);
      assert.equal(e.problems.length, 1);
      assert.equal(e.problems[0]!.file, 'input.schema.json');
      assert.equal(e.problems[0]!.path, '/properties/name/type');
      assert.match(
        e.problems[0]!.message,
        /^"strin" is not a valid type \(expected one of "array", "boolean"/,
      );
      return true;
    },
  );
});

void test('a bad $ref names its location', () => {
  const problems = schemaProblems(
    { type: 'object', properties: { a: { type: 'string' }, b: { $ref: '#/definitions/nope' } } },
    'output.schema.json',
  );
  assert.deepEqual(problems, [
    {
      severity: 'error',
      file: 'output.schema.json',
      path: '/properties/b/$ref',
      message: '$ref "#/definitions/nope" cannot be resolved (no such location in this schema)',
    },
  ]);
});

void test('unsupported $schema, non-schema values, and unknown formats', () => {
  assert.equal(schemaProblems({ $schema: 'http://example.com/s' }, 'x')[0]!.path, '/$schema');
  assert.match(schemaProblems([1], 'x')[0]!.message, /must be an object or a boolean \(got an array\)/);
  assert.equal(compileSchema(true, 'x').validate(5).length, 0);
  const v = compileSchema({ properties: { a: { format: 'no-such-format' } } }, 'x');
  assert.match(v.warnings[0]!, /unknown format "no-such-format"/);
});

void test('schemas with the same $id but different content do not collide', () => {
  const a = compileSchema({ $id: 'https://example.com/s.json', type: 'string' }, 'a');
  const b = compileSchema({ $id: 'https://example.com/s.json', type: 'number' }, 'b');
  assert.equal(a.validate('x').length, 0);
  assert.equal(b.validate(1).length, 0);
  assert.equal(b.validate('x').length, 1);
});
