// The sandbox against hostile and broken task code: every attempt ends in a clear, typed error
// and the next execution in the same process still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSandbox } from './sandbox.ts';
import type { SandboxHooks, SandboxRequest, SandboxResult } from './types.ts';
import type { HttpRequestSpec } from '../http/types.ts';

const noFetch: SandboxHooks['fetch'] = (request: HttpRequestSpec) => ({
  request,
  error: { type: 'NetworkError', message: 'no network in this test' },
  startedAt: new Date().toISOString(),
  durationMs: 0,
});

function request(
  code: string,
  input: unknown = {},
  limits: Partial<SandboxRequest['limits']> = {},
): SandboxRequest {
  return {
    code,
    fileName: 'main.js',
    inputJson: JSON.stringify(input),
    context: { executionId: 'exec-1', taskId: 'task-1', taskVersion: '1.0.0', jobId: null },
    limits: { timeoutMs: 2000, memoryBytes: 32 * 1024 * 1024, stackBytes: 256 * 1024, ...limits },
  };
}

async function run(
  code: string,
  input?: unknown,
  limits?: Partial<SandboxRequest['limits']>,
  hooks?: Partial<SandboxHooks>,
): Promise<SandboxResult> {
  return runSandbox(request(code, input, limits), { fetch: noFetch, ...hooks });
}

async function assertStillWorks(): Promise<void> {
  const r = await run('(function (input) { return { sum: input.a + input.b } })', { a: 2, b: 3 });
  assert.equal(r.ok, true, JSON.stringify(r.error));
  assert.equal(r.outputJson, '{"sum":5}');
}

function output(r: SandboxResult): unknown {
  assert.equal(r.ok, true, `expected success, got ${JSON.stringify(r.error)}`);
  return JSON.parse(r.outputJson!);
}

test('all three main.js shapes are accepted', async () => {
  assert.deepEqual(output(await run('function main(input) { return input.x }', { x: 1 })), 1);
  assert.deepEqual(output(await run('(function (input) { return input.x * 2 })', { x: 2 })), 4);
  assert.deepEqual(output(await run('function (input) { return input.x * 3 }', { x: 3 })), 9);
  assert.deepEqual(
    output(await run('function(input, context) {\n  return context.taskVersion;\n}')),
    '1.0.0',
  );
});

test('context carries the ids and reportProgress', async () => {
  const events: number[] = [];
  const r = await run(
    'function main(input, context) { context.reportProgress(0.5, "half"); reportProgress(1); return context }',
    {},
    {},
    { onProgress: (e) => events.push(e.fraction) },
  );
  assert.deepEqual(output(r), { executionId: 'exec-1', taskId: 'task-1', taskVersion: '1.0.0', jobId: null });
  assert.deepEqual(events, [0.5, 1]);
  assert.equal(r.progress[0]!.message, 'half');
});

test('a progress message or log line whose formatting the deadline interrupts is not recorded', async () => {
  // The message's toJSON spins until the deadline interrupts the host's formatter: the run ends
  // TimeoutError and its last progress is the one the task really sent, not an empty message.
  const r = await run(
    `function main(input, context) {
      context.reportProgress(0.25, 'started');
      context.reportProgress(0.5, { toJSON() { for (;;) {} } });
    }`,
    {},
    { timeoutMs: 300 },
  );
  assert.equal(r.error?.type, 'TimeoutError');
  assert.deepEqual(
    r.progress.map((e) => [e.fraction, e.message]),
    [[0.25, 'started']],
  );
  const logged = await run(
    `function main(input) {
      console.log('before');
      console.log({ toJSON() { for (;;) {} } });
    }`,
    {},
    { timeoutMs: 300 },
  );
  assert.equal(logged.error?.type, 'TimeoutError');
  assert.deepEqual(
    logged.logs.map((l) => l.message),
    ['before'],
  );
  await assertStillWorks();
});

