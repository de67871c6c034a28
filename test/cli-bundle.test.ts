// The built CLI is a bundle (tools/bundle.ts): dist/cli/main.js and its chunks in dist/cli/chunks/.
// A module of ours loaded from its own compiled file beside the bundle would be a second copy of
// it, with its own error classes and state, so the main thread of a command, `serve` with its API
// faces included, must load our code from the bundle only. (Worker threads load their own entry
// files from dist/ on purpose.) Every module load is recorded by a hook given with --import.
// The root help is printed from the build's command index (src/cli/command-index.ts): it must be
// the help the real command modules print.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, cleanEnv, runCli } from '../src/cli/test-helpers/cli-process.ts';
import { startServe, waitReady } from '../src/cli/test-helpers/serve-process.ts';
import { buildProgram } from '../src/cli/main.ts';

const DIST = new URL('../dist/', import.meta.url).href;

/** A module-load hook that appends each main-thread load's URL to `log`. */
function recorder(log: string): string {
  return `
import { registerHooks } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { appendFileSync } from 'node:fs';
if (isMainThread) registerHooks({ load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); } });
`;
}

async function withRecorder(
  fn: (dir: string, env: NodeJS.ProcessEnv, loaded: () => Promise<string[]>) => Promise<void>,
) {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-bundle-'));
  try {
    const log = join(dir, 'loads.txt');
    await writeFile(log, '');
    await writeFile(join(dir, 'hook.mjs'), recorder(log));
    const env = cleanEnv({ NODE_OPTIONS: `--import ${join(dir, 'hook.mjs')}` });
    const ours = async () =>
      (await readFile(log, 'utf8'))
        .split('\n')
        .filter((url) => url.startsWith(DIST))
        .map((url) => url.slice(DIST.length));
    await fn(dir, env, ours);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function outsideBundle(files: string[]): string[] {
  return files.filter((f) => f !== 'cli/main.js' && !f.startsWith('cli/chunks/'));
}

void test('dist/cli/main.js is the bundle', async () => {
  const head = (await readFile(CLI_MAIN, 'utf8')).split('\n', 2);
  assert.deepEqual(head, [
    '#!/usr/bin/env node',
    '// Bundled by tools/bundle.ts from the compiled modules of dist/.',
  ]);
});

void test('a short command loads our code from the bundle alone, and a few files in all', () =>
  withRecorder(async (dir, env, ours) => {
    const r = await runCli(['task', 'list'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    const files = await ours();
    assert.ok(files.includes('cli/main.js'), files.join('\n'));
    assert.deepEqual(outsideBundle(files), []);
    assert.ok(files.length < 150, `task list loaded ${files.length} of our files`);
  }));

void test('serve: REST and GraphQL errors keep their codes, and our code comes from the bundle alone', () =>
  withRecorder(async (dir, env, ours) => {
    const server = await startServe([], dir, env);
    try {
      await waitReady(server.url);
      const rest = await fetch(`${server.url}/api/v1/tasks/no-such-task`);
      assert.equal(rest.status, 404);
      assert.equal(((await rest.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
      const gql = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ task(name: "no-such-task") { uuid } }' }),
      });
      const body = (await gql.json()) as { errors?: { extensions?: { code?: string } }[] };
      assert.equal(body.errors?.[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify(body));
      assert.deepEqual(outsideBundle(await ours()), []);
    } finally {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  }));

void test('the root help comes from the command index, as the real commands print it, without loading them', () =>
  withRecorder(async (dir, env, ours) => {
    // From src/ there is no index: every command module is loaded, as the build did to write it.
    const program = await buildProgram([]);
    let expected = '';
    program.configureOutput({ writeOut: (text) => (expected += text) });
    program.outputHelp();
    for (const args of [['--help'], ['help']]) {
      const r = await runCli(args, { cwd: dir, env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, expected, `ratchet ${args.join(' ')}`);
    }
    const unknown = await runCli(['serv'], { cwd: dir, env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'serv'[\s\S]*Did you mean serve\?/);
    const files = await ours();
    assert.deepEqual(outsideBundle(files), []);
    assert.ok(files.length < 40, `the root help loaded ${files.length} of our files`);
  }));
