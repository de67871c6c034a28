// Secrets stay secret, end to end: a real `ratchet serve` (the built CLI) runs a task that fetches a
// local server with `Authorization: Bearer …`, `X-Api-Key`, `?api_key=` and a configured header,
// from input fields marked writeOnly / format password. The local server must get the real values
// and the task must see them; the stored rows, every REST answer (viewer key), the MCP tools and
// the CLI must show only REDACTED / ********. A job retried automatically and a FAILED job retried
// by hand still run with the real secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { runCli } from '../src/cli/test-helpers/cli-process.ts';
import { startServe, waitReady } from '../src/cli/test-helpers/serve-process.ts';

const TOKEN = 'tok-SECRET-bearer-1234';
const API_KEY = 'key-SECRET-xapi-5678';
const CUSTOM = 'custom-SECRET-9012';
const COOKIE = 'cookie-SECRET-3456';
const SECRETS = [TOKEN, API_KEY, CUSTOM, COOKIE, encodeURIComponent(TOKEN)];

const MAIN_JS = `(function (input) {
  var url = input.base + input.path + '?api_key=' + encodeURIComponent(input.apiKey) + '&page=1';
  var r = fetch(url, { headers: {
    Authorization: 'Bearer ' + input.token, 'X-Api-Key': input.apiKey,
    'X-Custom-Secret': '${CUSTOM}', Accept: 'application/json' } });
  console.log('called with token ' + input.token + ' and key ' + input.apiKey);
  reportProgress(0.5, 'half way with ' + input.token);
  if (r.status >= 500) throw new ServiceUnavailableError('upstream answered ' + r.status + ' to ' + input.token);
  return { status: r.status, tokenLength: input.token.length,
    upstreamSawToken: r.body.authorization === 'Bearer ' + input.token };
})`;

const INPUT_SCHEMA = {
  type: 'object',
  required: ['token', 'apiKey', 'base', 'path'],
  properties: {
    token: { type: 'string', writeOnly: true },
    apiKey: { type: 'string', format: 'password' },
    base: { type: 'string' },
    path: { type: 'string' },
  },
};

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

function assertClean(what: string, text: string): void {
  for (const s of SECRETS)
    assert.ok(!text.includes(s), `${what} shows the secret ${s}:\n${text.slice(0, 3000)}`);
}

