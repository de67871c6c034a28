// A hostile task cannot grow the host's memory past its host budget (plus what is in flight), nor
// keep a host function busy past its deadline. Each flood runs in a child process (the built CLI's
// run-once, or a small application running the task on an executor thread as a server does) whose
// peak RSS is read when it exits; the bound is generous: the RSS of a no-op run, plus the task's
// WebAssembly memory, plus its host budget, plus 256 MB for what a single host call has in flight.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI, makeTask } from './helpers/cli.ts';
import { assertBuilt, cleanEnv } from '../src/cli/test-helpers/cli-process.ts';

const MB = 1024 * 1024;
const PROBE = fileURLToPath(new URL('./helpers/max-rss.ts', import.meta.url));
const POOL_CHILD = fileURLToPath(new URL('./helpers/pool-progress-child.ts', import.meta.url));
const IN_FLIGHT = 256 * MB;
const MEMORY = 64 * MB;

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  maxRss: number;
}

function child(args: string[]): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    // A child still running after two minutes is stuck (a host call ignoring the deadline).
    const p = spawn(process.execPath, ['--import', PROBE, ...args], { env: cleanEnv(), timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
    p.on('error', reject);
    p.on('close', (code) => {
      const rss = /max-rss-bytes=(\d+)/.exec(stderr);
      resolve({ code, stdout, stderr, maxRss: rss ? Number(rss[1]) : Number.NaN });
    });
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function runOnce(main: string, meta: object, extra: string[] = []): Promise<ChildRun & { json: any }> {
  const task = await makeTask({
    'metadata.json': { name: 'flood', version: '1.0.0', memory_limit: `${MEMORY / MB}MB`, ...meta },
    'main.js': main,
  });
  try {
    const r = await child([CLI, 'run-once', task.dir, '--json', ...extra]);
    return { ...r, json: JSON.parse(r.stdout) };
  } finally {
    await task.cleanup();
  }
}

let baseline = 0;
const bound = (budget: number) => baseline + MEMORY + budget + IN_FLIGHT;
const mb = (n: number) => `${Math.round(n / MB)} MB`;

before(async () => {
  assertBuilt();
  baseline = (await runOnce('function main() { return 1; }', {})).maxRss;
  assert.ok(baseline > 0, 'the child reports its peak RSS');
});

test('reportProgress with an 8 MB message in a loop: RSS stays bounded, the run ends at its deadline', async () => {
  const r = await runOnce(
    `function main(input, context) {
      const big = 'p'.repeat(8 * 1024 * 1024);
      for (let i = 0; ; i++) context.reportProgress((i % 100) / 100, big);
    }`,
    { timeout: 3000 },
  );
  assert.equal(r.json.error?.type, 'TimeoutError', r.stdout.slice(0, 500));
  assert.ok(r.maxRss < bound(MEMORY), `peak RSS ${mb(r.maxRss)} (no-op run ${mb(baseline)})`);
  // Only the latest events are kept, each message cut with a marker.
  assert.ok(r.json.progress.length <= 101, `${r.json.progress.length} progress events kept`);
  const message: string = r.json.progress.at(-1).message;
  assert.ok(message.length < 1200);
  assert.match(message, /truncated by Ratchet: 8388608 characters/);
});

test('a timer flood fails the run with OutOfMemoryError naming the host budget', async () => {
  const r = await runOnce('function main() { const f = () => {}; for (;;) setTimeout(f, 1e9); }', {
    timeout: 60_000,
  });
  assert.equal(r.json.error?.type, 'OutOfMemoryError', r.stdout.slice(0, 500));
  assert.match(r.json.error.message, /host budget of 64 MB \(pending timers/);
  assert.match(r.json.error.message, /execution\.host_budget_ratio/);
  assert.ok(r.maxRss < bound(MEMORY), `peak RSS ${mb(r.maxRss)} (no-op run ${mb(baseline)})`);
});

test('console.log of a 20 MB string in a loop ends at the deadline with bounded RSS', async () => {
  const r = await runOnce(
    `function main() { const s = 'l'.repeat(20 * 1024 * 1024); for (;;) console.log(s); }`,
    { timeout: 3000 },
  );
  assert.equal(r.json.error?.type, 'TimeoutError', r.stdout.slice(0, 500));
  assert.ok(r.maxRss < bound(MEMORY), `peak RSS ${mb(r.maxRss)} (no-op run ${mb(baseline)})`);
  assert.match(r.json.logs[0].message, /truncated by Ratchet: 20971520 characters/);
  assert.ok(r.json.logs[0].message.length < 70_000);
});

test('40 fetches with 20 MB bodies to a refused port: bodies recorded truncated, RSS bounded', async () => {
  const task = await makeTask({
    'metadata.json': { name: 'flood', version: '1.0.0', memory_limit: '64MB', timeout: 120_000 },
    'main.js': `function main() {
      const body = 'b'.repeat(20 * 1024 * 1024);
      let failed = 0;
      for (let i = 0; i < 40; i++) {
        try { fetch('http://127.0.0.1:1/refused', { method: 'POST' }, body); } catch (e) { failed++; }
      }
      return failed;
    }`,
  });
  try {
    const rec = join(task.dir, 'rec');
    const r = await child([CLI, 'run-once', task.dir, '--record', rec]);
    assert.equal(r.stdout.trim(), '40', r.stderr.slice(-500));
    assert.ok(r.maxRss < bound(MEMORY), `peak RSS ${mb(r.maxRss)} (no-op run ${mb(baseline)})`);
    // The trace says where it cut.
    const [session] = await readdir(rec);
    const har = JSON.parse(await readFile(join(rec, session!, 'requests.har'), 'utf8'));
    assert.equal(har.log.entries.length, 40);
    const text: string = har.log.entries[0].request.postData.text;
    assert.ok(text.length < 70 * 1024, `${text.length} characters recorded`);
    assert.match(text, /truncated by Ratchet: 20971520 characters; the record keeps at most 65536/);
  } finally {
    await task.cleanup();
  }
});

test('on an executor thread, progress crosses coalesced and the last value always arrives', async () => {
  const task = await makeTask({
    'metadata.json': { name: 'chatty', version: '1.0.0' },
    'main.js': `function main(input, context) {
      for (let i = 0; i < 200000; i++) context.reportProgress(i / 200000, 'step ' + i);
      context.reportProgress(1, 'done');
      return 'ok';
    }`,
  });
  try {
    const r = await child([POOL_CHILD, task.dir, '60000']);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'COMPLETED', r.stderr.slice(-500));
    assert.deepEqual([out.last.fraction, out.last.message], [1, 'done']);
    // At most one per 100 ms (plus the final one), instead of 200 001.
    assert.ok(
      out.progressEvents <= out.elapsedMs / 100 + 2,
      `${out.progressEvents} events in ${out.elapsedMs} ms`,
    );
  } finally {
    await task.cleanup();
  }
});

test('on an executor thread, an 8 MB progress flood keeps the process within its budget', async () => {
  const task = await makeTask({
    'metadata.json': { name: 'flood', version: '1.0.0', memory_limit: '64MB' },
    'main.js': `function main(input, context) {
      const big = 'p'.repeat(8 * 1024 * 1024);
      for (let i = 0; ; i++) context.reportProgress((i % 100) / 100, big);
    }`,
  });
  try {
    const r = await child([POOL_CHILD, task.dir, '3000']);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'FAILED', r.stderr.slice(-500));
    assert.equal(out.error.type, 'TimeoutError');
    assert.ok(out.last.message.length < 1200);
    // The application child holds a database and a thread pool: allow it a further 128 MB.
    assert.ok(r.maxRss < bound(MEMORY) + 128 * MB, `peak RSS ${mb(r.maxRss)} (no-op run ${mb(baseline)})`);
  } finally {
    await task.cleanup();
  }
});
