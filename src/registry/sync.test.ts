import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachBackend } from '../store/test-helpers/backends.ts';
import { getSource } from '../store/repos/sources.ts';
import { createTask, getTask, listTaskVersions } from '../store/repos/tasks.ts';
import { resolveTaskPackage } from '../tasks/stored-versions.ts';
import { SourceSyncError, syncResolvedSource } from './sync-source.ts';
import { folderSource, tempDir, writeTask } from './test-helpers/tasks.ts';

forEachBackend('sync: add, unchanged, update, remove and reappear', async (store) => {
  const { dir, cleanup } = await tempDir();
  try {
    const src = folderSource('local', dir);
    await writeTask(join(dir, 'alpha'), { name: 'alpha' });
    await writeTask(join(dir, 'group', 'beta'), { name: 'beta', version: '0.1.0' });

    let r = await syncResolvedSource(store.db, '/nonexistent-cache', src);
    assert.deepEqual(r.added.sort(), ['alpha@1.0.0', 'beta@0.1.0']);
    assert.deepEqual([r.updated, r.removed, r.failed, r.unchanged], [[], [], [], 0]);
    assert.deepEqual(r.tasks.map((t) => t.path).sort(), ['alpha', 'group/beta']);
    const row = await getSource(store.db, 'local');
    assert.equal(row?.kind, 'file');
    assert.equal((await getTask(store.db, 'alpha'))?.sourceId, row?.id);

    r = await syncResolvedSource(store.db, '/nonexistent-cache', src);
    assert.deepEqual([r.added, r.updated, r.unchanged], [[], [], 2]);

    await writeTask(join(dir, 'alpha'), {
      name: 'alpha',
      version: '1.1.0',
      code: 'function main() { return 11; }',
    });
    r = await syncResolvedSource(store.db, '/nonexistent-cache', src);
    assert.deepEqual([r.added, r.updated, r.unchanged], [[], ['alpha@1.1.0'], 1]);
    const alpha = await getTask(store.db, 'alpha');
    assert.equal(alpha?.latestVersion, '1.1.0');
    assert.equal((await listTaskVersions(store.db, alpha.id)).length, 2);
    const { pkg, version } = await resolveTaskPackage(store.db, 'alpha');
    assert.equal(pkg.code, 'function main() { return 11; }');
    assert.equal(version.changeSource, 'file');

    await rm(join(dir, 'group'), { recursive: true });
    r = await syncResolvedSource(store.db, '/nonexistent-cache', src);
    assert.deepEqual(r.removed, ['beta']);
    const beta = await getTask(store.db, 'beta');
    assert.equal(beta?.available, false);
    assert.equal(beta?.latestVersion, '0.1.0', 'history stays');

    r = await syncResolvedSource(store.db, '/nonexistent-cache', src);
    assert.deepEqual(r.removed, [], 'an unavailable task is not removed twice');

    await writeTask(join(dir, 'beta-again'), { name: 'beta', version: '0.1.0' });
    r = await syncResolvedSource(store.db, '/nonexistent-cache', src);
    assert.deepEqual(r.restored, ['beta']);
    assert.equal(r.unchanged, 2);
    assert.equal((await getTask(store.db, 'beta'))?.available, true);
  } finally {
    await cleanup();
  }
});

forEachBackend(
  'sync: changed content under the same version is refused and the last good version stays',
  async (store) => {
    const { dir, cleanup } = await tempDir();
    try {
      const src = folderSource('local', dir);
      await writeTask(join(dir, 'alpha'), { name: 'alpha', code: 'function main() { return 1; }' });
      await syncResolvedSource(store.db, '', src);
      await writeTask(join(dir, 'alpha'), { name: 'alpha', code: 'function main() { return 2; }' });
      const r = await syncResolvedSource(store.db, '', src);
      assert.equal(r.failed.length, 1);
      assert.equal(r.failed[0]!.path, 'alpha');
      assert.match(
        r.failed[0]!.problems[0]!,
        /content changed but version 1\.0\.0 already exists: bump metadata\.json version/,
      );
      assert.deepEqual(r.removed, [], 'a refused task is not removed');
      assert.equal((await resolveTaskPackage(store.db, 'alpha')).pkg.code, 'function main() { return 1; }');
      const row = await getSource(store.db, 'local');
      assert.match(row!.lastError!, /alpha: content changed/);
      assert.notEqual(row!.lastSyncedAt, null);
    } finally {
      await cleanup();
    }
  },
);

