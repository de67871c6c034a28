import { SourceLocks } from './lock.ts';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigSchema } from '../config/schema.ts';
import { forEachBackend } from '../store/test-helpers/backends.ts';
import type { Store } from '../store/database.ts';
import { getSource } from '../store/repos/sources.ts';
import { getTask } from '../store/repos/tasks.ts';
import { resolveTaskPackage } from '../tasks/stored-versions.ts';
import { startWatching } from './watch.ts';
import type { WatchEvent } from './watch.ts';
import { tempDir, writeTask } from './test-helpers/tasks.ts';

/** Resolves with the next event matching pred; fails the test after limitMs. */
function nextEvent(
  events: WatchEvent[],
  waiters: (() => void)[],
  pred: (e: WatchEvent) => boolean,
  limitMs = 5000,
) {
  return new Promise<WatchEvent>((resolve, reject) => {
    const start = events.length;
    const timer = setTimeout(
      () =>
        reject(
          new Error(`no matching watch event within ${limitMs} ms: ${JSON.stringify(events.slice(start))}`),
        ),
      limitMs,
    );
    const check = () => {
      const hit = events.slice(start).find(pred);
      if (!hit) return;
      clearTimeout(timer);
      resolve(hit);
    };
    waiters.push(check);
  });
}

async function watchFolder(store: Store, dir: string) {
  const config = ConfigSchema.parse({
    registry: {
      sources: [{ name: 'dev', uri: `file://${dir}`, config: { watch: true } }],
      cache_dir: join(dir, '.cache'),
    },
  });
  const events: WatchEvent[] = [];
  const waiters: (() => void)[] = [];
  const logged: string[] = [];
  const stop = await startWatching(
    { config, store, sourceLocks: new SourceLocks() },
    (e) => {
      events.push(e);
      for (const w of waiters) w();
    },
    { log: (m) => logged.push(m) },
  );
  const synced = () => nextEvent(events, waiters, (e) => e.type === 'synced');
  return { stop, events, synced, logged };
}

forEachBackend(
  'watch: an edit with a bumped version becomes a new version; a broken edit keeps the last good one',
  async (store) => {
    const { dir, cleanup } = await tempDir();
    await writeTask(join(dir, 'hello'), { name: 'hello', code: 'function main() { return 1; }' });
    const w = await watchFolder(store, dir);
    try {
      assert.equal(
        (await getTask(store.db, 'hello'))?.latestVersion,
        '1.0.0',
        'watching starts with a full sync',
      );

      let wait = w.synced();
      await writeTask(join(dir, 'hello'), {
        name: 'hello',
        version: '1.0.1',
        code: 'function main() { return 2; }',
      });
      let e = await wait;
      assert.equal(e.type === 'synced' && e.report.updated[0], 'hello@1.0.1');
      assert.equal((await resolveTaskPackage(store.db, 'hello')).pkg.code, 'function main() { return 2; }');

      wait = w.synced();
      await writeFile(join(dir, 'hello', 'main.js'), 'function main( { broken');
      e = await wait;
      assert.equal(e.type === 'synced' && e.report.failed[0]?.path, 'hello');
      assert.equal((await resolveTaskPackage(store.db, 'hello')).version.version, '1.0.1');
      assert.match((await getSource(store.db, 'dev'))!.lastError!, /hello: main\.js/);
      assert.match(w.logged.join('\n'), /source "dev": hello: main\.js.*last good version stays active/);

      wait = w.synced();
      await writeTask(join(dir, 'hello'), {
        name: 'hello',
        version: '1.0.2',
        code: 'function main() { return 3; }',
      });
      e = await wait;
      assert.equal(e.type === 'synced' && e.report.updated[0], 'hello@1.0.2');
      assert.equal((await getSource(store.db, 'dev'))!.lastError, null, 'a good edit clears the error');

      wait = w.synced();
      await writeTask(join(dir, 'nested', 'second'), { name: 'second' });
      e = await wait;
      assert.deepEqual(e.type === 'synced' && e.report.added, ['second@1.0.0']);

      wait = w.synced();
      await rm(join(dir, 'nested'), { recursive: true });
      e = await wait;
      assert.deepEqual(e.type === 'synced' && e.report.removed, ['second']);
      assert.equal((await getTask(store.db, 'second'))?.available, false);
    } finally {
      await w.stop();
      await cleanup();
    }
  },
);
