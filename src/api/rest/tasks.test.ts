// /api/v1/tasks end to end over real HTTP, on SQLite and PostgreSQL: lookups by id, UUID and name,
// create/update as versions (with the version rules), 422s with line:column, soft delete keeping
// history, enable/disable, validate, test, stats and the synchronous execute.
import assert from 'node:assert/strict';
import { forEachApi } from './test-helpers.ts';

const DOUBLE = {
  name: 'double',
  description: 'doubles n',
  code: '(input) => { console.log("doubling", input.n); return { d: input.n * 2 }; }',
  inputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
  tests: [
    { name: 'two', content: { name: 'two', input: { n: 2 }, expected_output: { d: 4 } } },
    { name: 'wrong.json', content: JSON.stringify({ input: { n: 1 }, expected_output: { d: 3 } }) },
  ],
};

forEachApi('tasks: create, look up by id/UUID/name, update as versions, delete softly', async (api) => {
  const created = await api.call('POST', '/api/v1/tasks', { body: DOUBLE });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const t = created.body.data;
  assert.equal(t.name, 'double');
  assert.equal(t.latestVersion, '1.0.0');
  assert.equal(t.version.changeSource, 'API');
  assert.equal(t.version.changedBy, 'anonymous');
  assert.deepEqual(t.version.inputSchema, DOUBLE.inputSchema);
  assert.equal(t.version.tests.length, 2);
  assert.match(created.headers.get('location')!, new RegExp(`/api/v1/tasks/${t.id}$`));

  for (const ref of [t.id, t.uuid, t.uuid.toUpperCase(), 'double']) {
    const got = await api.call('GET', `/api/v1/tasks/${ref}`);
    assert.equal(got.status, 200, `lookup by ${ref}`);
    assert.equal(got.body.data.id, t.id);
  }
  const dup = await api.call('POST', '/api/v1/tasks', { body: DOUBLE });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, 'CONFLICT');

  // No version: the patch is bumped; omitted fields come from the latest version.
  const upd = await api.call('PUT', '/api/v1/tasks/double', { body: { description: 'twice n' } });
  assert.equal(upd.status, 200, JSON.stringify(upd.body));
  assert.equal(upd.body.data.version.version, '1.0.1');
  assert.equal(upd.body.data.version.code, DOUBLE.code);
  assert.equal(upd.body.data.description, 'twice n');
  const lower = await api.call('PATCH', `/api/v1/tasks/${t.id}`, {
    body: { version: '1.0.1', code: '(i) => i' },
  });
  assert.equal(lower.status, 409);
  assert.match(lower.body.error.message, /not higher than 1\.0\.1/);
  const major = await api.call('PATCH', `/api/v1/tasks/${t.uuid}`, {
    body: { version: '2.0.0', code: '(i) => ({ d: i.n * 2 })' },
  });
  assert.equal(major.status, 200);
  // null removes a schema (never `false`, a schema that rejects everything).
  const unschemed = await api.call('PUT', '/api/v1/tasks/double', {
    body: { version: '2.0.1', outputSchema: null },
  });
  assert.equal(unschemed.status, 200, JSON.stringify(unschemed.body));
  assert.equal(unschemed.body.data.version.outputSchema, null);
  const rename = await api.call('PUT', '/api/v1/tasks/double', { body: { name: 'other' } });
  assert.equal(rename.status, 422);
  assert.equal(rename.body.error.details.fields[0].path, '$.name');

  const versions = await api.call('GET', '/api/v1/tasks/double/versions');
  assert.deepEqual(
    versions.body.data.map((v: { version: string }) => v.version),
    ['2.0.1', '2.0.0', '1.0.1', '1.0.0'],
  );
  const old = await api.call('GET', '/api/v1/tasks/double?version=1.0.0');
  assert.equal(old.body.data.version.description, 'doubles n');
  assert.equal((await api.call('GET', '/api/v1/tasks/double?version=9.9.9')).status, 404);

  const del = await api.call('DELETE', '/api/v1/tasks/double');
  assert.equal(del.status, 200);
  assert.ok(del.body.data.deletedAt);
  assert.equal((await api.call('GET', '/api/v1/tasks/double')).status, 404);
  const list = await api.call('GET', '/api/v1/tasks');
  assert.deepEqual(
    list.body.data.map((x: { name: string }) => x.name),
    ['addition'],
  );
  // History stays: the versions are still in the store.
  const left = await api.app.store.db
    .selectFrom('task_versions')
    .select('id')
    .where('task_id', '=', t.id)
    .execute();
  assert.equal(left.length, 4);
});

forEachApi('tasks: bad code and schemas are 422s naming the field and line:column', async (api) => {
  const syntax = await api.call('POST', '/api/v1/tasks', {
    body: { name: 'broken', code: '(input) => {\n  return input +;\n}' },
  });
  assert.equal(syntax.status, 422);
  assert.equal(syntax.body.error.code, 'VALIDATION_ERROR');
  const field = syntax.body.error.details.fields[0];
  assert.equal(field.path, '$.code');
  assert.match(field.message, /main\.js:2:\d+/);

  const schema = await api.call('POST', '/api/v1/tasks', {
    body: { name: 'bad-schema', code: '(i) => i', inputSchema: { type: 'nonsense' } },
  });
  assert.equal(schema.status, 422);
  assert.ok(schema.body.error.details.fields.some((f: { path: string }) => f.path === '$.inputSchema'));

  const missing = await api.call('POST', '/api/v1/tasks', { body: { description: 'x' } });
  assert.equal(missing.status, 400);
  const paths = missing.body.error.details.fields.map((f: { path: string }) => f.path).sort();
  assert.deepEqual(paths, ['body.code', 'body.name']);

  const badTest = await api.call('POST', '/api/v1/tasks', {
    body: { name: 'bad-test', code: '(i) => i', tests: [{ name: '../evil', content: {} }] },
  });
  assert.equal(badTest.status, 422);
  assert.equal(badTest.body.error.details.fields[0].path, '$.tests[0].name');
});

