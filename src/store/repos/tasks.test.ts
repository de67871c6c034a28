import assert from 'node:assert/strict';
import semver from 'semver';
import { forEachBackend } from '../test-helpers/backends.ts';
import type { Db } from '../codec.ts';
import { ConflictError } from '../codec.ts';
import {
  createTask,
  findTask,
  getTask,
  getLatestTaskVersion,
  insertTaskVersions,
  listTaskVersions,
  listTasks,
  markUnavailable,
  restoreTask,
  saveTaskVersion,
  setTaskEnabled,
  setTaskVersionEnabled,
  softDeleteTask,
} from './tasks.ts';

function save(db: Db, taskId: number, version: string, checksum = `sum-${version}`, enabled = true) {
  return saveTaskVersion(db, {
    taskId,
    version,
    code: `(input) => "${version}"`,
    checksum,
    enabled,
    changeSource: 'api',
    changedBy: 'tester',
    metadata: { label: 'L' },
    tests: [{ name: 't1.json', text: '{}' }],
    inputSchema: { type: 'object' },
    description: `v${version}`,
  });
}

forEachBackend('versions order by semver, not by text or insertion order', async ({ db }) => {
  const task = await createTask(db, { name: 'adder' });
  const versions = [
    '1.9.0',
    '1.10.0',
    '1.10.0-rc.1',
    '1.10.0-alpha',
    '1.10.0-alpha.10',
    '1.10.0-alpha.9',
    '0.99.1',
    '1.10.0-alpha.beta',
    '1.10.0-beta',
    '1.10.0-alpha-x',
    '1.10.0-alpha.1',
    '2.0.0-0',
    '10.0.0-1',
    '10.0.0-a',
  ];
  for (const v of versions) await save(db, task.id, v);
  const listed = (await listTaskVersions(db, task.id)).map((v) => v.version);
  assert.deepEqual(listed, [...versions].sort(semver.rcompare));
  assert.equal(listed[0], '10.0.0-a');
  assert.equal((await getTask(db, task.id))?.latestVersion, '10.0.0-a');
});

forEachBackend(
  'latest is the highest enabled version; a lower save does not become latest',
  async ({ db }) => {
    const task = await createTask(db, { name: 'greeter' });
    await save(db, task.id, '1.0.0');
    const v2 = (await save(db, task.id, '2.0.0')).version;
    assert.equal((await findTask(db, 'greeter'))?.version.version, '2.0.0');
    await save(db, task.id, '1.5.0');
    assert.equal((await findTask(db, 'greeter', 'latest'))?.version.version, '2.0.0');
    await setTaskVersionEnabled(db, v2.id, false);
    assert.equal((await getLatestTaskVersion(db, task.id))?.version, '1.5.0');
    assert.equal((await getTask(db, task.id))?.latestVersion, '1.5.0');
    // An explicit version is found even when disabled, flagged as such.
    const pinned = await findTask(db, 'greeter', '2.0.0');
    assert.equal(pinned?.version.enabled, false);
    await save(db, task.id, '3.0.0-beta', 'b', false);
    assert.equal((await findTask(db, task.id))?.version.version, '1.5.0');
    await save(db, task.id, '1.5.1');
    assert.equal((await findTask(db, task.id))?.version.version, '1.5.1');
    await setTaskVersionEnabled(db, v2.id, true);
    assert.equal((await findTask(db, task.id))?.version.version, '2.0.0');
  },
);

forEachBackend('same version: identical checksum is a no-op, other content is a conflict', async ({ db }) => {
  const task = await createTask(db, { name: 'same' });
  const first = await save(db, task.id, '1.2.0', 'abc');
  assert.equal(first.created, true);
  const again = await save(db, task.id, '1.2.0', 'abc');
  assert.equal(again.created, false);
  assert.equal(again.version.id, first.version.id);
  await assert.rejects(save(db, task.id, '1.2.0', 'other'), (err: Error) => {
    assert.ok(err instanceof ConflictError);
    assert.match(err.message, /version 1\.2\.0 already exists/);
    return true;
  });
  await assert.rejects(save(db, task.id, 'one.two'), /not a semantic version/);
  assert.equal((await listTaskVersions(db, task.id)).length, 1);
});

forEachBackend('a version round-trips code, schemas, metadata, tests and provenance', async ({ db }) => {
  const task = await createTask(db, { name: 'round' });
  const { version } = await save(db, task.id, '1.0.0');
  assert.deepEqual(version, {
    id: version.id,
    taskId: task.id,
    version: '1.0.0',
    description: 'v1.0.0',
    code: '(input) => "1.0.0"',
    inputSchema: { type: 'object' },
    outputSchema: null,
    metadata: { label: 'L' },
    tests: [{ name: 't1.json', text: '{}' }],
    checksum: 'sum-1.0.0',
    enabled: true,
    changeSource: 'api',
    changedBy: 'tester',
    createdAt: version.createdAt,
  });
  assert.ok(Date.parse(version.createdAt) > Date.now() - 60_000);
});

