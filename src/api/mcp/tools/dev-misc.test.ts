// Templates, import/export, results, lint, registry and docs tools through the framework.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { ALL_TOOLS } from './index.ts';
import { forEachDevBackend, seedAdder, withDevApp } from './dev-test-helpers.ts';
import { test } from 'node:test';

forEachDevBackend(
  'templates: list with aliases; generate stores a task whose tests pass',
  async ({ ok, fail }) => {
    const list = await ok('ratchet_list_templates', {});
    const http = list.templates.find((t: { name: string }) => t.name === 'http-api');
    assert.deepEqual(http.aliases, ['http_api_call']);
    const names = list.templates.map((t: { name: string }) => t.name);
    assert.ok(!names.includes('file_processor') && !names.includes('testing_utility'));
    assert.deepEqual(
      list.not_available.map((n: { name: string }) => n.name),
      ['file_processor', 'testing_utility'],
    );
    const gen = await ok('ratchet_generate_from_template', {
      template: 'http_api_call',
      name: 'item-fetcher',
      tags: ['demo'],
    });
    assert.equal(gen.template, 'http-api');
    assert.equal(gen.version.version, '1.0.0');
    assert.ok(gen.files['main.js'].includes('fetch('));
    const tests = await ok('ratchet_run_task_tests', { task_id: 'item-fetcher' });
    assert.equal(tests.success, true);
    const dry = await ok('ratchet_generate_from_template', {
      template: 'validation',
      name: 'checker',
      save: false,
    });
    assert.equal(dry.task, null);
    assert.equal((await fail('ratchet_get_task_info', { task_id: 'checker' })).code, 'NOT_FOUND');
    const missing = await fail('ratchet_generate_from_template', { template: 'file_processor', name: 'x' });
    assert.match(missing.message, /file system/);
    assert.match(
      (await fail('ratchet_generate_from_template', { template: 'basic', name: 'Bad Name' })).message,
      /try "bad-name"/,
    );
    assert.equal(
      (await fail('ratchet_generate_from_template', { template: 'basic', name: 'item-fetcher' })).code,
      'CONFLICT',
    );
  },
);

forEachDevBackend(
  'export as file maps and zip; import them back (unchanged, new version, failures)',
  async ({ app, ok, fail }) => {
    await seedAdder(app);
    await seedAdder(app, 'other');
    const exp = await ok('ratchet_export_tasks', { as_zip: true });
    assert.deepEqual(
      exp.tasks.map((t: { name: string }) => t.name),
      ['adder', 'other'],
    );
    const entries = Object.keys(unzipSync(Buffer.from(exp.zip_base64, 'base64'))).sort();
    assert.ok(entries.includes('adder/main.js') && entries.includes('other/metadata.json'), entries.join());
    const again = await ok('ratchet_import_tasks', { zip_base64: exp.zip_base64 });
    assert.deepEqual([again.unchanged, again.imported, again.failed], [2, 0, 0]);

    const files = { ...exp.tasks[0].files };
    const meta = JSON.parse(files['metadata.json']);
    files['metadata.json'] = JSON.stringify({ ...meta, version: '1.1.0' });
    files['main.js'] = files['main.js'].replace('a + input.b', 'a + input.b + 0');
    const clash = { ...exp.tasks[1].files, 'main.js': '(function(input) { return {}; })' };
    const fresh = {
      'metadata.json': '{"name": "echo", "version": "1.0.0"}',
      'main.js': '(function(i) { return i; })',
    };
    const broken = { 'metadata.json': '{"name": "broken", "version": "1.0.0"}', 'main.js': '(function(i) {' };
    const r = await ok('ratchet_import_tasks', {
      packages: [{ files }, { files: clash }, { files: fresh }, { files: broken }],
    });
    assert.deepEqual(
      r.results.map((x: { status: string }) => x.status),
      ['new_version', 'failed', 'created', 'failed'],
    );
    assert.match(r.results[1].errors[0], /already exists with different content/);
    assert.match(r.results[3].errors[0], /main\.js:1/);
    assert.equal(
      (await ok('ratchet_export_tasks', { task_ids: ['adder'], version: '1.0.0' })).tasks[0].version,
      '1.0.0',
    );
    assert.equal(
      (await fail('ratchet_export_tasks', { task_ids: ['adder', 'other'], version: '1.0.0' })).code,
      'VALIDATION_ERROR',
    );
    assert.equal((await fail('ratchet_import_tasks', {})).code, 'INVALID_ARGUMENTS');
    assert.equal(
      (await fail('ratchet_import_tasks', { zip_base64: 'bm90IGEgemlw' })).code,
      'VALIDATION_ERROR',
    );
  },
);

