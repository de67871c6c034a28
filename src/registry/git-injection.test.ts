// Issue 12 item 5: a source's branch or ref of `--upload-pack=CMD` used to run CMD, because git
// read it as an option (`git fetch … origin <ref>` had no `--`), and sync reported success.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { cleanEnv, runCli } from '../cli/test-helpers/cli-process.ts';
import { gitRefProblem, gitUriProblem } from '../config/git-names.ts';
import { checkGitReachable, refreshGitCheckout } from './git.ts';
import type { ResolvedSource } from './sources.ts';
import { commitAll, initRepo, tempDir, writeTask } from './test-helpers/tasks.ts';

function gitSource(uri: string, extra: Partial<ResolvedSource>): ResolvedSource {
  return {
    name: 'evil',
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

test('git names: what check-ref-format accepts passes, options and revision syntax do not', () => {
  for (const ok of ['main', 'feature/x-1', 'v1.0.0', 'release-2026.12', 'a1b2c3d', 'refs/tags/v1']) {
    assert.equal(gitRefProblem(ok), undefined, ok);
  }
  const bad: [string, RegExp][] = [
    ['--upload-pack=touch /tmp/x', /must not start with "-"/],
    ['-b', /must not start with "-"/],
    ['a b', /spaces/],
    ['a..b', /"\.\."/],
    ['main@{1}', /"@\{"/],
    ['/main', /"\/"/],
    ['main.lock', /\.lock/],
    ['feature/.hidden', /start with "\."/],
    ['x:y', /~ \^ :/],
  ];
  for (const [name, why] of bad) assert.match(gitRefProblem(name) ?? '', why, name);
  assert.match(gitUriProblem('--upload-pack=touch /tmp/x') ?? '', /must not start with "-"/);
  assert.equal(gitUriProblem('https://example.com/org/repo.git'), undefined);
});

test('git: an option in branch, ref or uri is refused before git runs, and nothing is executed', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const repo = await initRepo(join(dir, 'repo'));
    await writeTask(join(repo, 'tasks', 'greet'), { name: 'greet' });
    await commitAll(repo, 'greet');
    const marker = join(dir, 'pwned');
    const payload = `--upload-pack=touch ${marker}`;
    const cache = join(dir, 'cache');
    for (const extra of [{ branch: payload }, { ref: payload }]) {
      await assert.rejects(
        refreshGitCheckout(gitSource(`file://${repo}`, extra), cache),
        /is not a valid git name: it must not start with "-"/,
      );
      await assert.rejects(checkGitReachable(gitSource(`file://${repo}`, extra)), /not a valid git name/);
    }
    await assert.rejects(refreshGitCheckout(gitSource(payload, {}), cache), /uri must not start with "-"/);
    assert.equal(existsSync(marker), false, 'the injected command ran');
  } finally {
    await cleanup();
  }
});

test('repo sync: a configured branch of --upload-pack=CMD is a configuration error naming the key', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const repo = await initRepo(join(dir, 'repo'));
    await writeTask(join(repo, 'tasks', 'greet'), { name: 'greet' });
    await commitAll(repo, 'greet');
    const marker = join(dir, 'pwned');
    await writeFile(
      join(dir, 'ratchet.yaml'),
      YAML.stringify({
        registry: {
          sources: [{ name: 'evil', uri: `file://${repo}`, branch: `--upload-pack=touch ${marker}` }],
          cache_dir: './cache',
        },
      }),
    );
    const r = await runCli(['--config', 'ratchet.yaml', 'repo', 'sync'], { cwd: dir, env: cleanEnv() });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /ratchet\.yaml:\d+:\d+: registry\.sources\.0\.branch/);
    assert.match(r.stderr, /branch is not a valid git name: it must not start with "-"/);
    assert.equal(existsSync(marker), false, 'the injected command ran');
  } finally {
    await cleanup();
  }
});
