// `ratchet run-once` end to end: the samples through the built CLI, real HTTP against local
// servers, failures with their exit codes and messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { makeTask, runCli, SAMPLES } from './helpers/cli.ts';

let server: Server;
let base = '';
/** The local server is on loopback, which task fetches may not reach unless its host:port is allowed. */
let allow: string[] = [];
const sockets = new Set<Socket>();

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/hang') return;
      if (req.url === '/fail') {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  allow = ['--allow-host', new URL(base).host];
});

after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

test('addition: the README example prints the output as JSON', async () => {
  const r = await runCli(['run-once', join(SAMPLES, 'addition'), '--input-json', '{"num1": 5, "num2": 10}']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { sum: 15, product: 50 });
  const alias = await runCli([
    'run-once',
    '--from-fs',
    join(SAMPLES, 'addition'),
    '--input-json={"num1":1,"num2":2}',
  ]);
  assert.deepEqual(JSON.parse(alias.stdout), { sum: 3, product: 2 });
});

test('data-filter: the guide example', async () => {
  const input = {
    data: [
      { name: 'Alice', age: 30 },
      { name: 'Bob', age: 25 },
      { name: 'Charlie', age: 35 },
    ],
    filter: { field: 'age', value: 30, operator: 'greater_than' },
  };
  const r = await runCli(['run-once', join(SAMPLES, 'data-filter'), '--input-json', JSON.stringify(input)]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { filteredCount: number; data: unknown[] };
  assert.equal(out.filteredCount, 1);
  assert.deepEqual(out.data, [{ name: 'Charlie', age: 35 }]);
});

test('async-example: awaits timers, reports progress, logs on stderr', async () => {
  const r = await runCli([
    'run-once',
    join(SAMPLES, 'async-example'),
    '--input-json',
    '{"items":["a","b"],"delayMs":5}',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as {
    status: string;
    output: unknown;
    progress: { fraction: number }[];
    logs: { message: string }[];
  };
  assert.equal(result.status, 'COMPLETED');
  assert.deepEqual(result.output, { count: 2, results: ['A', 'B'] });
  assert.deepEqual(
    result.progress.map((p) => p.fraction),
    [0.5, 1],
  );
  assert.equal(result.logs[0]!.message, 'processed 2 items');
  const human = await runCli(['run-once', join(SAMPLES, 'async-example'), '--input-json', '{"items":["a"]}']);
  assert.match(human.stderr, /\[log\] processed 1 items/);
});

test('http-fetch: GET with headers and POST with a JSON body reach a real server', async () => {
  const get = await runCli([
    'run-once',
    ...allow,
    join(SAMPLES, 'http-fetch'),
    '--input-json',
    JSON.stringify({ url: `${base}/items?id=1`, headers: { 'X-Api-Key': 'secret' } }),
  ]);
  assert.equal(get.code, 0, get.stderr);
  const g = JSON.parse(get.stdout) as {
    status: number;
    body: { method: string; url: string; headers: Record<string, string> };
  };
  assert.equal(g.status, 200);
  assert.equal(g.body.method, 'GET');
  assert.equal(g.body.url, '/items?id=1');
  assert.equal(g.body.headers['x-api-key'], 'secret');
  assert.equal(g.body.headers['user-agent'], 'Ratchet/1.0');
  assert.match(get.stderr, /\[info\] GET http:\/\/127\.0\.0\.1/);

  const post = await runCli([
    'run-once',
    ...allow,
    join(SAMPLES, 'http-fetch'),
    '--input-json',
    JSON.stringify({ url: `${base}/create`, body: { name: 'x', n: 2 } }),
  ]);
  assert.equal(post.code, 0, post.stderr);
  const p = JSON.parse(post.stdout) as {
    body: { method: string; headers: Record<string, string>; body: string };
  };
  assert.equal(p.body.method, 'POST');
  assert.equal(p.body.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(p.body.body), { name: 'x', n: 2 });

  const failing = await runCli([
    'run-once',
    ...allow,
    join(SAMPLES, 'http-fetch'),
    '--input-json',
    JSON.stringify({ url: `${base}/fail` }),
  ]);
  assert.equal(failing.code, 1);
  assert.match(failing.stderr, /ServiceUnavailableError: .*answered 503/);
});

test('a fetch to a server that never answers ends at the task timeout', async () => {
  const task = await makeTask({
    'metadata.json': { name: 'hang', version: '1.0.0' },
    'main.js': 'function main(input) { return fetch(input.url).status }',
  });
  try {
    const r = await runCli([
      'run-once',
      ...allow,
      task.dir,
      '--timeout',
      '400',
      '--input-json',
      JSON.stringify({ url: `${base}/hang` }),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TimeoutError/);
  } finally {
    await task.cleanup();
  }
});

test('a hundred fetches in one run are a hundred real requests', async () => {
  let hits = 0;
  const counting = (req: { url?: string }) => {
    if (req.url?.startsWith('/count')) hits++;
  };
  server.on('request', counting);
  const task = await makeTask({
    'metadata.json': { name: 'many', version: '1.0.0' },
    'main.js':
      'function main(input) { let ok = 0; for (let i = 0; i < 100; i++) if (fetch(input.url + "?i=" + i).ok) ok++; return ok }',
  });
  try {
    const r = await runCli([
      'run-once',
      ...allow,
      task.dir,
      '--input-json',
      JSON.stringify({ url: `${base}/count` }),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), 100);
    assert.equal(hits, 100);
  } finally {
    server.off('request', counting);
    await task.cleanup();
  }
});

test('task failures print type, message and the main.js line; exit 1', async () => {
  const task = await makeTask({
    'metadata.json': { name: 'broken', version: '1.0.0' },
    'main.js': 'function main(input) {\n  const user = input.user;\n  return user.name.toUpperCase();\n}\n',
  });
  try {
    const r = await runCli(['run-once', task.dir, '--input-json', '{}']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TypeError: cannot read property 'name' of undefined/);
    assert.match(r.stderr, /at main\.js:3/);
    assert.ok(r.stderr.includes('> 3 |   return user.name.toUpperCase();'), r.stderr);
    const json = await runCli(['run-once', task.dir, '--json']);
    assert.equal(json.code, 1);
    const result = JSON.parse(json.stdout) as {
      status: string;
      error: { type: string; location: { line: number } };
    };
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error.type, 'TypeError');
    assert.equal(result.error.location.line, 3);
  } finally {
    await task.cleanup();
  }
});

test('malformed inputs are clear errors: bad JSON (exit 2) and schema violations (exit 1)', async () => {
  const addition = join(SAMPLES, 'addition');
  const badJson = await runCli(['run-once', addition, '--input-json', '{"num1": 5,']);
  assert.equal(badJson.code, 2);
  assert.match(badJson.stderr, /--input-json:1:\d+: invalid JSON/);
  const schema = await runCli(['run-once', addition, '--input-json', '{"num1": "five", "extra": 1}']);
  assert.equal(schema.code, 1);
  assert.match(schema.stderr, /ValidationError: input does not match input\.schema\.json/);
  assert.match(schema.stderr, /\$\.num1: must be number/);
  assert.match(schema.stderr, /\$\.num2: is required/);
  const missingFile = await runCli(['run-once', addition, '--input-file', '/nonexistent/input.json']);
  assert.equal(missingFile.code, 2);
  assert.match(missingFile.stderr, /--input-file \/nonexistent\/input\.json: no such file/);
  const both = await runCli(['run-once', addition, '--input-json', '{}', '--input-file', 'x.json']);
  assert.equal(both.code, 2);
});

test('input from a file', async () => {
  const task = await makeTask({ 'input.json': { num1: 2, num2: 3 } });
  try {
    const r = await runCli([
      'run-once',
      join(SAMPLES, 'addition'),
      '--input-file',
      join(task.dir, 'input.json'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { sum: 5, product: 6 });
  } finally {
    await task.cleanup();
  }
});

test('loading problems exit 2 naming the file and place', async () => {
  const task = await makeTask({
    'metadata.json': '{ "name": "x", "version": "1.0.0", }',
    'main.js': 'function main() { return 1 }',
  });
  try {
    const r = await runCli(['run-once', task.dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /metadata\.json:1:\d+: invalid JSON/);
    await writeFile(join(task.dir, 'metadata.json'), '{ "name": "x", "version": "1.0.0" }');
    await writeFile(join(task.dir, 'main.js'), 'function main( {\n  return 1\n}\n');
    const syntax = await runCli(['run-once', task.dir]);
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /main\.js:\d+:\d+: /);
    const missing = await runCli(['run-once', join(task.dir, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /task folder not found/);
  } finally {
    await task.cleanup();
  }
});

test('--log-level filters task logs; debug shows console.debug', async () => {
  const task = await makeTask({
    'metadata.json': { name: 'logs', version: '1.0.0' },
    'main.js':
      'function main() { console.debug("dbg"); console.info("inf"); console.error("err"); return 1 }',
  });
  try {
    const normal = await runCli(['run-once', task.dir]);
    assert.doesNotMatch(normal.stderr, /dbg/);
    assert.match(normal.stderr, /\[info\] inf/);
    const debug = await runCli(['run-once', task.dir, '--log-level', 'debug']);
    assert.match(debug.stderr, /\[debug\] dbg/);
    const errorsOnly = await runCli(['--log-level', 'error', 'run-once', task.dir]);
    assert.doesNotMatch(errorsOnly.stderr, /inf/);
    assert.match(errorsOnly.stderr, /\[error\] err/);
  } finally {
    await task.cleanup();
  }
});

test('a depth-5,000 output is a clear error naming the limit, in text and --json; a deep input is a usage error', async () => {
  const task = await makeTask({
    'metadata.json': { name: 'deep', version: '1.0.0' },
    'main.js': 'function main(input) { let v = 1; for (let i = 0; i < input.depth; i++) v = [v]; return v; }',
  });
  try {
    const limit = /more than 256 levels deep; the limit is 256 \(execution\.max_json_depth\)/;
    const text = await runCli(['run-once', task.dir, '--input-json', '{"depth": 5000}']);
    assert.equal(text.code, 1, text.stderr);
    assert.equal(text.stdout, '');
    assert.match(text.stderr, /OutputLimitError/);
    assert.match(text.stderr, limit);
    const json = await runCli(['run-once', task.dir, '--json', '--input-json', '{"depth": 5000}']);
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout) as { status: string; error: { type: string; message: string } };
    assert.equal(report.status, 'FAILED');
    assert.equal(report.error.type, 'OutputLimitError');
    assert.match(report.error.message, limit);
    // Within the limit it prints as before.
    const ok = await runCli(['run-once', task.dir, '--input-json', '{"depth": 3}']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), [[[1]]]);

    const deepInput = `{"depth": 1, "x": ${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const refused = await runCli(['run-once', task.dir, '--input-json', deepInput]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /--input-json: the input nests arrays\/objects more than 256 levels deep/);
    assert.match(refused.stderr, /execution\.max_json_depth/);
  } finally {
    await task.cleanup();
  }
});