forEachDevBackend(
  'store_result / get_results: history by name, prefix, task, tag, paging',
  async ({ app, ok, fail }) => {
    await seedAdder(app);
    const a = await ok('ratchet_store_result', {
      name: 'adder/run',
      data: { sum: 3 },
      task_id: 'adder',
      tags: ['bench'],
    });
    await ok('ratchet_store_result', { name: 'adder/run', data: { sum: 4 } });
    await ok('ratchet_store_result', { name: 'notes', data: 'plain text' });
    assert.equal(a.result.created_by, 'agent-test');
    const byName = await ok('ratchet_get_results', { name: 'adder/run' });
    assert.deepEqual(
      byName.results.map((x: { data: { sum: number } }) => x.data.sum),
      [4, 3],
    );
    assert.equal((await ok('ratchet_get_results', { name_prefix: 'adder/' })).pagination.total, 2);
    assert.equal((await ok('ratchet_get_results', { task_id: 'adder' })).pagination.total, 1);
    assert.equal(
      (await ok('ratchet_get_results', { tag: 'bench' })).results[0].result_id,
      a.result.result_id,
    );
    const one = await ok('ratchet_get_results', { result_id: a.result.uuid, include_data: false });
    assert.equal(one.results[0].data, undefined);
    const page = await ok('ratchet_get_results', { limit: 1, page: 2 });
    assert.deepEqual(
      [page.pagination.total, page.pagination.has_more, page.results.length, page.results[0].name],
      [3, true, 1, 'adder/run'],
    );
    assert.equal(
      (await fail('ratchet_store_result', { name: 'x', data: 1, task_id: 'nope' })).code,
      'NOT_FOUND',
    );
    assert.equal(
      (await fail('ratchet_store_result', { name: 'x', data: 1, execution_id: 99999 })).code,
      'NOT_FOUND',
    );
    const big = await fail('ratchet_store_result', { name: 'big', data: 'x'.repeat(1024 * 1024 + 10) });
    assert.equal(big.code, 'VALIDATION_ERROR');
    assert.equal((await fail('ratchet_get_results', { id: 424242 })).code, 'NOT_FOUND');
    assert.equal((await fail('ratchet_get_results', { limit: 0 })).code, 'INVALID_ARGUMENTS');
  },
);

forEachDevBackend('lint_task_code on given code and on a stored task', async ({ app, ok, fail }) => {
  await seedAdder(app);
  const r = await ok('ratchet_lint_task_code', {
    code: '(function(input) {\n  return fetch(input.url).then((r) => r.json());\n})',
  });
  assert.equal(r.parser, 'acorn');
  assert.equal(r.ok, false);
  assert.deepEqual(
    r.findings.map((f: { rule: string; line: number }) => `${f.rule}@${f.line}`),
    ['fetch-promise@2'],
  );
  const stored = await ok('ratchet_lint_task_code', { task_id: 'adder' });
  assert.deepEqual([stored.ok, stored.findings.length], [true, 0]);
  assert.equal((await fail('ratchet_lint_task_code', {})).code, 'INVALID_ARGUMENTS');
  assert.equal(
    (await fail('ratchet_lint_task_code', { code: 'x', task_id: 'adder' })).code,
    'INVALID_ARGUMENTS',
  );
});

forEachDevBackend(
  'discover task folders without importing; registry health and sync',
  async ({ app, ok, fail }) => {
    const dir = await mkdtemp(join(tmpdir(), 'ratchet-discover-'));
    try {
      await seedAdder(app);
      await mkdir(join(dir, 'group', 'adder'), { recursive: true });
      await writeFile(join(dir, 'group', 'adder', 'metadata.json'), '{"name": "adder", "version": "1.2.0"}');
      await writeFile(join(dir, 'group', 'adder', 'main.js'), '(function(i) { return { sum: 0 }; })');
      await mkdir(join(dir, 'broken'));
      await writeFile(join(dir, 'broken', 'metadata.json'), '{"name": "broken", "version": "1.0.0"}');
      const d = await ok('ratchet_discover_tasks', { path: dir });
      assert.equal(d.found, 2);
      const byName = Object.fromEntries(d.tasks.map((t: { name: string }) => [t.name, t]));
      assert.deepEqual(
        [byName.adder.store, byName.adder.stored_version, byName.adder.valid],
        ['newer', '1.0.0', true],
      );
      assert.equal(byName.broken.valid, false);
      assert.match(byName.broken.errors[0], /main\.js/);
      assert.equal((await ok('ratchet_get_task_info', { task_id: 'adder' })).version.version, '1.0.0');
      assert.equal(
        (await fail('ratchet_discover_tasks', { path: join(dir, 'nope') })).code,
        'VALIDATION_ERROR',
      );

      const health = await ok('ratchet_registry_health', {});
      assert.equal(health.tasks.total, 1);
      const sync = await ok('ratchet_sync_registry', {});
      assert.ok(Array.isArray(sync.sources));
      assert.equal((await fail('ratchet_sync_registry', { source: 'no-such-source' })).code, 'NOT_FOUND');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test('docs tools render the live tool definitions', () =>
  withDevApp('sqlite', async ({ ok, fail, call }) => {
    const ref = await ok('ratchet_get_developer_endpoint_reference', { name_contains: 'lint' });
    assert.deepEqual(ref.tools, ['ratchet_lint_task_code']);
    assert.match(ref.markdown, /### `ratchet_lint_task_code` — Lint task code/);
    const all = await ok('ratchet_get_developer_endpoint_reference', {});
    assert.equal(all.count, ALL_TOOLS.length);
    for (const t of ALL_TOOLS) assert.ok(all.markdown.includes(`\`${t.name}\``), t.name);
    const bad = await fail('ratchet_get_developer_endpoint_reference', { tools: ['ratchet_nope'] });
    assert.match(bad.message, /no such tool: ratchet_nope/);
    const guide = await ok('ratchet_get_developer_integration_guide', {});
    assert.equal(guide.tools, ALL_TOOLS.length);
    assert.match(guide.markdown, /## Developing a task/);
    assert.match(guide.markdown, /`ratchet_run_task_tests` — run the test cases/);
    assert.match(guide.markdown, /you are "developer"/);
    const viewer = await call('ratchet_get_developer_endpoint_reference', { only_mine: true }, 'viewer');
    const names = (viewer.structuredContent as { tools: string[] }).tools;
    assert.ok(names.includes('ratchet_get_task_info') && !names.includes('ratchet_create_task'));
  }));
