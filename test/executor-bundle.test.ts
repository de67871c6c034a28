// The built package's threads each load one bundled file (tools/bundle.ts),
// built by `npm test` before this runs. Through dist/'s own pool: a task runs in it, and a task's
// fetch() reaches a server on 127.0.0.1, which needs the fetch helper's worker file, found from
// sync-fetch's rewritten import.meta.url; a unit that lost its own URL in the bundle fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type * as PoolModule from '../src/workers/pool.ts';
import { inlineTask, poolRequest, testPool } from '../src/workers/test-helpers/pool.ts';
import { defaultHttpOptions } from '../src/http/client.ts';
import { packageOf } from '../tools/package-name.ts';
import { THREAD_ENTRIES } from '../tools/thread-entries.ts';
import { importsOf } from './helpers/imports-of.ts';

const BUNDLE = fileURLToPath(new URL('../dist/workers/executor-thread.bundle.js', import.meta.url));
const DIST_POOL = new URL('../dist/workers/pool.js', import.meta.url).href;

// Every thread's code is one file: the executor thread's bundle, and the other threads' entry
// files, each replaced by a bundle of itself.
const THREAD_FILES = ['workers/executor-thread.bundle.js', ...THREAD_ENTRIES];

const DEPENDENCIES = Object.keys(
  (
    JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as {
      dependencies: Record<string, string>;
    }
  ).dependencies,
);

void test('each bundled thread file imports none of our files; the executor thread only Node built-ins', () => {
  assert.ok(existsSync(BUNDLE), 'npm run build writes dist/workers/executor-thread.bundle.js');
  for (const file of THREAD_FILES) {
    // Statically or through import()/require: a file of ours beside the bundle would be loaded
    // (and its modules evaluated) a second time.
    const imports = importsOf(fileURLToPath(new URL(`../dist/${file}`, import.meta.url)));
    assert.ok(imports.length > 0, `${file} imports Node built-ins`);
    const packages = imports.filter((name) => !isBuiltin(name));
    assert.deepEqual(
      packages.filter((name) => !DEPENDENCIES.includes(packageOf(name))),
      [],
      `${file} imports only Node built-ins and runtime dependencies`,
    );
  }
  // The one every run's thread loads: Ajv (required lazily by the test and fuzz threads) stays out.
  const executorImports = importsOf(BUNDLE).filter((name) => !isBuiltin(name));
  assert.deepEqual(executorImports, [], 'the executor thread imports Node built-ins only');
});

void test("dist/'s pool runs tasks, fetch() included, in bundled executor threads", async () => {
  const server = createServer((req, res) => res.end(JSON.stringify({ path: req.url })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const { ExecutorPool } = (await import(DIST_POOL)) as typeof PoolModule;
  const pool = testPool(
    { http: { ...defaultHttpOptions, allowedHosts: [`127.0.0.1:${port}`] } },
    ExecutorPool,
  );
  try {
    const files = inlineTask(
      'probe',
      'function main(i) { const r = fetch(i.url); return { status: r.status, body: r.body, sum: i.a + i.b }; }',
    );
    const result = await pool.run(poolRequest(files, 1, { url: `http://127.0.0.1:${port}/x`, a: 2, b: 3 }));
    assert.equal(result.status, 'COMPLETED', JSON.stringify(result.error));
    assert.deepEqual(result.output, { status: 200, body: { path: '/x' }, sum: 5 });
  } finally {
    await pool.close();
    server.close();
  }
});