forEachBackend('tasks are found by numeric id, digit string, UUID (any case) and name', async ({ db }) => {
  const task = await createTask(db, { name: 'finder', uuid: 'A1B2C3D4-0000-4000-8000-000000000001' });
  await save(db, task.id, '1.0.0');
  assert.equal(task.uuid, 'a1b2c3d4-0000-4000-8000-000000000001');
  for (const ref of [task.id, String(task.id), task.uuid, task.uuid.toUpperCase(), 'finder']) {
    assert.equal((await getTask(db, ref))?.id, task.id, `lookup by ${ref}`);
    assert.equal((await findTask(db, ref))?.version.version, '1.0.0');
  }
  assert.equal(await getTask(db, 'missing'), undefined);
  assert.equal(await getTask(db, 99999), undefined);
  assert.equal(await findTask(db, 'finder', '9.9.9'), undefined);
  // A task named with digits is still reachable by name.
  const digits = await createTask(db, { name: '424242' });
  assert.equal((await getTask(db, '424242'))?.id, digits.id);
  await assert.rejects(createTask(db, { name: 'finder' }), /name "finder" already exists/);
});

forEachBackend(
  'soft delete hides the task but keeps its versions; restore brings it back',
  async ({ db }) => {
    const task = await createTask(db, { name: 'doomed' });
    await save(db, task.id, '1.0.0');
    await save(db, task.id, '1.1.0');
    const deleted = await softDeleteTask(db, task.id);
    assert.ok(deleted.deletedAt);
    assert.equal(await getTask(db, 'doomed'), undefined);
    assert.equal((await listTasks(db)).total, 0);
    assert.equal((await getTask(db, 'doomed', { includeDeleted: true }))?.id, task.id);
    assert.equal((await listTaskVersions(db, task.id)).length, 2);
    await assert.rejects(createTask(db, { name: 'doomed' }), /deleted task; restore it/);
    await restoreTask(db, task.id);
    assert.equal((await findTask(db, 'doomed'))?.version.version, '1.1.0');
    await assert.rejects(softDeleteTask(db, 12345), /task 12345 does not exist/);
  },
);

forEachBackend('enabled and available flags', async ({ db }) => {
  const task = await createTask(db, { name: 'flags' });
  assert.equal((await setTaskEnabled(db, task.id, false)).enabled, false);
  const gone = await markUnavailable(db, task.id);
  assert.equal(gone.available, false);
  assert.equal(gone.enabled, false);
  const listed = await listTasks(db, { filters: [{ field: 'available', op: 'eq', value: 'false' }] });
  assert.deepEqual(
    listed.rows.map((t) => t.name),
    ['flags'],
  );
});

forEachBackend('listTasks filters, sorts and pages with a total', async ({ db }) => {
  for (const [i, name] of ['delta', 'alpha', 'charlie', 'bravo', 'echo'].entries()) {
    const t = await createTask(db, { name });
    await save(db, t.id, `1.${i}.0`);
  }
  const page = await listTasks(db, { sort: { field: 'name', order: 'asc' }, offset: 1, limit: 2 });
  assert.deepEqual(
    page.rows.map((t) => t.name),
    ['bravo', 'charlie'],
  );
  assert.equal(page.total, 5);
  const desc = await listTasks(db, { sort: { field: 'name', order: 'desc' }, limit: 1 });
  assert.deepEqual(
    desc.rows.map((t) => t.name),
    ['echo'],
  );
  const like = await listTasks(db, { filters: [{ field: 'name', op: 'like', value: 'HA' }] });
  assert.deepEqual(
    like.rows.map((t) => t.name),
    ['alpha', 'charlie'],
  );
  const inList = await listTasks(db, { filters: [{ field: 'name', op: 'in', value: 'echo,alpha' }] });
  assert.deepEqual(
    inList.rows.map((t) => [t.name, t.latestVersion]),
    [
      ['alpha', '1.1.0'],
      ['echo', '1.4.0'],
    ],
  );
  const byVersion = await listTasks(db, { filters: [{ field: 'latestVersion', op: 'eq', value: '1.3.0' }] });
  assert.deepEqual(
    byVersion.rows.map((t) => t.name),
    ['bravo'],
  );
  await assert.rejects(listTasks(db, { sort: { field: 'code', order: 'asc' } }), /cannot sort by "code"/);
});

forEachBackend('insertTaskVersions bulk-inserts and refreshes latest per task', async ({ db }) => {
  const a = await createTask(db, { name: 'bulk-a' });
  const b = await createTask(db, { name: 'bulk-b' });
  const inputs = [];
  for (let i = 0; i < 25; i++) {
    for (const t of [a, b]) {
      inputs.push({
        taskId: t.id,
        version: `1.${i}.0`,
        code: 'x',
        checksum: `c${i}`,
        changeSource: 'git' as const,
      });
    }
  }
  assert.equal(await insertTaskVersions(db, inputs, 7), 50);
  assert.equal((await getTask(db, 'bulk-a'))?.latestVersion, '1.24.0');
  assert.equal((await listTaskVersions(db, b.id)).length, 25);
});

forEachBackend('like takes % and _ literally', async ({ db }) => {
  for (const name of ['100%_done', '100 done', '1000_done']) await createTask(db, { name });
  const pct = await listTasks(db, { filters: [{ field: 'name', op: 'like', value: '%_' }] });
  assert.deepEqual(
    pct.rows.map((t) => t.name),
    ['100%_done'],
  );
  const under = await listTasks(db, { filters: [{ field: 'name', op: 'like', value: '0_d' }] });
  assert.deepEqual(
    under.rows.map((t) => t.name),
    ['1000_done'],
  );
});