forEachApi('tasks: enable/disable, validate, test cases, stats', async (api) => {
  assert.equal((await api.call('POST', '/api/v1/tasks', { body: DOUBLE })).status, 201);
  const off = await api.call('POST', '/api/v1/tasks/double/disable');
  assert.equal(off.body.data.enabled, false);
  const refused = await api.call('POST', '/api/v1/tasks/double/execute', { body: { input: { n: 1 } } });
  assert.equal(refused.status, 409);
  assert.match(refused.body.error.message, /disabled/);
  const queued = await api.call('POST', '/api/v1/jobs', { body: { taskId: 'double', input: { n: 1 } } });
  assert.equal(queued.status, 409);
  const on = await api.call('POST', '/api/v1/tasks/double/enable');
  assert.equal(on.body.data.enabled, true);
  const filtered = await api.call('GET', '/api/v1/tasks?enabled=true&_sort=name');
  assert.equal(filtered.headers.get('x-total-count'), '2');

  const report = await api.call('POST', '/api/v1/tasks/double/validate');
  assert.equal(report.status, 200);
  assert.equal(report.body.data.ok, true);
  assert.ok(report.body.data.checks.some((c: { name: string; ok: boolean }) => c.name === 'main.js' && c.ok));

  const tested = await api.call('POST', '/api/v1/tasks/double/test');
  assert.equal(tested.status, 200, JSON.stringify(tested.body));
  assert.equal(tested.body.data.passed, 1);
  assert.equal(tested.body.data.failed, 1);
  assert.equal(tested.body.data.ok, false);
  const only = await api.call('POST', '/api/v1/tasks/double/test', { body: { filter: 'two' } });
  assert.equal(only.body.data.ok, true);
  assert.equal(only.body.data.filteredOut, 1);

  await api.call('POST', '/api/v1/tasks/double/execute', { body: { input: { n: 4 } } });
  await api.call('POST', '/api/v1/tasks/double/execute', { body: { input: { n: 'x' } } });
  const stats = await api.call('GET', '/api/v1/tasks/double/stats');
  assert.equal(stats.body.data.executions.total, 1);
  assert.equal(stats.body.data.executions.byStatus.COMPLETED, 1);
  assert.equal(stats.body.data.versions, 1);
  const all = await api.call('GET', '/api/v1/tasks/stats');
  assert.equal(all.body.data.total, 2);
  assert.equal(all.body.data.executions.total, 1);
});

forEachApi(
  'tasks: synchronous execute answers output, error, logs and records the execution',
  async (api) => {
    const ok = await api.call('POST', '/api/v1/tasks/addition/execute', {
      body: { input: { num1: 2, num2: 5 } },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.data.status, 'COMPLETED');
    assert.deepEqual(ok.body.data.output, { sum: 7, product: 10 });
    assert.equal(typeof ok.body.data.durationMs, 'number');
    const stored = await api.call('GET', `/api/v1/executions/${ok.body.data.executionId}`);
    assert.equal(stored.body.data.status, 'COMPLETED');
    assert.equal(stored.body.data.jobId, null);
    assert.deepEqual(stored.body.data.input, { num1: 2, num2: 5 });

    await api.call('POST', '/api/v1/tasks', {
      body: {
        name: 'thrower',
        code: '(i) => { console.warn("about to fail"); throw new DataError("no " + i.what); }',
      },
    });
    const failed = await api.call('POST', '/api/v1/tasks/thrower/execute', {
      body: { input: { what: 'luck' } },
    });
    assert.equal(failed.status, 200);
    assert.equal(failed.body.data.status, 'FAILED');
    assert.equal(failed.body.data.error.type, 'DataError');
    assert.equal(failed.body.data.error.message, 'no luck');
    assert.equal(failed.body.data.logs[0].message, 'about to fail');
    assert.equal(failed.body.data.output, undefined);

    const schema = await api.call('POST', '/api/v1/tasks/addition/execute', {
      body: { input: { num1: 'a' } },
    });
    assert.equal(schema.status, 422);
    const fields = schema.body.error.details.fields.map((f: { path: string }) => f.path).sort();
    assert.deepEqual(fields, ['$.input.num1', '$.input.num2']);

    await api.call('POST', '/api/v1/tasks', { body: { name: 'spin', code: '() => { for (;;) {} }' } });
    const timedOut = await api.call('POST', '/api/v1/tasks/spin/execute', { body: { timeoutMs: 100 } });
    assert.equal(timedOut.body.data.status, 'FAILED');
    assert.equal(timedOut.body.data.error.type, 'TimeoutError');
    const tooLong = await api.call('POST', '/api/v1/tasks/spin/execute', { body: { timeoutMs: 10_000_000 } });
    assert.equal(tooLong.status, 422);
    assert.match(tooLong.body.error.details.fields[0].message, /max_execution_duration/);
    assert.equal((await api.call('POST', '/api/v1/tasks/nope/execute', { body: {} })).status, 404);
  },
);
