import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { defaultHttpOptions } from './client.ts';
import { createSyncFetcher } from './sync-fetch.ts';
import { startThreadServer } from './test-helpers/thread-server.ts';
import type { ThreadServer } from './test-helpers/thread-server.ts';
import type { HttpExchange } from './types.ts';

// Loopback is denied by default (the egress policy); before() opens exactly the test server's port.
const opts = { ...defaultHttpOptions };
const SYNC_FETCH_URL = new URL('./sync-fetch.ts', import.meta.url).href;
const CLIENT_URL = new URL('./client.ts', import.meta.url).href;

function echoed(exchange: HttpExchange): {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
} {
  assert.equal(exchange.error, undefined, `unexpected error: ${JSON.stringify(exchange.error)}`);
  assert.equal(exchange.response?.status, 200);
  return JSON.parse(exchange.response.body) as ReturnType<typeof echoed>;
}

void describe('createSyncFetcher', () => {
  let server: ThreadServer;
  let tmp: string;
  before(async () => {
    server = await startThreadServer();
    opts.allowedHosts = [`127.0.0.1:${server.port}`];
    tmp = mkdtempSync(join(tmpdir(), 'ratchet-sync-fetch-'));
  });
  after(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  void test('fetches synchronously from the main thread', () => {
    const fetcher = createSyncFetcher(opts);
    try {
      const exchange = fetcher.fetch(
        { method: 'POST', url: `${server.url}/echo`, headers: { 'x-a': '1' }, body: 'hi' },
        5000,
      );
      const seen = echoed(exchange);
      assert.equal(seen.method, 'POST');
      assert.equal(seen.headers['x-a'], '1');
      assert.equal(seen.headers['user-agent'], 'Ratchet/1.0');
      assert.equal(seen.body, 'hi');
      assert.equal(exchange.response?.url, `${server.url}/echo`);
    } finally {
      fetcher.close();
    }
  });

  void test('100 sequential fetches each get their own answer', () => {
    const fetcher = createSyncFetcher(opts);
    try {
      for (let i = 0; i < 100; i++) {
        assert.equal(
          echoed(fetcher.fetch({ method: 'GET', url: `${server.url}/n?i=${i}`, headers: {} }, 5000)).url,
          `/n?i=${i}`,
        );
      }
    } finally {
      fetcher.close();
    }
  });

  void test('works inside a worker thread', async () => {
    const script = join(tmp, 'caller.mjs');
    writeFileSync(
      script,
      `import { parentPort, workerData } from 'node:worker_threads';
       import { createSyncFetcher } from ${JSON.stringify(SYNC_FETCH_URL)};
       import { defaultHttpOptions } from ${JSON.stringify(CLIENT_URL)};
       const fetcher = createSyncFetcher({ ...defaultHttpOptions, allowedHosts: workerData.allowedHosts });
       const results = [];
       for (let i = 0; i < 3; i++) {
         results.push(fetcher.fetch({ method: 'GET', url: workerData.url + '/w?i=' + i, headers: {} }, 5000));
       }
       fetcher.close();
       parentPort.postMessage(results);`,
    );
    const worker = new Worker(script, { workerData: { url: server.url, allowedHosts: opts.allowedHosts } });
    const results = await new Promise<HttpExchange[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.deepEqual(
      results.map((r) => echoed(r).url),
      ['/w?i=0', '/w?i=1', '/w?i=2'],
    );
  });

  void test('a hanging request ends in TimeoutError after its timeout', () => {
    const fetcher = createSyncFetcher(opts);
    try {
      fetcher.fetch({ method: 'GET', url: `${server.url}/warm`, headers: {} }, 5000);
      const started = performance.now();
      const exchange = fetcher.fetch({ method: 'GET', url: `${server.url}/hang`, headers: {} }, 300);
      const elapsed = performance.now() - started;
      assert.equal(exchange.error?.type, 'TimeoutError');
      assert.equal(exchange.error.message, `request to ${server.url}/hang timed out after 300 ms`);
      assert.ok(elapsed >= 290, `returned after ${elapsed} ms, before the timeout`);
    } finally {
      fetcher.close();
    }
  });

  void test('isCancelled ends a hanging request promptly, and its late answer is not reused', () => {
    let cancelAt = Infinity;
    const fetcher = createSyncFetcher(opts, { isCancelled: () => performance.now() >= cancelAt });
    try {
      echoed(fetcher.fetch({ method: 'GET', url: `${server.url}/warm`, headers: {} }, 5000));
      const started = performance.now();
      cancelAt = started + 100;
      const exchange = fetcher.fetch({ method: 'GET', url: `${server.url}/hang`, headers: {} }, 20_000);
      const elapsed = performance.now() - started;
      assert.equal(exchange.error?.type, 'TimeoutError');
      assert.match(exchange.error.message, /cancelled/);
      // Cancelled, not timed out (its timeout is 20 s), and not before the cancel.
      assert.ok(elapsed >= 95, `cancellation took ${elapsed} ms`);
      cancelAt = Infinity;
      // The helper answers the abandoned request late; the next fetch must get its own answer.
      for (let i = 0; i < 5; i++) {
        assert.equal(
          echoed(fetcher.fetch({ method: 'GET', url: `${server.url}/after?i=${i}`, headers: {} }, 5000)).url,
          `/after?i=${i}`,
        );
      }
      cancelAt = 0;
      const already = fetcher.fetch({ method: 'GET', url: `${server.url}/never-sent`, headers: {} }, 5000);
      assert.match(already.error?.message ?? '', /cancelled/);
    } finally {
      fetcher.close();
    }
  });

  void test('a fetcher that is never closed does not keep the process alive', async () => {
    const script = join(tmp, 'unclosed.mjs');
    writeFileSync(
      script,
      `import { createSyncFetcher } from ${JSON.stringify(SYNC_FETCH_URL)};
       import { defaultHttpOptions } from ${JSON.stringify(CLIENT_URL)};
       const allowedHosts = [new URL(process.argv[2]).host];
       const exchange = createSyncFetcher({ ...defaultHttpOptions, allowedHosts }).fetch(
         { method: 'GET', url: process.argv[2] + '/json', headers: {} }, 5000);
       console.log(JSON.stringify(exchange.response?.body));`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [script, server.url], { timeout: 15_000 });
    assert.equal(JSON.parse(stdout.trim()), '{"hello":"world","n":42}');
  });
});
