// End-to-end: the built CLI with a SQLite store and a config file listing a folder source and a
// git source (a local repository made here).
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { cleanEnv, runCli } from './test-helpers/cli-process.ts';
import { commitAll, initRepo, tempDir, writeTask } from '../registry/test-helpers/tasks.ts';

test('repo and task commands against a folder source and a git source', async () => {
  const { dir, cleanup } = await tempDir('ratchet-repo-cli-');
  const env = cleanEnv({ RATCHET_DATABASE_URL: `sqlite://${join(dir, 'r.db')}` });
  const cli = (...args: string[]) => runCli(['--config', 'ratchet.yaml', ...args], { cwd: dir, env });
  try {
    // repo init: a skeleton whose example task validates; a non-empty folder is refused.
    let r = await runCli(['repo', 'init', 'local'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ratchet-repo\.yaml/);
    r = await runCli(['validate', join(dir, 'local', 'tasks', 'hello-world')], { cwd: dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    r = await runCli(['repo', 'init', 'local'], { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /local is not empty/);
    // --name (the brief's README) names the repository in its README and index.
    r = await runCli(['repo', 'init', './named', '--name=My Repository'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^created task repository "My Repository" in /);
    assert.match(
      await readFile(join(dir, 'named', 'README.md'), 'utf8'),
      /^# My Repository\n[\s\S]*file:\/\/\.\/named/,
    );
    assert.match(await readFile(join(dir, 'named', 'ratchet-repo.yaml'), 'utf8'), /^name: My Repository$/m);

    const repo = await initRepo(join(dir, 'upstream'));
    await writeTask(join(repo, 'sum'), { name: 'sum', version: '2.0.0' });
    const commit = await commitAll(repo, 'sum');
    await writeFile(
      join(dir, 'ratchet.yaml'),
      YAML.stringify({
        registry: {
          sources: [
            { name: 'local', uri: 'file://./local' },
            { name: 'upstream', uri: `file://${repo}`, branch: 'main' },
          ],
          cache_dir: './cache',
        },
      }),
    );

    r = await cli('repo', 'sync');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /local \(file\): 1 added.*\n {2}added {5}hello-world@1\.0\.0/);
    assert.match(r.stdout, new RegExp(`upstream \\(git at ${commit.slice(0, 12)}\\): 1 added`));

    r = await cli('repo', 'status', '--format', 'json');
    const status = JSON.parse(r.stdout) as { name: string; tasks: number; commit: string | null }[];
    assert.deepEqual(
      status.map((s) => [s.name, s.tasks, s.commit]),
      [
        ['local', 1, null],
        ['upstream', 1, commit],
      ],
    );
    r = await cli('repo', 'status', '--format', 'yaml');
    assert.equal((YAML.parse(r.stdout) as unknown[]).length, 2);
    r = await cli('repo', 'status');
    assert.match(r.stdout, /^NAME +KIND +URI/);
    r = await cli('repo', 'status', '--format', 'xml');
    assert.equal(r.code, 2);
    // --detailed (the brief's README): one row per task under the sources, and in JSON per source.
    r = await cli('repo', 'status', '--detailed', '--format', 'table');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /\nSOURCE +TASK +LATEST +ENABLED +AVAILABLE +UPDATED\nlocal +hello-world +1\.0\.0 +yes +yes +\S+\nupstream +sum +2\.0\.0 +yes +yes +\S+\n$/,
    );
    r = await cli('repo', 'status', '--detailed', '--format=json');
    const detailed = JSON.parse(r.stdout) as { name: string; taskRows: { name: string }[] }[];
    assert.deepEqual(
      detailed.map((s) => [s.name, s.taskRows.map((t) => t.name)]),
      [
        ['local', ['hello-world']],
        ['upstream', ['sum']],
      ],
    );
    assert.doesNotMatch((await cli('repo', 'status')).stdout, /SOURCE +TASK/);

    r = await cli('task', 'list', '--json');
    const tasks = JSON.parse(r.stdout) as { name: string; latestVersion: string; source: string }[];
    assert.deepEqual(
      tasks.map((t) => [t.name, t.latestVersion, t.source]),
      [
        ['hello-world', '1.0.0', 'local'],
        ['sum', '2.0.0', 'upstream'],
      ],
    );
    r = await cli('task', 'list', '--source', 'upstream');
    assert.match(
      r.stdout,
      /^ID +NAME +LATEST +ENABLED +AVAILABLE +SOURCE\n\d+ +sum +2\.0\.0 +yes +yes +upstream\n$/,
    );
    r = await cli('task', 'list', '--source', 'nope');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no task source named "nope"/);

    // A new version, a removal and a broken task in one sync.
    await writeTask(join(dir, 'local', 'tasks', 'hello-world'), { name: 'hello-world', version: '1.1.0' });
    await writeTask(join(dir, 'local', 'tasks', 'broken'), { name: 'broken', code: 'function main( {' });
    await writeTask(join(repo, 'sum'), {
      name: 'sum',
      version: '2.1.0',
      code: 'function main() { return 3; }',
    });
    await commitAll(repo, 'sum 2.1.0');
    r = await cli('repo', 'sync', 'local');
    assert.equal(r.code, 1, 'a broken task fails the sync');
    assert.match(r.stdout, /updated {3}hello-world@1\.1\.0/);
    assert.match(r.stdout, /failed {4}tasks\/broken\n {14}main\.js/);
    assert.doesNotMatch(r.stdout, /upstream/, 'only the named source');
    r = await cli('repo', 'sync', 'upstream', '--json');
    assert.equal(r.code, 0);
    assert.deepEqual((JSON.parse(r.stdout) as { report: { updated: string[] } }[])[0]!.report.updated, [
      'sum@2.1.0',
    ]);
    r = await cli('repo', 'sync', 'missing');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no task source named "missing"; the sources are: local, upstream/);

    r = await cli('task', 'versions', 'sum', '--json');
    const versions = JSON.parse(r.stdout) as { version: string; latest: boolean; changeSource: string }[];
    assert.deepEqual(
      versions.map((v) => [v.version, v.latest, v.changeSource]),
      [
        ['2.1.0', true, 'git'],
        ['2.0.0', false, 'git'],
      ],
    );
    r = await cli('task', 'show', 'sum', '--version', '2.0.0', '--json');
    const shown = JSON.parse(r.stdout) as { source: string; versions: number; version: { version: string } };
    assert.deepEqual([shown.source, shown.versions, shown.version.version], ['upstream', 2, '2.0.0']);
    r = await cli('task', 'show', 'hello-world');
    assert.match(r.stdout, /version +1\.1\.0 \(latest\)/);
    assert.match(r.stdout, /input schema:\n/);
    r = await cli('task', 'show', 'sum', '--version', '9.9.9');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /task "sum" has no version 9\.9\.9/);

    // verify: the broken task and the stale index are failures; fixing both makes it pass.
    r = await cli('repo', 'verify', '--list-tasks');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /failed {4}tasks\/broken/);
    assert.match(r.stdout, /failed {4}ratchet-repo\.yaml\n.*refresh-metadata/);
    assert.match(r.stdout, /task {6}sum@2\.1\.0 {2}sum/);
    r = await runCli(['repo', 'refresh-metadata', 'local'], { cwd: dir, env });
    assert.equal(r.code, 1, 'refresh-metadata refuses a broken tree');
    await rm(join(dir, 'local', 'tasks', 'broken'), { recursive: true });
    r = await runCli(['repo', 'refresh-metadata', 'local'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(await readFile(join(dir, 'local', 'ratchet-repo.yaml'), 'utf8'), /version: 1\.1\.0/);
    r = await cli('repo', 'verify', '--json');
    assert.equal(r.code, 0, r.stdout);
    assert.equal((JSON.parse(r.stdout) as unknown[]).length, 2);
    // --repository NAME (the brief's README) checks that source only; an unknown name lists the known.
    r = await cli('repo', 'verify', '--repository=upstream', '--list-tasks');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^upstream \(git .*\): ok, 1 task\(s\) load\n {2}task {6}sum@2\.1\.0/);
    assert.doesNotMatch(r.stdout, /^local/m);
    r = await cli('repo', 'verify', '--repository', 'nope');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: no task source named "nope"; the sources are: local, upstream\n');

    // An unreachable git source: verify and sync both name it; the folder source still syncs.
    await writeFile(
      join(dir, 'ratchet.yaml'),
      YAML.stringify({
        registry: {
          sources: [
            { name: 'local', uri: 'file://./local' },
            { name: 'gone', uri: `file://${join(dir, 'no-repo')}`, branch: 'main' },
          ],
          cache_dir: './cache',
        },
      }),
    );
    r = await cli('repo', 'verify');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /gone \(git .*\): unreachable/);
    r = await cli('repo', 'sync');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /local \(file\): 0 added, 0 updated, 1 unchanged/);
    assert.match(r.stdout, /gone \(git\): error: git source "gone"/);
  } finally {
    await cleanup();
  }
});
