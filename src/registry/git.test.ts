import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { forEachBackend } from '../store/test-helpers/backends.ts';
import { getSource } from '../store/repos/sources.ts';
import { getTask, listTaskVersions } from '../store/repos/tasks.ts';
import { checkGitReachable, checkoutDir } from './git.ts';
import { classifySource } from './sources.ts';
import type { ResolvedSource } from './sources.ts';
import { SourceSyncError, syncResolvedSource } from './sync-source.ts';
import { commitAll, gitIn, initRepo, tempDir, writeTask } from './test-helpers/tasks.ts';

function gitSource(name: string, uri: string, extra: Partial<ResolvedSource> = {}): ResolvedSource {
  return {
    name,
    uri,
    kind: 'git',
    branch: null,
    ref: null,
    watch: false,
    refreshIntervalSeconds: null,
    implicit: false,
    ...extra,
  };
}

forEachBackend('git: clone, refresh picks up a new commit, branch and ref honoured', async (store) => {
  const { dir, cleanup } = await tempDir();
  try {
    const repo = await initRepo(join(dir, 'repo'));
    const cache = join(dir, 'cache');
    await writeTask(join(repo, 'tasks', 'greet'), { name: 'greet' });
    const first = await commitAll(repo, 'greet 1.0.0');
    await gitIn(repo, 'tag', 'v1');

    const src = gitSource('remote', `file://${repo}`);
    let r = await syncResolvedSource(store.db, cache, src);
    assert.deepEqual(r.added, ['greet@1.0.0']);
    assert.equal(r.commit, first);
    const row = await getSource(store.db, 'remote');
    assert.equal(row?.commitSha, first);
    assert.equal(row?.kind, 'git');
    assert.equal(
      (await listTaskVersions(store.db, (await getTask(store.db, 'greet'))!.id))[0]!.changeSource,
      'git',
    );

    await writeTask(join(repo, 'tasks', 'greet'), {
      name: 'greet',
      version: '1.1.0',
      code: 'function main() { return 2; }',
    });
    const second = await commitAll(repo, 'greet 1.1.0');
    r = await syncResolvedSource(store.db, cache, src);
    assert.deepEqual(r.updated, ['greet@1.1.0']);
    assert.equal(r.commit, second);
    assert.equal((await getTask(store.db, 'greet'))?.latestVersion, '1.1.0');

    // A branch with an extra task; the default branch does not have it.
    await gitIn(repo, 'checkout', '-q', '-b', 'feature');
    await writeTask(join(repo, 'tasks', 'extra'), { name: 'extra' });
    await commitAll(repo, 'extra');
    await gitIn(repo, 'checkout', '-q', 'main');
    r = await syncResolvedSource(store.db, cache, gitSource('feat', repo, { branch: 'feature' }));
    assert.deepEqual(r.added, ['extra@1.0.0']);
    assert.match(r.failed[0]?.problems[0] ?? '', /from source "remote"/, 'greet belongs to the first source');

    // A pinned tag and a pinned (abbreviated) commit check out that state.
    const tagged = await syncResolvedSource(
      store.db,
      cache,
      gitSource('pinned', `file://${repo}`, { ref: 'v1' }),
    );
    assert.equal(tagged.commit, first);
    const bySha = await syncResolvedSource(
      store.db,
      cache,
      gitSource('sha', repo, { ref: first.slice(0, 10) }),
    );
    assert.equal(bySha.commit, first);
  } finally {
    await cleanup();
  }
});

forEachBackend('git: an unreachable repository names the source and git error', async (store) => {
  const { dir, cleanup } = await tempDir();
  try {
    const src = gitSource('broken', `file://${join(dir, 'no-such-repo')}`);
    await assert.rejects(syncResolvedSource(store.db, join(dir, 'cache'), src), (err: unknown) => {
      assert.ok(err instanceof SourceSyncError);
      assert.match(
        err.message,
        /git source "broken" \(file:\/\/.*no-such-repo\): git fetch failed: .*(does not appear to be a git repository|not found|Could not read)/s,
      );
      return true;
    });
    assert.match((await getSource(store.db, 'broken'))!.lastError!, /git fetch failed/);
    const repo = await initRepo(join(dir, 'repo'));
    await writeTask(join(repo, 't'), { name: 't' });
    await commitAll(repo, 'one');
    await assert.rejects(
      syncResolvedSource(store.db, join(dir, 'cache'), gitSource('badref', repo, { ref: 'no-such-tag' })),
      /git source "badref" .*ref no-such-tag.*ref "no-such-tag" is not a branch, tag or commit/,
    );
  } finally {
    await cleanup();
  }
});

test('git: reachability check and source classification', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const repo = await initRepo(join(dir, 'repo'));
    await writeTask(join(repo, 't'), { name: 't' });
    await commitAll(repo, 'one');
    await checkGitReachable(gitSource('ok', repo, { branch: 'main' }));
    await assert.rejects(
      checkGitReachable(gitSource('nob', repo, { branch: 'nope' })),
      /no branch or tag "nope"/,
    );
    await assert.rejects(checkGitReachable(gitSource('gone', join(dir, 'missing'))), /git source "gone"/);

    await gitIn(dir, 'clone', '-q', '--bare', repo, join(dir, 'bare-repo'));
    assert.equal(classifySource(`file://${repo}`), 'file', 'a working tree is read in place');
    assert.equal(classifySource(`file://${repo}`, 'main'), 'git');
    assert.equal(classifySource(join(dir, 'bare-repo')), 'git');
    assert.equal(classifySource('/x/tasks.git'), 'git');
    assert.equal(classifySource('https://example.com/org/tasks'), 'git');
    assert.equal(classifySource('git@github.com:org/tasks.git'), 'git');
    assert.notEqual(
      checkoutDir('/c', { name: 'a', uri: 'https://x/1' }),
      checkoutDir('/c', { name: 'a', uri: 'https://x/2' }),
    );
  } finally {
    await cleanup();
  }
});
