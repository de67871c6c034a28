// Validation, test runs (all, by name, one draft), adding a case, schema checks.
import assert from 'node:assert/strict';
import { ADDER_OUT, forEachDevBackend, seedAdder } from './dev-test-helpers.ts';

const t = (a: number, b: number, sum: number) =>
  JSON.stringify({ input: { a, b }, expected_output: { sum } });

forEachDevBackend(
  'run tests: all, by name, stop on failure; single stored and draft cases',
  async ({ app, ok, fail }) => {
    await seedAdder(app);
    await ok('ratchet_write_task_file', { task_id: 'adder', path: 'tests/t1.json', content: t(1, 2, 3) });
    await ok('ratchet_write_task_file', { task_id: 'adder', path: 'tests/t2.json', content: t(2, 2, 5) });
    await ok('ratchet_write_task_file', { task_id: 'adder', path: 'tests/t3.json', content: t(3, 3, 6) });
    const all = await ok('ratchet_run_task_tests', { task_id: 'adder' });
    assert.deepEqual([all.passed, all.failed, all.success, all.version], [2, 1, false, '1.0.3']);
    const bad = all.cases.find((c: { file: string }) => c.file === 't2.json');
    assert.deepEqual(bad.diff, ['- $.sum: 5', '+ $.sum: 4']);
    const some = await ok('ratchet_run_task_tests', { task_id: 'adder', test_names: ['t1', 't3.json'] });
    assert.deepEqual([some.passed, some.filtered_out, some.success], [2, 1, true]);
    const bail = await ok('ratchet_run_task_tests', {
      task_id: 'adder',
      stop_on_failure: true,
      test_names: ['t2', 't3'],
    });
    // Cases run in parallel, so t3 may already be running when t2 fails: it then passes or is not run.
    assert.equal(bail.failed, 1);
    assert.equal(bail.passed + bail.not_run, 1);
    const one = await ok('ratchet_run_single_test', { task_id: 'adder', test_name: 't1' });
    assert.deepEqual([one.passed, one.cases.length], [1, 1]);
    const draft = await ok('ratchet_run_single_test', {
      task_id: 'adder',
      test_case: { name: 'draft', input: { a: 5, b: 5 }, expected_output: { sum: 10 } },
    });
    assert.deepEqual([draft.passed, draft.cases.length], [1, 1]);
    // The same draft through ratchet_run_task_tests, which folds ratchet_run_single_test in.
    const folded = await ok('ratchet_run_task_tests', {
      task_id: 'adder',
      test_case: { name: 'draft', input: { a: 5, b: 5 }, expected_output: { sum: 11 } },
    });
    assert.deepEqual([folded.failed, folded.cases.length], [1, 1]);
    assert.equal(
      (
        await fail('ratchet_run_task_tests', {
          task_id: 'adder',
          test_names: ['t1'],
          test_case: { name: 'draft', input: {} },
        })
      ).code,
      'INVALID_ARGUMENTS',
    );
    assert.equal((await ok('ratchet_list_task_versions', { task_id: 'adder' })).latest, '1.0.3');
    assert.equal(
      (await fail('ratchet_run_single_test', { task_id: 'adder', test_name: 'nope' })).code,
      'NOT_FOUND',
    );
    assert.equal((await fail('ratchet_run_single_test', { task_id: 'adder' })).code, 'INVALID_ARGUMENTS');
    const shape = await fail('ratchet_run_single_test', {
      task_id: 'adder',
      test_case: { name: 'x', input: {}, should_fail: 'yes' },
    });
    assert.equal(shape.code, 'VALIDATION_ERROR');
    assert.equal(
      (await fail('ratchet_run_task_tests', { task_id: 'adder', test_names: 'all' })).code,
      'INVALID_ARGUMENTS',
    );
  },
);

forEachDevBackend(
  'create_test_case saves a version and runs it; validate_task reports',
  async ({ app, ok, fail, call }) => {
    await seedAdder(app);
    const c = await ok('ratchet_create_test_case', {
      task_id: 'adder',
      test_case: { name: 'neg', input: { a: -1, b: -2 }, expected_output: { sum: -3 } },
    });
    assert.equal(c.created_version, '1.0.1');
    assert.equal(c.file, 'tests/neg.json');
    assert.equal(c.result.passed, 1);
    const v = await ok('ratchet_validate_task', { task_id: 'adder', run_tests: true });
    assert.equal(v.valid, true);
    assert.equal(v.tests.passed, 1);
    assert.ok(v.checks.some((x: { name: string }) => x.name === 'main.js'));
    const syntax = await ok('ratchet_validate_task', { task_id: 'adder', syntax_only: true });
    assert.deepEqual([syntax.valid, syntax.tests], [true, null]);
    const badCase = await fail('ratchet_create_test_case', {
      task_id: 'adder',
      test_case: { name: 'x', input: {}, expected_error: 'boom' },
    });
    assert.equal(badCase.code, 'INVALID_ARGUMENTS');
    assert.equal((await fail('ratchet_validate_task', { task_id: 'nope' })).code, 'NOT_FOUND');
    const viewer = await call('ratchet_validate_task', { task_id: 'adder', run_tests: true }, 'viewer');
    assert.equal(viewer.isError, true);
    assert.match(viewer.content[0]!.text, /run_tests needs run access/);
    assert.equal((await call('ratchet_validate_task', { task_id: 'adder' }, 'viewer')).isError, undefined);
  },
);

forEachDevBackend('validate_task_input / validate_task_output list violations', async ({ app, ok }) => {
  await seedAdder(app);
  const good = await ok('ratchet_validate_task_input', { task_id: 'adder', input: { a: 1, b: 2 } });
  assert.deepEqual([good.valid, good.has_schema], [true, true]);
  const bad = await ok('ratchet_validate_task_input', { task_id: 'adder', input: { a: 'x' } });
  assert.equal(bad.valid, false);
  assert.deepEqual(bad.violations.map((v: { path: string }) => v.path).sort(), ['$.a', '$.b']);
  const none = await ok('ratchet_validate_task_output', { task_id: 'adder', output: 42 });
  assert.deepEqual([none.has_schema, none.valid], [false, true]);
  await ok('ratchet_update_task_schemas', { task_id: 'adder', output_schema: ADDER_OUT });
  const out = await ok('ratchet_validate_task_output', { task_id: 'adder', output: { sum: '3' } });
  assert.equal(out.violations[0].path, '$.sum');
  const old = await ok('ratchet_validate_task_output', {
    task_id: 'adder',
    version: '1.0.0',
    output: { sum: '3' },
  });
  assert.equal(old.has_schema, false);
});
