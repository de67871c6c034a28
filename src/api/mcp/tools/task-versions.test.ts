// Explicit versions, listing, comparing, and backups restored as new versions (deleted tasks too).
import assert from 'node:assert/strict';
import { ADDER, ADDER_OUT, forEachDevBackend, seedAdder } from './dev-test-helpers.ts';

forEachDevBackend('create_task_version, list and compare versions', async ({ app, ok, fail }) => {
  await seedAdder(app);
  await ok('ratchet_write_task_file', {
    task_id: 'adder',
    path: 'tests/a.json',
    content: '{"input":{"a":1,"b":1},"expected_output":{"sum":2}}',
  });
  const v2 = await ok('ratchet_create_task_version', {
    task_id: 'adder',
    new_version: '2.0.0',
    code: ADDER.replace(
      'return { sum: input.a + input.b };',
      '  const s = input.a + input.b;\n  return { sum: s };',
    ),
    output_schema: ADDER_OUT,
    description: 'v2',
  });
  assert.equal(v2.version.version, '2.0.0');
  const dup = await fail('ratchet_create_task_version', { task_id: 'adder', new_version: '2.0.0' });
  assert.equal(dup.code, 'CONFLICT');
  assert.equal(
    (await fail('ratchet_create_task_version', { task_id: 'adder', new_version: 'two' })).code,
    'VALIDATION_ERROR',
  );
  const listed = await ok('ratchet_list_task_versions', { task_id: 'adder' });
  assert.deepEqual(
    listed.versions.map((v: { version: string }) => v.version),
    ['2.0.0', '1.0.1', '1.0.0'],
  );

  const c = await ok('ratchet_compare_task_versions', { task_id: 'adder', from_version: '1.0.0' });
  assert.equal(c.to, '2.0.0');
  assert.equal(c.identical, false);
  assert.match(c.code.diff, /^--- main\.js@1\.0\.0\n\+\+\+ main\.js@2\.0\.0\n@@ -1,3 \+1,4 @@\n/);
  assert.match(
    c.code.diff,
    /\n- {2}return \{ sum: input\.a \+ input\.b \};\n\+ {4}const s = input\.a \+ input\.b;\n/,
  );
  assert.deepEqual([c.code.lines_added, c.code.lines_removed], [2, 1]);
  assert.deepEqual(c.output_schema, [{ path: '$', kind: 'added', after: ADDER_OUT }]);
  assert.deepEqual(c.metadata, [
    { path: '$.description', kind: 'changed', before: 'adds a and b', after: 'v2' },
  ]);
  assert.deepEqual(c.tests.added, ['a.json']);
  const same = await ok('ratchet_compare_task_versions', {
    task_id: 'adder',
    from_version: '1.0.1',
    to_version: '1.0.1',
  });
  assert.equal(same.identical, true);
  assert.equal(
    (await fail('ratchet_compare_task_versions', { task_id: 'adder', from_version: '9.9.9' })).code,
    'NOT_FOUND',
  );
  assert.equal((await fail('ratchet_compare_task_versions', { task_id: 'adder' })).code, 'INVALID_ARGUMENTS');
});

forEachDevBackend(
  'backup, list backups, restore as a new version; restore brings a deleted task back',
  async ({ app, ok, fail }) => {
    await seedAdder(app);
    const b = await ok('ratchet_backup_task', { task_id: 'adder', reason: 'before change' });
    assert.equal(b.version, '1.0.0');
    assert.deepEqual(b.files, ['metadata.json', 'main.js', 'input.schema.json']);
    await ok('ratchet_update_task_code', {
      task_id: 'adder',
      code: '(function(input) { return { sum: 0 }; })',
    });
    const restored = await ok('ratchet_restore_task_backup', { backup_id: b.backup_id });
    assert.equal(restored.created_version, '1.0.2');
    assert.equal(restored.restored_from_version, '1.0.0');
    assert.deepEqual(restored.changed_files, ['main.js']);
    assert.match(
      (await ok('ratchet_read_task_file', { task_id: 'adder', path: 'main.js' })).content,
      /input\.a \+ input\.b/,
    );

    const del = await ok('ratchet_delete_task', { task_id: 'adder' });
    const back = await ok('ratchet_restore_task_backup', {
      backup_id: String(del.backup_id),
      new_version: '5.0.0',
    });
    assert.equal(back.undeleted, true);
    assert.equal(back.created_version, '5.0.0');
    assert.equal((await ok('ratchet_get_task_info', { task_id: 'adder' })).version.version, '5.0.0');
    const list = await ok('ratchet_list_task_backups', { task_id: 'adder' });
    assert.deepEqual(
      list.backups.map((x: { reason: string }) => x.reason),
      ['before delete', 'before change'],
    );
    assert.equal((await fail('ratchet_restore_task_backup', { backup_id: 999 })).code, 'NOT_FOUND');
    assert.equal((await fail('ratchet_restore_task_backup', { backup_id: -1 })).code, 'INVALID_ARGUMENTS');
  },
);