test('escape attempts find no host objects', async () => {
  const probes = [
    'typeof process',
    'typeof require',
    'typeof module',
    'typeof globalThis.constructor.constructor("return this")().process',
    'typeof (function(){ return this })().process',
    'typeof Function("return typeof process")',
    'Function("return typeof process")()',
    'typeof __ratchet_host',
    'typeof std',
    'typeof os',
  ];
  const code = `function main() { return [${probes.join(', ')}] }`;
  const result = output(await run(code)) as string[];
  assert.deepEqual(result, [
    'undefined',
    'undefined',
    'undefined',
    'undefined',
    'undefined',
    'function',
    'undefined',
    'undefined',
    'undefined',
    'undefined',
  ]);
  const dynamicImport = await run('async function main() { return await import("fs") }');
  assert.equal(dynamicImport.ok, false);
  assert.match(dynamicImport.error!.message, /could not load module|not supported|module/i);
  await assertStillWorks();
});

test('prototype pollution stays inside the guest', async () => {
  const r = await run(
    'function main() { Object.prototype.polluted = "yes"; Array.prototype.map = null; JSON.parse = () => 1; return { a: 1 } }',
  );
  assert.deepEqual(output(r), { a: 1 });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(typeof [].map, 'function');
  // A fresh context does not see the previous run's changes either.
  assert.deepEqual(
    output(await run('function main() { return [({}).polluted === undefined, typeof [].map] }')),
    [true, 'function'],
  );
});

test('an infinite loop ends with TimeoutError', async () => {
  const r = await run('function main() { while (true) {} }', {}, { timeoutMs: 200 });
  assert.equal(r.error?.type, 'TimeoutError');
  assert.match(r.error.message, /time limit of 200 ms/);
  await assertStillWorks();
});

test('a memory bomb ends with OutOfMemoryError', async () => {
  const r = await run(
    'function main() { const a = []; for (;;) a.push(new Array(100000).fill("x" + a.length)); }',
    {},
    { memoryBytes: 16 * 1024 * 1024, timeoutMs: 10000 },
  );
  assert.equal(r.error?.type, 'OutOfMemoryError', JSON.stringify(r.error));
  assert.match(r.error.message, /memory limit of 16 MB/);
  await assertStillWorks();
});

test('an object property bomb ends with OutOfMemoryError', async () => {
  const r = await run(
    'function main() { const o = {}; for (let i = 0; ; i++) o["key" + i] = { i }; }',
    {},
    { memoryBytes: 16 * 1024 * 1024, timeoutMs: 20000 },
  );
  assert.equal(r.error?.type, 'OutOfMemoryError', JSON.stringify(r.error));
  await assertStillWorks();
});

test('deep recursion ends with StackOverflowError and a short stack', async () => {
  const r = await run('function main() {\n  function f(n) { return f(n + 1) + 1 }\n  return f(0)\n}');
  assert.equal(r.error?.type, 'StackOverflowError');
  assert.equal(r.error?.location?.line, 2);
  assert.ok(r.error.stack!.split('\n').length <= 21);
  await assertStillWorks();
});

test('thrown task errors keep their class, status and main.js location', async () => {
  const r = await run('function main() {\n  const x = 1;\n  throw new HttpError(404, "not there");\n}');
  assert.equal(r.error?.type, 'HttpError');
  assert.equal(r.error?.status, 404);
  assert.equal(r.error?.message, 'not there');
  assert.equal(r.error?.location?.file, 'main.js');
  assert.equal(r.error?.location?.line, 3);
  assert.ok(!r.error.stack!.includes('ratchet:'), 'prelude frames are hidden');
  for (const name of [
    'AuthenticationError',
    'AuthorizationError',
    'NetworkError',
    'ValidationError',
    'ConfigurationError',
    'RateLimitError',
    'ServiceUnavailableError',
    'TimeoutError',
    'DataError',
  ]) {
    const e = await run(
      `function main() { const e = new ${name}(); return [e instanceof Error, e.name, e.message.length > 0] }`,
    );
    assert.deepEqual(output(e), [true, name, true], name);
  }
});

