import { SourceLocks } from '../registry/lock.ts';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigSchema } from '../config/schema.ts';
import { forEachBackend } from '../store/test-helpers/backends.ts';
import { getTask } from '../store/repos/tasks.ts';
import { resolveSources } from '../registry/sources.ts';
import { commitAll, initRepo, tempDir, writeTask } from '../registry/test-helpers/tasks.ts';
import {
  hasFailures,
  sourceStatuses,
  startRefreshTimers,
  syncAllSources,
  syncSourceByName,
} from './registry-service.ts';
import type { SourceSyncResult } from './registry-service.ts';

test('resolveSources: ./tasks only when nothing is configured and it exists', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    assert.deepEqual(resolveSources(ConfigSchema.parse({}), dir), []);
    await writeTask(join(dir, 'tasks', 'a'), { name: 'a' });
    const [implicit] = resolveSources(ConfigSchema.parse({}), dir);
    assert.deepEqual(
      [implicit?.name, implicit?.kind, implicit?.path, implicit?.implicit],
      ['tasks', 'file', join(dir, 'tasks'), true],
    );
    const configured = ConfigSchema.parse({
      registry: { sources: [{ name: 'x', uri: `file://${dir}/other`, config: { watch: true } }] },
    });
    const [x] = resolveSources(configured, dir);
    assert.deepEqual([x?.name, x?.path, x?.watch, x?.implicit], ['x', `${dir}/other`, true, false]);
  } finally {
    await cleanup();
  }
});

forEachBackend('registry service: sync all, by name, status, and refresh timers', async (store) => {
  const { dir, cleanup } = await tempDir();
  try {
    await writeTask(join(dir, 'folder', 't1'), { name: 't1' });
    const repo = await initRepo(join(dir, 'repo'));
    await writeTask(join(repo, 't2'), { name: 't2' });
    await commitAll(repo, 'one');
    const config = ConfigSchema.parse({
      registry: {
        cache_dir: join(dir, 'cache'),
        sources: [
          { name: 'folder', uri: `file://${dir}/folder` },
          { name: 'git', uri: `${repo}/.git`, config: { refresh_interval_seconds: 1 } },
          { name: 'missing', uri: `file://${dir}/missing` },
        ],
      },
    });
    const app = { config, store, sourceLocks: new SourceLocks() };
    const results = await syncAllSources(app, { cwd: dir });
    assert.deepEqual(
      results.map((r) => [r.source, r.kind, r.report?.added, r.error === undefined]),
      [
        ['folder', 'file', ['t1@1.0.0'], true],
        ['git', 'git', ['t2@1.0.0'], true],
        ['missing', 'file', undefined, false],
      ],
    );
    assert.ok(hasFailures(results));
    assert.ok(!hasFailures([await syncSourceByName(app, 'folder', { cwd: dir })]));
    await assert.rejects(
      syncSourceByName(app, 'nope'),
      /no task source named "nope"; the sources are: folder, git, missing/,
    );

    const status = await sourceStatuses(app, { cwd: dir });
    assert.deepEqual(
      status.map((s) => [s.name, s.tasks, s.available, s.lastSyncedAt !== null, s.lastError !== null]),
      [
        ['folder', 1, 1, true, false],
        ['git', 1, 1, true, false],
        ['missing', 0, 0, false, true],
      ],
    );

    // The timer refreshes the git source on its own: a new commit shows up without a manual sync.
    await writeTask(join(repo, 't2'), { name: 't2', version: '1.0.1' });
    await commitAll(repo, 'two');
    const seen: SourceSyncResult[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const limit = setTimeout(() => {
        stop();
        reject(new Error(`no refresh picked up the new commit: ${JSON.stringify(seen)}`));
      }, 15_000);
      const stop = startRefreshTimers(
        app,
        (r) => {
          seen.push(r);
          if (r.report?.updated.length) {
            stop();
            clearTimeout(limit);
            resolve();
          }
        },
        { cwd: dir },
      );
    });
    await done;
    assert.deepEqual(seen.at(-1)?.report?.updated, ['t2@1.0.1']);
    assert.ok(
      seen.every((r) => r.source === 'git'),
      'only git sources with an interval are refreshed',
    );
    assert.equal((await getTask(store.db, 't2'))?.latestVersion, '1.0.1');
  } finally {
    await cleanup();
  }
});
