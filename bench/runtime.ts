// Sandbox figures (issue: foundation): the addition sample in-process with a fresh context and
// schema validation, the sync fetch round trip against a raw request, fib(27) in the interpreter,
// a run of a 200 KB main.js, and `ratchet run-once` as a whole process. Prints one JSON object.
// Run: npx node bench/runtime.ts   (needs a build for the process figure: npx tsc -p tsconfig.build.json)
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { loadTask } from '../src/tasks/load.ts';
import { runTask } from '../src/runtime/run-task.ts';
import { loadTaskFromFiles } from '../src/tasks/load.ts';
import { createSyncFetcher } from '../src/http/sync-fetch.ts';
import { defaultHttpOptions } from '../src/http/client.ts';
import type { SyncFetch } from '../src/http/types.ts';
import { percentile, report, round, sample } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const noNetwork: SyncFetch = (req) => ({
  request: req,
  error: { type: 'NetworkError', message: 'off' },
  startedAt: '',
  durationMs: 0,
});

async function addition() {
  const pkg = await loadTask(join(ROOT, 'sample/tasks/addition'));
  const once = async () => {
    const r = await runTask(pkg, { input: { num1: 5, num2: 10 }, fetch: noNetwork });
    if (r.status !== 'COMPLETED') throw new Error(`addition failed: ${JSON.stringify(r.error)}`);
  };
  const times = await sample(5000, 500, once);
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 2000) {
    await once();
    n++;
  }
  return {
    additionP50Ms: percentile(times, 50),
    additionP99Ms: percentile(times, 99),
    additionPerSecond: Math.round(n / ((performance.now() - start) / 1000)),
  };
}

/**
 * A 200 KB main.js (1,500 functions and a table built at load, like a bundled library): its
 * evaluated state is kept per instance (runtime/entry-snapshots.ts), so a run costs the copy, not
 * the parse and the top-level code.
 */
async function largeMain() {
  const helpers = Array.from(
    { length: 1500 },
    (_, i) =>
      `function helper${i}(x) { const o = { a: x, b: [x, ${i}], c: 'item ${i}' }; ` +
      `return o.b.reduce((s, v) => s + v, 0) + helper${Math.max(0, i - 1)}.length; }`,
  );
  const code = `${helpers.join('\n')}\nconst lookup = Array.from({ length: 200 }, (_, i) => helper1499(i));\nfunction main(input) { return { v: lookup[input.n] }; }`;
  const pkg = loadTaskFromFiles(
    { 'metadata.json': JSON.stringify({ name: 'large', version: '1.0.0' }), 'main.js': code },
    { kind: 'store' },
  );
  const times = await sample(300, 50, async () => {
    const r = await runTask(pkg, { input: { n: 7 }, fetch: noNetwork });
    if (r.status !== 'COMPLETED') throw new Error(`the large task failed: ${JSON.stringify(r.error)}`);
  });
  return { largeMainBytes: code.length, largeMainP50Ms: percentile(times, 50) };
}

async function fib() {
  const pkg = loadTaskFromFiles(
    {
      'metadata.json': JSON.stringify({ name: 'fib', version: '1.0.0' }),
      'main.js':
        'function main(input) { function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) } return fib(input.n) }',
    },
    { kind: 'store' },
  );
  const times = await sample(5, 1, async () => {
    const r = await runTask(pkg, { input: { n: 27 }, fetch: noNetwork });
    if (r.output !== 196418) throw new Error(`fib(27) gave ${JSON.stringify(r.output ?? r.error)}`);
  });
  return { fib27Ms: percentile(times, 50) };
}

const SERVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const body = '{"hello":"world"}';
const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

async function fetchRoundTrip() {
  const server = new Worker(SERVER, { eval: true });
  const port = await new Promise<number>((resolve) => server.once('message', resolve));
  const url = `http://127.0.0.1:${port}/`;
  const agent = new Agent();
  const raw = await sample(1000, 100, async () => {
    const res = await request(url, { dispatcher: agent });
    await res.body.text();
  });
  // The guest's path: fetch() in a task → host bridge → helper thread → server and back.
  // The bench server is on loopback, which tasks may not reach unless configuration allows it.
  const fetcher = createSyncFetcher({ ...defaultHttpOptions, allowedHosts: [`127.0.0.1:${port}`] });
  const perFetch: number[] = [];
  const timed: SyncFetch = (req, t) => {
    const s = performance.now();
    const x = fetcher.fetch(req, t);
    perFetch.push(performance.now() - s);
    return x;
  };
  const pkg = loadTaskFromFiles(
    {
      'metadata.json': JSON.stringify({ name: 'f', version: '1.0.0' }),
      'main.js':
        'function main(input) { let n = 0; for (let i = 0; i < input.n; i++) n += fetch(input.url).status; return n }',
    },
    { kind: 'store' },
  );
  await runTask(pkg, { input: { n: 100, url }, fetch: timed });
  perFetch.length = 0;
  const start = performance.now();
  const r = await runTask(pkg, { input: { n: 1000, url }, fetch: timed });
  const guestMean = (performance.now() - start) / 1000;
  if (r.output !== 200_000) throw new Error(`fetch task failed: ${JSON.stringify(r.error)}`);
  fetcher.close();
  await agent.close();
  await server.terminate();
  const rawP50 = percentile(raw, 50);
  const syncP50 = percentile(perFetch, 50);
  return {
    rawRequestP50Ms: rawP50,
    syncFetchP50Ms: syncP50,
    syncFetchOverheadP50Ms: round(syncP50 - rawP50),
    guestFetchMeanMs: round(guestMean),
  };
}

function processWallTime() {
  const cli = join(ROOT, 'dist/cli/main.js');
  const args = [cli, 'run-once', join(ROOT, 'sample/tasks/addition'), '--input-json', '{"num1":5,"num2":10}'];
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    const s = performance.now();
    execFileSync(process.execPath, args, { stdio: 'pipe' });
    if (i > 0) times.push(performance.now() - s);
  }
  return { runOnceProcessP50Ms: percentile(times, 50) };
}

report('runtime', {
  ...(await addition()),
  ...(await fib()),
  ...(await largeMain()),
  ...(await fetchRoundTrip()),
  ...processWallTime(),
});
