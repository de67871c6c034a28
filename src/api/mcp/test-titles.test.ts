// Test-case names are titles, as the guide writes them ("London weather test"): through the
// official client, create_task and create_test_case accept them, derive unique file names, and
// keep the title as the case's name in the stored file and in test reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok, withMcpHttp } from './test-helpers.ts';

const COUNTER =
  '(function (input) {\n  return { count: input.text.split(/\\s+/).filter(Boolean).length };\n})\n';

test('test case titles become unique file names; the title stays the case name', async () => {
  await withMcpHttp(async ({ connect }) => {
    const client = await connect();
    const created = await client.callTool({
      name: 'ratchet_create_task',
      arguments: {
        name: 'word-counter',
        code: COUNTER,
        test_cases: [
          { name: 'counts three words', input: { text: 'one two three' }, expected_output: { count: 3 } },
          { name: 'Counts three words!', input: { text: 'a b  c' }, expected_output: { count: 3 } },
          { name: 'handles-empty', input: { text: '' }, expected_output: { count: 0 } },
          { name: 'Ünïcödé — only?', input: { text: 'é' }, expected_output: { count: 1 } },
        ],
      },
    });
    const task = ok(created);
    assert.deepEqual(task.version.tests, [
      'counts-three-words-2.json',
      'counts-three-words.json',
      'handles-empty.json',
      'unicode-only.json',
    ]);

    const report = ok(
      await client.callTool({ name: 'ratchet_run_task_tests', arguments: { task_id: 'word-counter' } }),
    );
    assert.equal(report.passed, 4);
    assert.deepEqual(
      report.cases.map((c: { name: string; file: string }) => [c.file, c.name]),
      [
        ['counts-three-words-2.json', 'Counts three words!'],
        ['counts-three-words.json', 'counts three words'],
        ['handles-empty.json', 'handles-empty'],
        ['unicode-only.json', 'Ünïcödé — only?'],
      ],
    );
    // A stored case is found by its title.
    const one = ok(
      await client.callTool({
        name: 'ratchet_run_single_test',
        arguments: { task_id: 'word-counter', test_name: 'Ünïcödé — only?' },
      }),
    );
    assert.deepEqual([one.passed, one.cases[0].file], [1, 'unicode-only.json']);

    // The same title replaces its case; a new title adds a file (the guide's own example name).
    const replaced = ok(
      await client.callTool({
        name: 'ratchet_create_test_case',
        arguments: {
          task_id: 'word-counter',
          test_case: { name: 'counts three words', input: { text: 'x y z' }, expected_output: { count: 3 } },
        },
      }),
    );
    assert.equal(replaced.file, 'tests/counts-three-words.json');
    assert.equal(replaced.result.passed, 1);
    const added = ok(
      await client.callTool({
        name: 'ratchet_create_test_case',
        arguments: {
          task_id: 'word-counter',
          test_case: {
            name: 'London weather test',
            input: { text: 'London' },
            expected_output: { count: 1 },
          },
        },
      }),
    );
    assert.equal(added.file, 'tests/london-weather-test.json');
    assert.deepEqual([added.result.passed, added.result.cases[0].name], [1, 'London weather test']);
    const info = ok(
      await client.callTool({ name: 'ratchet_get_task_info', arguments: { task_id: 'word-counter' } }),
    );
    const stored = Object.fromEntries(
      info.tests.map((t: { name: string; content: { name: string; input: unknown } }) => [t.name, t.content]),
    );
    assert.equal(Object.keys(stored).length, 5);
    assert.deepEqual(stored['counts-three-words.json'].input, { text: 'x y z' });
    assert.equal(stored['london-weather-test.json'].name, 'London weather test');
  });
});
