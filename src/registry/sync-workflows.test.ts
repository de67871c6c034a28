// Workflow folders in a source are synced like tasks: stored after the tasks they name, unchanged
// on a re-sync, refused when changed without a version bump (the stored version stays), reported
// with their path when broken, and picked up by the folder watcher.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigSchema } from '../config/schema.ts';
import { forEachBackend } from '../store/test-helpers/backends.ts';
import { getWorkflowVersion } from '../store/repos/workflows.ts';
import { getSource } from '../store/repos/sources.ts';
import { syncResolvedSource } from './sync-source.ts';
import { SourceLocks } from './lock.ts';
import { startWatching, type WatchEvent } from './watch.ts';
import { folderSource, tempDir, writeTask } from './test-helpers/tasks.ts';

async function writeWorkflow(dir: string, version: string, task = 'alpha'): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'workflow.yaml'),
    `name: flow\nversion: ${version}\nsteps:\n  - name: one\n    task: ${task}\n`,
  );
}

forEachBackend(
  'sync: workflow folders are stored, unchanged, refused without a bump, updated',
  async (store) => {
    const { dir, cleanup } = await tempDir();
    try {
      const src = folderSource('local', dir);
      await writeTask(join(dir, 'tasks', 'alpha'), { name: 'alpha' });
      await writeWorkflow(join(dir, 'workflows', 'flow'), '1.0.0');

      let r = await syncResolvedSource(store.db, '/nonexistent-cache', src);
      assert.deepEqual(r.added, ['alpha@1.0.0', 'workflow flow@1.0.0']);
      assert.deepEqual(r.workflows, [{ path: 'workflows/flow', name: 'flow', version: '1.0.0' }]);
      assert.equal((await getWorkflowVersion(store.db, 'flow'))?.version, '1.0.0');

      r = await syncResolvedSource(store.db, '/nonexistent-cache', src);
      assert.deepEqual([r.added, r.updated, r.unchanged, r.failed], [[], [], 2, []]);

      // Same version, other content: refused, the stored definition stays.
      await writeWorkflow(join(dir, 'workflows', 'flow'), '1.0.0', 'alpha@1.0.0');
      r = await syncResolvedSource(store.db, '/nonexistent-cache', src);
      assert.equal(r.failed[0]?.path, 'workflows/flow');
      assert.match(
        r.failed[0].problems[0]!,
        /workflow flow version 1\.0\.0 already exists: bump its version/,
      );
      assert.match((await getSource(store.db, 'local'))!.lastError!, /1 folder failed: workflows\/flow/);

      await writeWorkflow(join(dir, 'workflows', 'flow'), '1.1.0', 'alpha@1.0.0');
      r = await syncResolvedSource(store.db, '/nonexistent-cache', src);
      assert.deepEqual(r.updated, ['workflow flow@1.1.0']);
      assert.equal((await getWorkflowVersion(store.db, 'flow'))?.version, '1.1.0');
      assert.equal((await getSource(store.db, 'local'))!.lastError, null);

      // A step naming a task nobody has: the problem names the file, line and step.
      await writeWorkflow(join(dir, 'workflows', 'other'), '1.0.0', 'missing');
      await writeFile(
        join(dir, 'workflows', 'other', 'workflow.yaml'),
        'name: other\nversion: 1.0.0\nsteps:\n  - name: one\n    task: missing\n',
      );
      r = await syncResolvedSource(store.db, '/nonexistent-cache', src);
      assert.equal(r.failed[0]?.path, 'workflows/other');
      assert.match(r.failed[0].problems.join('\n'), /workflows\/other\/workflow\.yaml:5.*missing/);
    } finally {
      await cleanup();
    }
  },
);

forEachBackend('watch: a workflow edited with a bumped version is stored', async (store) => {
  const { dir, cleanup } = await tempDir();
  await writeTask(join(dir, 'alpha'), { name: 'alpha' });
  await writeWorkflow(join(dir, 'flow'), '1.0.0');
  const config = ConfigSchema.parse({
    registry: {
      sources: [{ name: 'dev', uri: `file://${dir}`, config: { watch: true } }],
      cache_dir: join(dir, '.cache'),
    },
  });
  const events: WatchEvent[] = [];
  const stop = await startWatching({ config, store, sourceLocks: new SourceLocks() }, (e) => events.push(e), {
    log: () => {},
  });
  try {
    assert.equal((await getWorkflowVersion(store.db, 'flow'))?.version, '1.0.0');
    await writeWorkflow(join(dir, 'flow'), '2.0.0');
    // The watcher reports after it has stored the version and recorded the outcome.
    const updated = () =>
      events.some((e) => e.type === 'synced' && e.report.updated.includes('workflow flow@2.0.0'));
    for (let i = 0; i < 500 && !updated(); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(updated(), JSON.stringify(events));
    assert.equal((await getWorkflowVersion(store.db, 'flow'))?.version, '2.0.0');
  } finally {
    await stop();
    await cleanup();
  }
});
