// The guide's folder-editing commands with the built CLI: `update task-metadata` (timeout, tags,
// version; a bad version refused with the parser's message and nothing written) and `clone task`
// (renamed, its own UUID, --update-metadata, --clear-tests; an existing target refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanEnv, runCli } from '../src/cli/test-helpers/cli-process.ts';
import { ROOT } from './helpers/cli.ts';

const metadataOf = async (dir: string) =>
  JSON.parse(await readFile(path.join(dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;

void test('update task-metadata and clone task edit folders as the guide writes them', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-meta-'));
  const env = cleanEnv();
  try {
    const task = path.join(dir, 'addition');
    await cp(path.join(ROOT, 'sample', 'tasks', 'addition'), task, { recursive: true });
    const meta = path.join(task, 'metadata.json');
    await writeFile(
      meta,
      JSON.stringify({ ...(await metadataOf(task)), uuid: '0e2b6c8e-6f5a-4f7e-9d43-7a1c2b3d4e5f' }),
    );

    const up = await runCli(
      [
        'update',
        'task-metadata',
        task,
        '--timeout',
        '45000',
        '--add-tag',
        'production',
        '--set-version',
        '2.0.0',
      ],
      { cwd: dir, env },
    );
    assert.equal(up.code, 0, up.stderr);
    assert.match(
      up.stdout,
      /metadata\.json: timeout 45000, version 2\.0\.0, tags \["example","math","production"\]/,
    );
    const updated = await metadataOf(task);
    assert.deepEqual(
      [updated.timeout, updated.version, updated.tags],
      [45000, '2.0.0', ['example', 'math', 'production']],
    );

    const before = await readFile(meta, 'utf8');
    const bad = await runCli(['update', 'task-metadata', task, '--set-version', 'banana'], { cwd: dir, env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /\$\.version: "banana" is not a semantic version/);
    assert.equal(await readFile(meta, 'utf8'), before, 'nothing written');
    const none = await runCli(['update', 'task-metadata', task], { cwd: dir, env });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /nothing to change/);

    const copy = path.join(dir, 'new-variation');
    const cloned = await runCli(['clone', 'task', task, copy, '--update-metadata', '--clear-tests'], {
      cwd: dir,
      env,
    });
    assert.equal(cloned.code, 0, cloned.stderr);
    assert.match(cloned.stdout, /as task "new-variation" 1\.0\.0 \(0 test file\(s\)\)/);
    const copied = await metadataOf(copy);
    assert.deepEqual(
      [copied.name, copied.label, copied.version, copied.uuid],
      ['new-variation', 'New Variation', '1.0.0', undefined],
    );
    assert.deepEqual(await readdir(path.join(copy, 'tests')), []);
    assert.equal((await runCli(['validate', copy], { cwd: dir, env })).code, 0);

    const plain = await runCli(['clone', 'task', task, path.join(dir, 'second')], { cwd: dir, env });
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal((await metadataOf(path.join(dir, 'second'))).version, '2.0.0');
    assert.equal((await readdir(path.join(dir, 'second', 'tests'))).length, 3);
    const again = await runCli(['clone', 'task', task, copy], { cwd: dir, env });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
