// Templates for tasks that make no HTTP calls: starter (the default), basic, data-transform and
// validation.
// Guest code avoids JS template literals so these TypeScript strings need no escaping.
import { DRAFT_07, header, type TaskTemplate } from './types.ts';

/**
 * The default: the starting point the task guide expects. Its authors replace main.js and the input
 * schema wholesale and then `mkdir tests` and write cases that list only the fields that matter, so
 * nothing here may contradict their code: schemas that accept any object, no tests/ folder, and
 * `test_match: partial` (expected_output lists what must be there; volatile fields may be left out).
 */
export const starterTemplate: TaskTemplate = {
  name: 'starter',
  description: 'the default: a function to replace, open schemas, no tests yet (as the task guide starts)',
  tags: [],
  metadata: { test_match: 'partial' },
  files: (v) => ({
    'main.js': `${header(v, 'Replace this function with the task; its return value is the output.')}(function (input, context) {
  return { received: input };
})
`,
    'input.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      description: 'The input: list its properties and the required ones here.',
      properties: {},
    },
    'output.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      description: 'The output: describe it here; until then any object is accepted.',
    },
  }),
};

export const basicTemplate: TaskTemplate = {
  name: 'basic',
  description: 'minimal task: greets a name (input/output schemas, one test)',
  tags: [],
  files: (v) => ({
    'main.js': `${header(v, 'Returns a greeting for input.name.')}(function (input, context) {
  var name = input.name.trim();
  if (name === '') throw new ValidationError('name must not be blank');
  console.info('greeting ' + name);
  return { greeting: 'Hello, ' + name + '!', length: name.length };
})
`,
    'input.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', description: 'Who to greet' } },
    },
    'output.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['greeting', 'length'],
      properties: { greeting: { type: 'string' }, length: { type: 'integer' } },
    },
    'tests/test-001.json': {
      name: 'greets by name',
      input: { name: 'Ada' },
      expected_output: { greeting: 'Hello, Ada!', length: 3 },
    },
    'tests/test-002.json': {
      name: 'a blank name is rejected',
      input: { name: '   ' },
      expected_error: { type: 'ValidationError', message: 'must not be blank' },
    },
  }),
};

export const dataTransformTemplate: TaskTemplate = {
  name: 'data-transform',
  description: 'reshapes records: rename fields, keep some, sort',
  tags: ['data'],
  files: (v) => ({
    'main.js': `${header(v, 'Renames fields, keeps the listed ones and sorts the records.')}(function (input, context) {
  var rename = input.rename || {};
  var pick = input.pick || null;

  var records = input.records.map(function (record, index) {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new DataError('records[' + index + '] must be an object');
    }
    var out = {};
    Object.keys(record).forEach(function (key) {
      var target = Object.prototype.hasOwnProperty.call(rename, key) ? rename[key] : key;
      if (pick === null || pick.indexOf(target) !== -1) out[target] = record[key];
    });
    return out;
  });

  if (input.sortBy) {
    var direction = input.descending ? -1 : 1;
    records.sort(function (a, b) {
      var x = a[input.sortBy];
      var y = b[input.sortBy];
      if (x === y) return 0;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return (x < y ? -1 : 1) * direction;
    });
  }
  return { count: records.length, records: records };
})
`,
    'input.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['records'],
      properties: {
        records: { type: 'array', description: 'The records to transform' },
        rename: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description: 'Old field name → new field name',
        },
        pick: { type: 'array', items: { type: 'string' }, description: 'Fields to keep (after renaming)' },
        sortBy: { type: 'string', description: 'Field to sort by (after renaming)' },
        descending: { type: 'boolean', default: false },
      },
    },
    'output.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['count', 'records'],
      properties: { count: { type: 'integer' }, records: { type: 'array', items: { type: 'object' } } },
    },
    'tests/test-001.json': {
      name: 'renames, picks and sorts',
      input: {
        records: [
          { full_name: 'Grace', age: 45, city: 'Arlington' },
          { full_name: 'Ada', age: 36, city: 'London' },
        ],
        rename: { full_name: 'name' },
        pick: ['name', 'age'],
        sortBy: 'age',
      },
      expected_output: {
        count: 2,
        records: [
          { name: 'Ada', age: 36 },
          { name: 'Grace', age: 45 },
        ],
      },
    },
    'tests/test-002.json': {
      name: 'a record that is not an object is a DataError',
      input: { records: [{ a: 1 }, 'oops'] },
      expected_error: { type: 'DataError', message: 'records[1] must be an object' },
    },
  }),
};

export const validationTemplate: TaskTemplate = {
  name: 'validation',
  description: 'checks a record against business rules and lists every violation',
  tags: ['validation'],
  files: (v) => ({
    'main.js': `${header(v, 'Checks a user record; strict mode throws ValidationError instead of returning the list.')}(function (input, context) {
  var record = input.record;
  var errors = [];
  function fail(field, message) { errors.push({ field: field, message: message }); }

  if (typeof record.name !== 'string' || record.name.trim() === '') fail('name', 'is required');
  if (typeof record.email !== 'string' || !/^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$/.test(record.email)) {
    fail('email', 'must be an email address');
  }
  if (record.age !== undefined && (typeof record.age !== 'number' || record.age % 1 !== 0 || record.age < 0 || record.age > 150)) {
    fail('age', 'must be a whole number from 0 to 150');
  }

  if (input.strict && errors.length > 0) {
    throw new ValidationError(errors.map(function (e) { return e.field + ' ' + e.message; }).join('; '));
  }
  return { valid: errors.length === 0, errors: errors };
})
`,
    'input.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['record'],
      properties: {
        record: { type: 'object', description: 'The record to check: name, email, age' },
        strict: { type: 'boolean', default: false, description: 'Throw instead of returning the errors' },
      },
    },
    'output.schema.json': {
      $schema: DRAFT_07,
      type: 'object',
      required: ['valid', 'errors'],
      properties: {
        valid: { type: 'boolean' },
        errors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'message'],
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
    'tests/test-001.json': {
      name: 'a valid record',
      input: { record: { name: 'Ada', email: 'ada@example.com', age: 36 } },
      expected_output: { valid: true, errors: [] },
    },
    'tests/test-002.json': {
      name: 'every violation is listed',
      input: { record: { name: '', email: 'not-an-email', age: 200 } },
      expected_output: {
        valid: false,
        errors: [
          { field: 'name', message: 'is required' },
          { field: 'email', message: 'must be an email address' },
          { field: 'age', message: 'must be a whole number from 0 to 150' },
        ],
      },
    },
    'tests/test-003.json': {
      name: 'strict mode throws',
      input: { record: { name: 'Ada', email: 'nope' }, strict: true },
      expected_error: { type: 'ValidationError', message: 'email must be an email address' },
    },
  }),
};