test('syntax errors and files without a function are reported with a location', async () => {
  const syntax = await run('function main( {\n  return 1\n}');
  assert.equal(syntax.error?.type, 'SyntaxError');
  assert.ok((syntax.error?.location?.line ?? 0) >= 1, 'a syntax error has a line');
  const none = await run('const x = 5;');
  assert.equal(none.error?.type, 'TypeError');
  assert.match(none.error.message, /yields no function/);
  const topLevel = await run('throw new Error("at load")');
  assert.equal(topLevel.error?.message, 'at load');
});

test('async tasks, promises and timers are awaited', async () => {
  assert.equal(output(await run('async function main() { await null; return 7 }')), 7);
  assert.equal(output(await run('function main() { return Promise.resolve(8) }')), 8);
  assert.equal(
    output(await run('function main() { return new Promise(r => setTimeout(() => r(9), 20)) }')),
    9,
  );
  const rejected = await run('async function main() { throw new DataError("nope") }');
  assert.equal(rejected.error?.type, 'DataError');
  const never = await run('function main() { return new Promise(() => {}) }');
  assert.match(never.error!.message, /never settled/);
  const cleared = await run(
    'function main() { const id = setTimeout(() => { throw new Error("x") }, 10); clearTimeout(id); return 1 }',
  );
  assert.equal(output(cleared), 1);
  const slowTimer = await run(
    'function main() { return new Promise(r => setTimeout(r, 5000)) }',
    {},
    { timeoutMs: 150 },
  );
  assert.equal(slowTimer.error?.type, 'TimeoutError');
});

test('console output is captured with level and timestamp', async () => {
  const r = await run(
    'function main() { console.log("a", 1, {b: [2]}); console.warn("w"); console.error(new Error("boom")); console.debug(undefined, null) }',
  );
  assert.deepEqual(
    r.logs.map((l) => [l.level, l.message.split('\n')[0]]),
    [
      ['log', 'a 1 {"b":[2]}'],
      ['warn', 'w'],
      ['error', 'Error: boom'],
      ['debug', 'undefined null'],
    ],
  );
  assert.ok(r.logs.every((l) => !Number.isNaN(Date.parse(l.timestamp))));
  const flood = await run(
    'function main() { for (let i = 0; i < 20000; i++) console.log("line " + i); return 1 }',
    {},
    { timeoutMs: 10000 },
  );
  assert.equal(flood.logs.length, 10001);
  assert.match(flood.logs.at(-1)!.message, /dropped/);
});

test('web APIs behave like the platform', async () => {
  const r = await run(`function main() {
    const u = new URL('/p?a=1&b=two%20words#h', 'https://user:pw@example.com:8443/base');
    u.searchParams.append('c', 'x y');
    const sp = new URLSearchParams({ q: 'a&b', n: '1' });
    return {
      href: u.href, host: u.host, port: u.port, b: u.searchParams.get('b'),
      sp: sp.toString(), canParse: URL.canParse('nope'),
      b64: btoa('hello'), raw: atob('aGVsbG8='),
      utf8: Array.from(new TextEncoder().encode('é€')), text: new TextDecoder().decode(new TextEncoder().encode('héllo €😀')),
      uuid: /^[0-9a-f-]{36}$/.test(crypto.randomUUID()), rnd: crypto.getRandomValues(new Uint8Array(4)).length,
    };
  }`);
  assert.deepEqual(output(r), {
    href: 'https://user:pw@example.com:8443/p?a=1&b=two+words&c=x+y#h',
    host: 'example.com:8443',
    port: '8443',
    b: 'two words',
    sp: 'q=a%26b&n=1',
    canParse: false,
    b64: 'aGVsbG8=',
    raw: 'hello',
    utf8: [195, 169, 226, 130, 172],
    text: 'héllo €😀',
    uuid: true,
    rnd: 4,
  });
  const bad = await run('function main() { return new URL("not a url") }');
  assert.equal(bad.error?.type, 'TypeError');
});