test('secrets: redacted in storage, REST (viewer), MCP and CLI; the run and retries get the real values', async () => {
  const seen: Seen[] = [];
  let flakyHits = 0;
  let down = true;
  const upstream = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const path = (req.url ?? '').split('?')[0];
    const fail = (path === '/flaky' && flakyHits++ === 0) || (path === '/down' && down);
    res.writeHead(fail ? 503 : 200, {
      'content-type': 'application/json',
      'set-cookie': `sid=${COOKIE}; Path=/; HttpOnly`,
    });
    // Echoes the credentials: the stored response body must lose them too.
    res.end(
      JSON.stringify({
        authorization: req.headers.authorization,
        key: req.headers['x-api-key'],
        url: req.url,
      }),
    );
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-secrets-'));
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  let mcp: Client | undefined;
  try {
    const task = join(dir, 'tasks', 'secret-caller');
    await mkdir(task, { recursive: true });
    await writeFile(join(task, 'metadata.json'), JSON.stringify({ name: 'secret-caller', version: '1.0.0' }));
    await writeFile(join(task, 'main.js'), MAIN_JS);
    await writeFile(join(task, 'input.schema.json'), JSON.stringify(INPUT_SCHEMA));
    await writeFile(
      join(dir, 'ratchet.yaml'),
      [
        'registry:',
        '  sources: [{ name: local, uri: "file://./tasks" }]',
        'http:',
        `  allowed_hosts: ["127.0.0.1:${port}"]`,
        '  redact_headers: ["X-Custom-Secret"]',
        'server:',
        '  job_queue:',
        '    default_retry_delay: 0',
        '',
      ].join('\n'),
    );
    const cli = (args: string[]) => runCli([...args, '--config', 'ratchet.yaml'], { cwd: dir });
    const made = await cli(['apikey', 'create', '--name', 'watcher', '--role', 'viewer']);
    assert.equal(made.code, 0, made.stderr);
    const viewer = { authorization: `Bearer ${made.stdout.trim()}` };

    serve = await startServe(['--config', 'ratchet.yaml'], dir);
    await waitReady(serve.url);
    const api = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${serve!.url}/api/v1${path}`, {
        method,
        // A script client: body-less POSTs say so (the server's cross-site request check).
        headers: {
          'x-requested-with': 'ratchet-test',
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, json: (text ? JSON.parse(text) : null) as Record<string, unknown> };
    };
    const input = (path: string) => ({ token: TOKEN, apiKey: API_KEY, base, path });

    // 1. A synchronous run: the upstream got the real credentials, the task saw them, the answer has none.
    const direct = await api('POST', '/tasks/secret-caller/execute', { input: input('/ok') });
    assert.equal(direct.status, 200, direct.text);
    assertClean('the execute answer', direct.text);
    const directExec = (direct.json.data ?? direct.json) as Record<string, unknown>;
    assert.deepEqual(directExec.output, { status: 200, tokenLength: TOKEN.length, upstreamSawToken: true });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(seen[0]!.headers['x-api-key'], API_KEY);
    assert.equal(seen[0]!.headers['x-custom-secret'], CUSTOM);
    assert.match(seen[0]!.url, new RegExp(`api_key=${API_KEY}&page=1$`));

    const waitJob = async (id: unknown, want: string[]) => {
      for (let i = 0; i < 600; i++) {
        const j = await api('GET', `/jobs/${String(id)}`);
        const job = (j.json.data ?? j.json) as Record<string, unknown>;
        if (want.includes(String(job.status))) return job;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`job ${String(id)} never reached ${want.join('/')}`);
    };

    // 2. A queued job whose first attempt fails: the automatic retry still sends the real token.
    const flaky = await api('POST', '/jobs', {
      taskId: 'secret-caller',
      input: input('/flaky'),
      maxRetries: 2,
    });
    assert.equal(flaky.status, 201, flaky.text);
    assertClean('the job create answer', flaky.text);
    const flakyId = ((flaky.json.data ?? flaky.json) as { id: number }).id;
    const flakyJob = await waitJob(flakyId, ['COMPLETED', 'FAILED']);
    assert.equal(flakyJob.status, 'COMPLETED', JSON.stringify(flakyJob));
    const flakySeen = seen.filter((s) => s.url.startsWith('/flaky'));
    assert.equal(flakySeen.length, 2, 'one failed attempt, one retry');
    for (const s of flakySeen) assert.equal(s.headers.authorization, `Bearer ${TOKEN}`);

    // 3. A job that fails for good keeps its real input for a manual retry, which then works.
    const failing = await api('POST', '/jobs', {
      taskId: 'secret-caller',
      input: input('/down'),
      maxRetries: 0,
    });
    const failingId = ((failing.json.data ?? failing.json) as { id: number }).id;
    assert.equal((await waitJob(failingId, ['COMPLETED', 'FAILED'])).status, 'FAILED');
    const db = new DatabaseSync(join(dir, 'data', 'ratchet.db'), { readOnly: true });
    const secretOf = (id: number) =>
      (db.prepare('select secret_input from jobs where id = ?').get(id) as { secret_input: string | null })
        .secret_input;
    assert.ok(secretOf(failingId)?.includes(TOKEN), 'a FAILED job keeps the real input for a retry');
    assert.equal(secretOf(flakyId), null, 'a COMPLETED job drops it');
    down = false;
    const retried = await api('POST', `/jobs/${failingId}/retry`);
    assert.ok(retried.status < 300, retried.text);
    assertClean('the retry answer', retried.text);
    assert.equal((await waitJob(failingId, ['COMPLETED', 'FAILED'])).status, 'COMPLETED');
    assert.equal(seen.at(-1)!.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(secretOf(failingId), null);

    // 3b. A schedule stores the masked input too; triggering it runs with the real one.
    const made2 = await api('POST', '/schedules', {
      taskId: 'secret-caller',
      cronExpression: '0 0 1 1 *',
      name: 'nightly-secret',
      input: input('/scheduled'),
    });
    assert.equal(made2.status, 201, made2.text);
    assertClean('the schedule create answer', made2.text);
    const scheduleId = ((made2.json.data ?? made2.json) as { id: number }).id;
    const fired = await api('POST', `/schedules/${scheduleId}/trigger`, {});
    assert.ok(fired.status < 300, fired.text);
    assertClean('the schedule trigger answer', fired.text);
    const firedJob = ((fired.json.data ?? fired.json) as { job: { id: number } }).job.id;
    assert.equal((await waitJob(firedJob, ['COMPLETED', 'FAILED'])).status, 'COMPLETED');
    assert.equal(seen.at(-1)!.url.split('?')[0], '/scheduled');
    assert.equal(seen.at(-1)!.headers.authorization, `Bearer ${TOKEN}`);
    for (const path of ['/schedules', `/schedules/${scheduleId}`]) {
      const r = await api('GET', path, undefined, viewer);
      assert.equal(r.status, 200, r.text);
      assertClean(`GET ${path}`, r.text);
      assert.match(r.text, /"token":"\*\*\*\*\*\*\*\*"/);
    }

    // 3c. An input that carries the mask (copied from an answer) is refused, not run with "********".
    const copied = await api('POST', '/jobs', {
      taskId: 'secret-caller',
      input: { ...input('/ok'), token: '********' },
    });
    assert.equal(copied.status, 422, copied.text);
    assert.match(
      copied.text,
      /\$\.token.*holds \\"\*{8}\\", the mask shown in place of this writeOnly value/,
    );

    // 4. Nothing stored outside jobs.secret_input and schedules.secret_input holds a secret.
    const rows = [
      ...db.prepare('select * from executions').all(),
      ...db
        .prepare('select * from jobs')
        .all()
        .map((r) => ({ ...r, secret_input: null })),
      ...db
        .prepare('select * from schedules')
        .all()
        .map((r) => ({ ...r, secret_input: null })),
    ];
    assert.ok(rows.length >= 7);
    assertClean('the stored rows', JSON.stringify(rows));
    db.close();

    // 5. Every REST answer a viewer can read.
    const executions = await api('GET', '/executions?limit=100', undefined, viewer);
    assert.equal(executions.status, 200, executions.text);
    assertClean('GET /executions', executions.text);
    const ids = ((executions.json.data ?? []) as { id: number }[]).map((e) => e.id);
    assert.equal(ids.length, 6, executions.text);
    for (const id of ids) {
      for (const path of [`/executions/${id}`, `/executions/${id}/trace`, `/executions/${id}/logs`]) {
        const r = await api('GET', path, undefined, viewer);
        assert.equal(r.status, 200, `${path}: ${r.text}`);
        assertClean(`GET ${path}`, r.text);
      }
    }
    const trace = await api('GET', `/executions/${ids.at(-1)}/trace`, undefined, viewer);
    assert.match(trace.text, /api_key=\[REDACTED\]&page=1/);
    assert.match(trace.text, /"authorization":"\[REDACTED\]"|"Authorization":"\[REDACTED\]"/i);
    assert.match(trace.text, /"X-Custom-Secret":"\[REDACTED\]"/);
    assert.match(trace.text, /sid=\[REDACTED\]; Path=\/; HttpOnly/);
    const detail = await api('GET', `/executions/${ids.at(-1)}`, undefined, viewer);
    assert.match(detail.text, /"token":"\*\*\*\*\*\*\*\*"/);
    const logs = await api('GET', `/executions/${ids.at(-1)}/logs`, undefined, viewer);
    assert.match(logs.text, /called with token \[REDACTED\] and key \[REDACTED\]/);
    for (const path of ['/jobs?limit=100', `/jobs/${flakyId}`, `/jobs/${failingId}`]) {
      const r = await api('GET', path, undefined, viewer);
      assert.equal(r.status, 200, `${path}: ${r.text}`);
      assertClean(`GET ${path}`, r.text);
      assert.match(r.text, /"apiKey":"\*\*\*\*\*\*\*\*"/);
    }

    // 6. MCP: a viewer's reads, and a traced debug run (run access, the loopback caller).
    const connect = async (headers: Record<string, string>) => {
      const client = new Client({ name: 'secrets-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${serve!.url}/mcp`), { requestInit: { headers } }),
      );
      return client;
    };
    mcp = await connect(viewer);
    const failedExecution = ids.find((id) => id !== ids.at(-1))!;
    for (const [name, args] of [
      ['ratchet_get_execution_trace', { execution_id: ids.at(-1) }],
      ['ratchet_get_execution_logs', { execution_id: ids.at(-1) }],
      ['ratchet_get_execution_status', { execution_id: ids.at(-1) }],
      ['ratchet_analyze_execution_error', { execution_id: failedExecution }],
      ['ratchet_list_executions', {}],
      ['ratchet_list_jobs', {}],
      ['ratchet_get_job_status', { job_id: failingId }],
      ['ratchet_list_schedules', {}],
    ] as const) {
      const res = await mcp.callTool({ name, arguments: args });
      const text = JSON.stringify(res);
      assert.ok(!res.isError, `${name}: ${text}`);
      assertClean(`MCP ${name}`, text);
    }
    await mcp.close();
    mcp = await connect({});
    const debug = await mcp.callTool({
      name: 'ratchet_debug_task_execution',
      arguments: { task_id: 'secret-caller', input: input('/ok') },
    });
    const debugText = JSON.stringify(debug);
    assert.ok(!debug.isError, debugText);
    assert.match(debugText, /upstreamSawToken\\?":true/);
    assertClean('MCP ratchet_debug_task_execution', debugText);
    assert.equal(seen.at(-1)!.headers.authorization, `Bearer ${TOKEN}`);

    // 7. The CLI reads the same rows.
    for (const args of [
      ['execution', 'show', String(ids.at(-1))],
      ['execution', 'logs', String(ids.at(-1))],
      ['execution', 'list'],
      ['job', 'show', String(failingId)],
      ['job', 'list'],
      ['schedule', 'list'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assertClean(`ratchet ${args.join(' ')}`, r.stdout + r.stderr);
    }
  } finally {
    await mcp?.close().catch(() => undefined);
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
    await new Promise<void>((r) => upstream.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  }
});

test('secrets: run-once --record writes a redacted session that replays and becomes a passing test', async () => {
  const seen: Seen[] = [];
  const upstream = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `sid=${COOKIE}; Path=/` });
    res.end(JSON.stringify({ ok: true, echoed: req.headers.authorization }));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as AddressInfo).port;
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-secrets-rec-'));
  try {
    const task = join(dir, 'recorder');
    await mkdir(task, { recursive: true });
    await writeFile(join(task, 'metadata.json'), JSON.stringify({ name: 'recorder', version: '1.0.0' }));
    await writeFile(join(task, 'input.schema.json'), JSON.stringify(INPUT_SCHEMA));
    // The outcome does not depend on the secret's value, so a replay with the mask is faithful.
    await writeFile(
      join(task, 'main.js'),
      `(function (input) {
        var r = fetch(input.base + input.path + '?api_key=' + input.apiKey + '&page=2',
          { headers: { Authorization: 'Bearer ' + input.token } });
        console.log('token ' + input.token);
        return { status: r.status, ok: r.body.ok };
      })`,
    );
    await writeFile(join(dir, 'ratchet.yaml'), `http:\n  allowed_hosts: ["127.0.0.1:${port}"]\n`);
    const cli = (args: string[]) => runCli([...args, '--config', 'ratchet.yaml'], { cwd: dir });
    const input = { token: TOKEN, apiKey: API_KEY, base: `http://127.0.0.1:${port}`, path: '/r' };
    const rec = await cli([
      'run-once',
      'recorder',
      '--input-json',
      JSON.stringify(input),
      '--record',
      'debug',
    ]);
    assert.equal(rec.code, 0, rec.stderr);
    assert.equal(seen[0]?.headers.authorization, `Bearer ${TOKEN}`, 'the live run sent the real token');
    const session = /recorded session: (\S+)/.exec(rec.stderr)![1]!;
    const files = await readdir(session);
    for (const f of files) assertClean(`recording file ${f}`, await readFile(join(session, f), 'utf8'));
    const inputJson = JSON.parse(await readFile(join(session, 'input.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.equal(inputJson.token, '********');
    const har = await readFile(join(session, 'requests.har'), 'utf8');
    assert.match(har, /api_key=\[REDACTED\]&page=2/);
    assert.match(har, /"comment": "secrets redacted/);
    assert.match(await readFile(join(session, 'session.json'), 'utf8'), /"redaction": "secrets redacted/);

    const replay = await cli(['replay', 'recorder', '--recording', session]);
    assert.equal(replay.code, 0, replay.stdout + replay.stderr);
    assert.match(replay.stdout + replay.stderr, /replay matches the recording/);
    const made = await cli(['test', 'recorder', '--update-from', session]);
    assert.equal(made.code, 0, made.stdout + made.stderr);
    const testFiles = await readdir(join(task, 'tests'));
    assert.equal(testFiles.length, 1);
    assertClean('the recorded test', await readFile(join(task, 'tests', testFiles[0]!), 'utf8'));
    assert.equal(seen.length, 1, 'replay and the recorded test ran offline');
  } finally {
    await new Promise<void>((r) => upstream.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  }
});
