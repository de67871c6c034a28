// `run-once --record`, `replay` and `test --update-from` end to end: the built CLI as a child
// process against a real HTTP server in this process. The server is stopped before replaying, so
// a passing replay proves no request reached the network.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readdir, readFile, writeFile, cp, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { harToExchanges } from '../src/http/har.ts';
import { makeTask, runCli } from './helpers/cli.ts';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x01, 0xfe, 0xff]);
const sockets = new Set<Socket>();
let served = 0;

const server: Server = createServer((req, res) => {
  served++;
  if (req.url === '/data.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-served-by': 'record-test' });
    res.end(JSON.stringify({ id: 1, name: 'widget' }));
  } else if (req.url === '/logo.png') {
    res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such thing: ${req.url}`);
  }
});
server.on('connection', (s: Socket) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function stopServer(): Promise<void> {
  if (!server.listening) return;
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
}

const threeRequests = (third: string, extra = ''): string => `(function (input) {
  var a = fetch(input.base + '/data.json', { headers: { 'X-Trace': 'abc' } });
  var b = fetch(input.base + '/logo.png');
  var c = fetch(input.base + '${third}');
  ${extra}
  console.info('statuses ' + a.status + ' ' + b.status + ' ' + c.status);
  console.warn('done');
  return {
    item: a.body,
    image: { encoding: b.bodyEncoding || null, base64: b.body, type: b.headers['content-type'] },
    missing: { status: c.status, statusText: c.statusText, ok: c.ok, body: c.body }
  };
})
`;

const task = await makeTask({
  'metadata.json': { name: 'recorder', version: '1.0.0' },
  'main.js': threeRequests('/missing'),
});
const failing = await makeTask({
  'metadata.json': { name: 'recorder-fails', version: '1.0.0' },
  'main.js': `(function (input) {
  var r = fetch(input.base + '/missing');
  if (!r.ok) throw new HttpError(r.status, 'lookup answered ' + r.status + ' ' + r.statusText);
  return r.body;
})`,
});
const out = await mkdtemp(join(tmpdir(), 'ratchet-record-'));
const input = JSON.stringify({ base });
// The recorded server is on loopback, which task fetches may not reach unless its host:port is allowed.
const allow = ['--allow-host', new URL(base).host];
let session = '';
let failedSession = '';

after(async () => {
  await stopServer();
  await Promise.all([task.cleanup(), failing.cleanup(), rm(out, { recursive: true, force: true })]);
});

function sessionFrom(stderr: string): string {
  const m = /recorded session: (.+)$/m.exec(stderr);
  assert.ok(m, `no session path on stderr:\n${stderr}`);
  return m[1]!.trim();
}

test('run-once --record writes a session with input, output, logs and a HAR 1.2 of every request', async () => {
  const r = await runCli(['run-once', ...allow, task.dir, '--input-json', input, '--record', out]);
  assert.equal(r.code, 0, r.stderr);
  session = sessionFrom(r.stderr);
  assert.match(basename(session), /^ratchet_session_\d{8}_\d{6}(_\d+)?$/);
  const files = (await readdir(session)).sort();
  for (const f of ['input.json', 'output.json', 'logs.jsonl', 'ratchet.log', 'requests.har']) {
    assert.ok(files.includes(f), `${f} missing from ${files.join(', ')}`);
  }
  assert.ok(!files.includes('error.json'));
  assert.deepEqual(JSON.parse(await readFile(join(session, 'input.json'), 'utf8')), { base });
  const output = JSON.parse(await readFile(join(session, 'output.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(output, JSON.parse(r.stdout));
  assert.deepEqual(output.missing, {
    status: 404,
    statusText: 'Not Found',
    ok: false,
    body: 'no such thing: /missing',
  });

  const logLines = (await readFile(join(session, 'logs.jsonl'), 'utf8')).trim().split('\n');
  const logs = logLines.map((l) => JSON.parse(l) as { level: string; message: string; timestamp: string });
  assert.deepEqual(
    logs.map((l) => [l.level, l.message]),
    [
      ['info', 'statuses 200 200 404'],
      ['warn', 'done'],
    ],
  );
  for (const l of logs) assert.ok(!Number.isNaN(Date.parse(l.timestamp)));
  assert.match(await readFile(join(session, 'ratchet.log'), 'utf8'), /\[warn\] done\n/);

  const har = JSON.parse(await readFile(join(session, 'requests.har'), 'utf8'));
  assert.equal(har.log.version, '1.2');
  assert.equal(har.log.creator.name, 'Ratchet');
  assert.equal(har.log.entries.length, 3);
  const [json, png, missing] = har.log.entries;
  const header = (list: { name: string; value: string }[], name: string): string | undefined =>
    list.find((h) => h.name.toLowerCase() === name)?.value;
  assert.equal(json.request.method, 'GET');
  assert.equal(json.request.url, `${base}/data.json`);
  assert.equal(header(json.request.headers, 'x-trace'), 'abc');
  assert.equal(header(json.request.headers, 'user-agent'), 'Ratchet/1.0');
  assert.equal(header(json.response.headers, 'x-served-by'), 'record-test');
  assert.equal(json.response.content.mimeType, 'application/json');
  assert.deepEqual(JSON.parse(json.response.content.text), { id: 1, name: 'widget' });
  assert.equal(png.response.content.mimeType, 'image/png');
  assert.equal(png.response.content.encoding, 'base64');
  assert.deepEqual(Buffer.from(png.response.content.text, 'base64'), PNG);
  assert.equal(png.response.content.size, PNG.length);
  assert.equal(missing.response.status, 404);
  assert.equal(missing.response.statusText, 'Not Found');
  for (const e of har.log.entries) {
    assert.ok(!Number.isNaN(Date.parse(e.startedDateTime)));
    assert.ok(e.time >= 0);
    const t = e.timings;
    for (const phase of ['send', 'wait', 'receive']) assert.equal(typeof t[phase], 'number');
    assert.equal(t.send + t.wait + t.receive, e.time);
  }
  // Our own reader validates the document field by field.
  assert.equal(harToExchanges(har).length, 3);
});

test('a failed run records error.json', async () => {
  const r = await runCli(['run-once', ...allow, failing.dir, '--input-json', input, '--record', out]);
  assert.equal(r.code, 1);
  failedSession = sessionFrom(r.stderr);
  const files = await readdir(failedSession);
  assert.ok(files.includes('error.json') && !files.includes('output.json'), files.join(', '));
  const error = JSON.parse(await readFile(join(failedSession, 'error.json'), 'utf8'));
  assert.equal(error.type, 'HttpError');
  assert.equal(error.message, 'lookup answered 404 Not Found');
  assert.notEqual(failedSession, session, 'two runs in the same second get distinct folders');
});

test('replay with the server stopped matches the recording (no network)', async () => {
  const before = served;
  await stopServer();
  await assert.rejects(fetch(`${base}/data.json`), 'the server must really be down');
  const r = await runCli(['replay', task.dir, '--recording', session]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /✓ replay matches the recording/);
  const json = await runCli(['replay', '--from-fs', task.dir, '--recording', session, '--json']);
  assert.equal(json.code, 0);
  const report = JSON.parse(json.stdout);
  assert.equal(report.matches, true);
  assert.deepEqual(report.mismatches, []);
  const failed = await runCli(['replay', failing.dir, '--recording', failedSession]);
  assert.equal(failed.code, 0, failed.stdout + failed.stderr);
  assert.equal(served, before);
});

test('replay fails naming the request when the task asks for something else', async () => {
  const other = await makeTask({
    'metadata.json': { name: 'recorder', version: '1.0.0' },
    'main.js': threeRequests('/other'),
  });
  const more = await makeTask({
    'metadata.json': { name: 'recorder', version: '1.0.0' },
    'main.js': threeRequests('/missing', "fetch(input.base + '/extra', { method: 'POST' }, { a: 1 });"),
  });
  try {
    const r = await runCli(['replay', other.dir, '--recording', session]);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      new RegExp(
        `request 3: the task asked for GET ${base}/other but the recording has GET ${base}/missing next`.replace(
          /[.?]/g,
          '\\$&',
        ),
      ),
    );
    const r2 = await runCli(['replay', more.dir, '--recording', session]);
    assert.equal(r2.code, 1);
    assert.ok(
      r2.stdout.includes(
        `request 4: the task asked for POST ${base}/extra but the recording has no more requests`,
      ),
      r2.stdout,
    );
  } finally {
    await Promise.all([other.cleanup(), more.cleanup()]);
  }
});

test('replay prints a diff when the output changes', async () => {
  const changed = await makeTask({
    'metadata.json': { name: 'recorder', version: '1.0.0' },
    'main.js': threeRequests('/missing').replace('item: a.body,', 'item: { id: a.body.id, name: "gadget" },'),
  });
  try {
    const r = await runCli(['replay', changed.dir, '--recording', session]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✗ replay differs from the recording/);
    assert.match(r.stdout, /- \$\.item\.name: "widget"/);
    assert.match(r.stdout, /\+ \$\.item\.name: "gadget"/);
  } finally {
    await changed.cleanup();
  }
});

test('test --update-from turns the recording into a mock_http test that passes offline', async () => {
  const copy = await makeTask({});
  try {
    await cp(task.dir, copy.dir, { recursive: true });
    const r = await runCli(['test', copy.dir, '--update-from', session]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const stamp = basename(session).slice('ratchet_session_'.length);
    const file = join(copy.dir, 'tests', `recorded-${stamp}.json`);
    assert.match(r.stderr, /saved test/);
    assert.match(r.stdout, /1 passed, 0 failed/);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(saved.input, { base });
    assert.equal(saved.mock_http.requests.length, 3);
    const [json, png, missing] = saved.mock_http.requests;
    assert.deepEqual(json.response, {
      status: 200,
      statusText: 'OK',
      headers: { 'content-type': 'application/json' },
      body: { id: 1, name: 'widget' },
    });
    assert.equal(png.response.bodyEncoding, 'base64');
    assert.equal(missing.response.status, 404);
    assert.equal(missing.response.body, 'no such thing: /missing');

    const again = await runCli(['test', copy.dir, '--update-from', session]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists/);

    // The failed run becomes an expected_error test.
    const failCopy = await makeTask({});
    try {
      await cp(failing.dir, failCopy.dir, { recursive: true });
      const f = await runCli(['test', failCopy.dir, '--update-from', failedSession]);
      assert.equal(f.code, 0, f.stdout + f.stderr);
      const files = await readdir(join(failCopy.dir, 'tests'));
      const t = JSON.parse(await readFile(join(failCopy.dir, 'tests', files[0]!), 'utf8'));
      assert.deepEqual(t.expected_error, { type: 'HttpError', message: 'lookup answered 404 Not Found' });
    } finally {
      await failCopy.cleanup();
    }
  } finally {
    await copy.cleanup();
  }
});

test('replay --save-test writes the test only when the replay matches; bad sessions are usage errors', async () => {
  const copy = await makeTask({});
  try {
    await cp(task.dir, copy.dir, { recursive: true });
    const r = await runCli(['replay', copy.dir, '--recording', session, '--save-test']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /saved test .*recorded-/);
    await writeFile(join(copy.dir, 'main.js'), threeRequests('/other'));
    await rm(join(copy.dir, 'tests'), { recursive: true });
    const bad = await runCli(['replay', copy.dir, '--recording', session, '--save-test']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /no test saved/);
    await assert.rejects(readdir(join(copy.dir, 'tests')));
  } finally {
    await copy.cleanup();
  }
  const missing = await runCli(['replay', task.dir, '--recording', join(out, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /not a recording session \(no input\.json\)/);
  const noFlag = await runCli(['replay', task.dir]);
  assert.equal(noFlag.code, 2);
  assert.match(noFlag.stderr, /missing --recording/);
});