test('fetch goes through the host hook: every status is a response, failures are typed', async () => {
  const seen: HttpRequestSpec[] = [];
  const fetch: SandboxHooks['fetch'] = (req) => {
    seen.push(req);
    if (req.url.endsWith('/down'))
      return {
        request: req,
        error: { type: 'NetworkError', message: 'connection refused' },
        startedAt: '',
        durationMs: 1,
      };
    if (req.url.endsWith('/slow'))
      return {
        request: req,
        error: { type: 'TimeoutError', message: 'timed out' },
        startedAt: '',
        durationMs: 1,
      };
    const status = req.url.endsWith('/missing') ? 404 : 200;
    return {
      request: req,
      response: {
        status,
        statusText: status === 200 ? 'OK' : 'Not Found',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ echo: req.body }),
        bodyEncoding: 'utf8',
        mimeType: 'application/json',
        url: req.url,
      },
      startedAt: new Date().toISOString(),
      durationMs: 1,
    };
  };
  const r = await run(
    `function main() {
    const a = fetch('http://h/ok', { method: 'post', headers: { 'X-A': 1 } }, { n: 1 });
    const b = fetch('http://h/missing');
    let down, slow;
    try { fetch('http://h/down') } catch (e) { down = [e.name, e instanceof NetworkError] }
    try { fetch('http://h/slow') } catch (e) { slow = e.name }
    return { a: [a.ok, a.status, a.body], b: [b.ok, b.status, b.statusText], down, slow };
  }`,
    {},
    {},
    { fetch },
  );
  assert.deepEqual(output(r), {
    a: [true, 200, { echo: '{"n":1}' }],
    b: [false, 404, 'Not Found'],
    down: ['NetworkError', true],
    slow: 'TimeoutError',
  });
  assert.equal(seen[0]!.method, 'POST');
  assert.deepEqual(seen[0]!.headers, { 'X-A': '1', 'Content-Type': 'application/json' });
  assert.equal(r.http.length, 4);
});

test('the fetch budget is the time left before the deadline', async () => {
  const budgets: number[] = [];
  const fetch: SandboxHooks['fetch'] = (req, timeoutMs) => {
    budgets.push(timeoutMs);
    return { request: req, error: { type: 'TimeoutError', message: 't' }, startedAt: '', durationMs: 0 };
  };
  await run('function main() { try { fetch("http://h/") } catch (e) {} }', {}, { timeoutMs: 300 }, { fetch });
  assert.equal(budgets.length, 1);
  assert.ok(budgets[0]! <= 300 && budgets[0]! > 0);
});

test('cancellation stops a running loop', async () => {
  // The guest loop never yields, so the host's event loop cannot run a timer meanwhile: the flag
  // turns true after a number of polls (the interrupt handler asks every few thousand bytecodes),
  // which proves the flag is polled during guest code, not only between host calls.
  let polls = 0;
  const r = await run(
    'function main() { for (;;) {} }',
    {},
    { timeoutMs: 5000 },
    { isCancelled: () => ++polls > 20 },
  );
  assert.equal(r.error?.type, 'CancelledError');
  assert.ok(polls > 20);
});

test('outputs that are not JSON-serialisable fail clearly; undefined becomes null', async () => {
  assert.equal(output(await run('function main() {}')), null);
  assert.deepEqual(output(await run('function main() { return { a: undefined, b: 1 } }')), { b: 1 });
  const circular = await run('function main() { const a = {}; a.self = a; return a }');
  assert.equal(circular.error?.type, 'TypeError');
  assert.match(circular.error.message, /not JSON-serialisable/);
  await assertStillWorks();
});
