// File-level reads and writes, and the focused updates, each saving a new version.
import assert from 'node:assert/strict';
import { ADDER_OUT, forEachDevBackend, seedAdder } from './dev-test-helpers.ts';

forEachDevBackend(
  'list/read/write task files; every write is a new, validated version',
  async ({ app, ok, fail }) => {
    await seedAdder(app);
    const listed = await ok('ratchet_list_task_files', { task_id: 'adder' });
    assert.deepEqual(
      listed.files.map((f: { path: string }) => f.path),
      ['metadata.json', 'main.js', 'input.schema.json'],
    );
    const main = await ok('ratchet_read_task_file', { task_id: 'adder', path: 'main.js' });
    assert.match(main.content, /input\.a \+ input\.b/);
    const missing = await fail('ratchet_read_task_file', { task_id: 'adder', path: 'tests/none.json' });
    assert.equal(missing.code, 'INVALID_ARGUMENTS');
    assert.match(missing.message, /its files are: metadata\.json, main\.js/);

    const test = JSON.stringify({ input: { a: 1, b: 2 }, expected_output: { sum: 3 } });
    const w = await ok('ratchet_write_task_file', { task_id: 'adder', path: 'tests/t1.json', content: test });
    assert.equal(w.created_version, '1.0.1');
    assert.deepEqual(w.changed_files, ['tests/t1.json']);
    const broken = await fail('ratchet_write_task_file', {
      task_id: 'adder',
      path: 'main.js',
      content: '(function(input) {',
    });
    assert.equal(broken.code, 'VALIDATION_ERROR');
    assert.match(broken.message, /nothing was saved/);
    assert.equal((await ok('ratchet_list_task_versions', { task_id: 'adder' })).latest, '1.0.1');
    const unknown = await fail('ratchet_write_task_file', {
      task_id: 'adder',
      path: 'lib/util.js',
      content: 'x',
    });
    assert.match(unknown.message, /is not a task file/);
    const required = await fail('ratchet_write_task_file', {
      task_id: 'adder',
      path: 'main.js',
      content: null,
    });
    assert.match(required.message, /cannot be deleted/);
    const del = await ok('ratchet_write_task_file', {
      task_id: 'adder',
      path: 'tests/t1.json',
      content: null,
    });
    assert.equal(del.created_version, '1.0.2');
    const meta = JSON.parse(
      (await ok('ratchet_read_task_file', { task_id: 'adder', path: 'metadata.json' })).content,
    );
    const bumped = await ok('ratchet_write_task_file', {
      task_id: 'adder',
      path: 'metadata.json',
      content: JSON.stringify({ ...meta, version: '3.0.0', author: 'me' }),
    });
    assert.equal(bumped.created_version, '3.0.0');
    const rename = await fail('ratchet_write_task_file', {
      task_id: 'adder',
      path: 'metadata.json',
      content: JSON.stringify({ ...meta, name: 'other' }),
    });
    assert.match(rename.message, /cannot be renamed/);
    const same = await fail('ratchet_write_task_file', {
      task_id: 'adder',
      path: 'main.js',
      content: main.content,
    });
    assert.match(same.message, /identical/);
  },
);

forEachDevBackend(
  'update code, schemas and metadata; version rule and malformed arguments',
  async ({ app, ok, fail }) => {
    await seedAdder(app);
    const code = await ok('ratchet_update_task_code', {
      task_id: 'adder',
      code: '(function(input) { return { sum: input.a - -input.b }; })',
    });
    assert.equal(code.created_version, '1.0.1');
    const schemas = await ok('ratchet_update_task_schemas', {
      task_id: 'adder',
      input_schema: null,
      output_schema: ADDER_OUT,
    });
    assert.deepEqual(schemas.changed_files, ['input.schema.json', 'output.schema.json']);
    const meta = await ok('ratchet_update_task_metadata', {
      task_id: 'adder',
      fields: { timeout: 1234, tags: null },
      new_version: '1.1.0',
    });
    assert.equal(meta.created_version, '1.1.0');
    const info = await ok('ratchet_get_task_info', { task_id: 'adder' });
    assert.equal(info.metadata.timeout, 1234);
    assert.equal(info.metadata.tags, undefined);
    assert.equal(info.input_schema, null);
    const low = await fail('ratchet_update_task_code', {
      task_id: 'adder',
      code: '(function(){ return {}; })',
      new_version: '1.0.5',
    });
    assert.match(low.message, /not higher than 1\.1\.0.*pass 1\.1\.1 or higher, or omit the version/);
    assert.match(
      (await fail('ratchet_update_task_metadata', { task_id: 'adder', fields: { name: 'x' } })).message,
      /clone/,
    );
    assert.equal((await fail('ratchet_update_task_schemas', { task_id: 'adder' })).code, 'INVALID_ARGUMENTS');
    assert.equal(
      (await fail('ratchet_update_task_metadata', { task_id: 'adder', fields: {} })).code,
      'INVALID_ARGUMENTS',
    );
    assert.equal(
      (await fail('ratchet_write_task_file', { task_id: 'adder', path: 'main.js' })).code,
      'INVALID_ARGUMENTS',
    );
    assert.equal(
      (await fail('ratchet_update_task_code', { task_id: 'adder', code: '' })).code,
      'INVALID_ARGUMENTS',
    );
  },
);
