// Create, show, edit, delete and clone through the tool framework on both backends.
import assert from 'node:assert/strict';
import { ADDER, ADDER_IN, ADDER_OUT, forEachDevBackend, seedAdder } from './dev-test-helpers.ts';

forEachDevBackend(
  'ratchet_create_task stores 1.0.0 with tests; get_task_info shows it all',
  async ({ ok, fail }) => {
    const created = await ok('ratchet_create_task', {
      name: 'adder',
      description: 'adds',
      code: ADDER,
      input_schema: ADDER_IN,
      output_schema: ADDER_OUT,
      tags: ['math'],
      metadata: { timeout: 5000 },
      test_cases: [{ name: 'two-and-three', input: { a: 2, b: 3 }, expected_output: { sum: 5 } }],
    });
    assert.equal(created.version.version, '1.0.0');
    assert.deepEqual(created.version.tests, ['two-and-three.json']);
    assert.equal(created.version.change_source, 'mcp');
    assert.equal(created.version.changed_by, 'agent-test');
    const info = await ok('ratchet_get_task_info', { task_id: 'adder' });
    assert.equal(info.code, ADDER);
    assert.deepEqual(info.input_schema, ADDER_IN);
    assert.deepEqual(info.metadata.tags, ['math']);
    assert.equal(info.metadata.timeout, 5000);
    assert.deepEqual(info.tests[0].content.expected_output, { sum: 5 });
    assert.deepEqual(info.versions, ['1.0.0']);
    const slim = await ok('ratchet_get_task_info', {
      task_id: 'adder',
      include_code: false,
      include_tests: false,
    });
    assert.equal(slim.code, null);
    assert.equal(slim.tests[0].content, null);

    const dup = await fail('ratchet_create_task', { name: 'adder', code: ADDER });
    assert.equal(dup.code, 'CONFLICT');
    const broken = await fail('ratchet_create_task', {
      name: 'broken',
      code: '(function(input) { return {; })',
    });
    assert.equal(broken.code, 'VALIDATION_ERROR');
    assert.match(broken.message, /main\.js:1:\d+/);
    assert.equal((await fail('ratchet_get_task_info', { task_id: 'broken' })).code, 'NOT_FOUND');
  },
);

forEachDevBackend(
  'ratchet_edit_task saves a new version, backs up, honours the version rule',
  async ({ app, ok, fail }) => {
    await seedAdder(app);
    const edited = await ok('ratchet_edit_task', {
      task_id: 'adder',
      code: ADDER.replace('input.a + input.b', 'input.b + input.a'),
      tags: ['math', 'edited'],
      output_schema: ADDER_OUT,
    });
    assert.equal(edited.created_version, '1.0.1');
    assert.equal(edited.previous_version, '1.0.0');
    assert.deepEqual(edited.changed_files, ['main.js', 'metadata.json', 'output.schema.json']);
    assert.equal(typeof edited.backup_id, 'number');
    const explicit = await ok('ratchet_edit_task', {
      task_id: 'adder',
      description: 'v2',
      new_version: '2.0.0',
      create_backup: false,
    });
    assert.equal(explicit.created_version, '2.0.0');
    assert.equal(explicit.backup_id, null);
    const low = await fail('ratchet_edit_task', {
      task_id: 'adder',
      description: 'again',
      new_version: '1.5.0',
    });
    assert.equal(low.code, 'CONFLICT');
    assert.match(low.message, /not higher than 2\.0\.0.*pass 2\.0\.1 or higher/);
    const removed = await ok('ratchet_edit_task', { task_id: 'adder', output_schema: null });
    assert.deepEqual(removed.changed_files, ['output.schema.json']);
    const nothing = await fail('ratchet_edit_task', { task_id: 'adder' });
    assert.equal(nothing.code, 'INVALID_ARGUMENTS');
    const bad = await fail('ratchet_edit_task', { task_id: 'adder', input_schema: { type: 'nope' } });
    assert.equal(bad.code, 'VALIDATION_ERROR');
    assert.match(bad.message, /input\.schema\.json/);
  },
);

forEachDevBackend(
  'ratchet_delete_task backs up, refuses when scheduled unless forced; clone copies',
  async ({ app, ok, fail }) => {
    await seedAdder(app);
    const clone = await ok('ratchet_clone_task', {
      task_id: 'adder',
      new_name: 'adder-2',
      include_tests: false,
    });
    assert.equal(clone.version.version, '1.0.0');
    assert.equal(clone.source_version, '1.0.0');
    assert.notEqual(clone.task.uuid, (await ok('ratchet_get_task_info', { task_id: 'adder' })).task.uuid);
    assert.equal(
      (await ok('ratchet_get_task_info', { task_id: 'adder-2' })).metadata.cloned_from,
      'adder@1.0.0',
    );
    assert.equal(
      (await fail('ratchet_clone_task', { task_id: 'adder', new_name: 'adder-2' })).code,
      'CONFLICT',
    );

    const { createSchedule } = await import('../../../services/schedules.ts');
    await createSchedule(app, {
      task: 'adder',
      name: 'nightly',
      cronExpression: '0 3 * * *',
      input: { a: 1, b: 2 },
    });
    const refused = await fail('ratchet_delete_task', { task_id: 'adder' });
    assert.equal(refused.code, 'CONFLICT');
    assert.match(refused.message, /nightly.*force: true/);
    const deleted = await ok('ratchet_delete_task', { task_id: 'adder', force: true });
    assert.deepEqual(deleted.enabled_schedules, ['nightly']);
    assert.equal(typeof deleted.backup_id, 'number');
    assert.equal((await fail('ratchet_get_task_info', { task_id: 'adder' })).code, 'NOT_FOUND');
    const plain = await ok('ratchet_delete_task', { task_id: 'adder-2', create_backup: false });
    assert.equal(plain.backup_id, null);
  },
);

forEachDevBackend('malformed arguments name each bad field', async ({ ok, fail }) => {
  const e = await fail('ratchet_create_task', { name: '', code: 42, tags: 'x', extra: 1 });
  assert.equal(e.code, 'INVALID_ARGUMENTS');
  for (const field of ['$.name', '$.code', '$.tags', '$.extra'])
    assert.ok(e.message.includes(field), e.message);
  const t = await fail('ratchet_create_task', {
    name: 'x',
    code: ADDER,
    test_cases: [{ name: '   ', input: {} }],
  });
  assert.match(t.message, /\$\.test_cases\[0\]\.name/);
  // A title is never a path: its file name is a slug inside tests/.
  const titled = await ok('ratchet_create_task', {
    name: 'x',
    code: ADDER,
    test_cases: [{ name: '../evil', input: { a: 1, b: 2 }, expected_output: { sum: 3 } }],
  });
  assert.deepEqual(titled.version.tests, ['evil.json']);
  assert.equal((await fail('ratchet_delete_task', { task_id: 'x', force: 'yes' })).code, 'INVALID_ARGUMENTS');
  assert.equal((await fail('ratchet_clone_task', { task_id: 'x' })).code, 'INVALID_ARGUMENTS');
});