forEachBackend('sync: a broken task is reported while the others sync', async (store) => {
  const { dir, cleanup } = await tempDir();
  try {
    const src = folderSource('local', dir);
    await writeTask(join(dir, 'good'), { name: 'good' });
    await writeTask(join(dir, 'bad'), { name: 'bad' });
    await syncResolvedSource(store.db, '', src);
    await writeFile(join(dir, 'bad', 'main.js'), 'function main( {');
    await writeTask(join(dir, 'good'), { name: 'good', version: '1.0.1' });
    await writeTask(join(dir, 'fresh'), { name: 'fresh' });
    const r = await syncResolvedSource(store.db, '', src);
    assert.deepEqual(r.added, ['fresh@1.0.0']);
    assert.deepEqual(r.updated, ['good@1.0.1']);
    assert.equal(r.failed.length, 1);
    assert.equal(r.failed[0]!.path, 'bad');
    assert.match(r.failed[0]!.problems.join('\n'), /main\.js/);
    assert.deepEqual(r.removed, []);
    const bad = await getTask(store.db, 'bad');
    assert.equal(bad?.available, true, 'the broken task keeps its last good version');

    // Unreadable metadata: we cannot tell which task it is, so nothing is marked removed.
    await writeFile(join(dir, 'bad', 'metadata.json'), '{ not json');
    await rm(join(dir, 'fresh'), { recursive: true });
    const r2 = await syncResolvedSource(store.db, '', src);
    assert.deepEqual(r2.removed, []);
    assert.match(r2.failed[0]!.problems.join('\n'), /not marked unavailable until this folder loads/);
    assert.equal((await getTask(store.db, 'fresh'))?.available, true);
  } finally {
    await cleanup();
  }
});

forEachBackend('sync: duplicates, tasks owned elsewhere and a missing folder', async (store) => {
  const { dir, cleanup } = await tempDir();
  try {
    await createTask(store.db, { name: 'api-made' });
    await writeTask(join(dir, 'a'), { name: 'twin' });
    await writeTask(join(dir, 'b'), { name: 'twin', version: '2.0.0' });
    await writeTask(join(dir, 'c'), { name: 'api-made' });
    const r = await syncResolvedSource(store.db, '', folderSource('local', dir));
    assert.deepEqual(r.added, ['twin@1.0.0']);
    const byPath = Object.fromEntries(r.failed.map((f) => [f.path, f.problems.join(' ')]));
    assert.match(byPath.b!, /also in a; each task must live in one folder/);
    assert.match(byPath.c!, /already exists in the store created outside any source/);
    assert.equal((await listTaskVersions(store.db, (await getTask(store.db, 'twin'))!.id)).length, 1);

    const other = await syncResolvedSource(store.db, '', folderSource('other', join(dir, 'a')));
    assert.match(other.failed[0]!.problems[0]!, /from source "local"/);

    const missing = folderSource('gone', join(dir, 'nope'));
    await assert.rejects(syncResolvedSource(store.db, '', missing), (err: unknown) => {
      assert.ok(err instanceof SourceSyncError);
      assert.match(err.message, /folder source "gone": folder .*nope does not exist/);
      return true;
    });
    assert.match((await getSource(store.db, 'gone'))!.lastError!, /does not exist/);
    // Still all there: an unreadable source never marks its tasks removed.
    assert.equal((await getTask(store.db, 'twin'))?.available, true);
  } finally {
    await cleanup();
  }
});
