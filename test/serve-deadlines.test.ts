// Deadlines, cancel and the thread boundary on a real `ratchet serve` (SQLite, embedded workers):
// a QuickJS builtin looping where the sandbox's interrupt never fires is ended at its deadline in
// a direct execution, in a queued job and in test requests (three at once); a cancel of such a job
// or execution ends it CANCELLED; a deeply nested input or output fails its own run and the server
// goes on; SIGTERM then stops the server with exit code 0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServe, waitReady, type ServeProcess } from '../src/cli/test-helpers/serve-process.ts';
import { cleanEnv } from '../src/cli/test-helpers/cli-process.ts';

const SPIN = 'Array.prototype.includes.call({ length: 2 ** 32 - 1 }, 1)';
let dir = '';
let s: ServeProcess;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ratchet-deadlines-'));
  const task = join(dir, 'tasks', 'spin');
  mkdirSync(join(task, 'tests'), { recursive: true });
  writeFileSync(
    join(task, 'metadata.json'),
    JSON.stringify({ name: 'spin', version: '1.0.0', timeout: 1500 }),
  );
  writeFileSync(
    join(task, 'main.js'),
    `function main(input) {
      if (input.spin) return ${SPIN};
      if (input.deep) { let v = 0; for (let d = 0; d < input.deep; d++) v = [v]; return v; }
      if (input.nested) return 'received';
      return { ok: input.n };
    }`,
  );
  writeFileSync(
    join(task, 'tests', 'spins.json'),
    JSON.stringify({ name: 'spins', input: { spin: true }, expected_output: true }),
  );
  writeFileSync(
    join(task, 'tests', 'works.json'),
    JSON.stringify({ name: 'works', input: { n: 1 }, expected_output: { ok: 1 } }),
  );
  // Every test here shares this server; on a fast run they send more than the default REST rate
  // limit allows in its 10 s window, and a 429 is not what these tests are about.
  s = await startServe([], dir, cleanEnv({ RATCHET_SERVER__RATE_LIMIT__ENABLED: 'false' }));
  await waitReady(s.url);
});

after(() => {
  if (s.child.exitCode === null) s.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The fields these tests read from jobs, executions, cancel answers and test reports. */
interface Data {
  id: number;
  status: string;
  output?: unknown;
  error: { type: string; message: string };
  lastError: { type: string; message: string };
  job: { status: string };
  cases: { name: string; status: string; message?: string }[];
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; data: Data }> {
  const res = await fetch(`${s.url}/api/v1${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as { data?: Data };
  return { status: res.status, data: json.data ?? (json as Data) };
}

async function finished(jobId: number): Promise<Data> {
  for (;;) {
    const { data } = await api('GET', `/jobs/${jobId}`);
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(data.status)) return data;
    await sleep(50);
  }
}

const execute = (body: unknown) => api('POST', '/tasks/spin/execute', body);

test('direct execution: a builtin loop ends at its deadline as TimeoutError; the next run works', async () => {
  const r = await execute({ input: { spin: true }, timeoutMs: 1000 });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal(r.data.status, 'FAILED');
  assert.equal(r.data.error.type, 'TimeoutError');
  assert.match(r.data.error.message, /^task exceeded its time limit of 1000 ms/);
  const next = await execute({ input: { n: 2 } });
  assert.deepEqual([next.data.status, next.data.output], ['COMPLETED', { ok: 2 }]);
});

test('queued job: a builtin loop ends at its deadline as TimeoutError; the next job completes', async () => {
  const created = await api('POST', '/jobs', {
    taskId: 'spin',
    input: { spin: true },
    timeoutMs: 1000,
    maxRetries: 0,
  });
  assert.equal(created.status, 201, JSON.stringify(created.data));
  const job = await finished(created.data.id);
  assert.equal(job.status, 'FAILED');
  assert.equal(job.lastError.type, 'TimeoutError');
  assert.match(job.lastError.message, /time limit of 1000 ms/);
  const next = await api('POST', '/jobs', { taskId: 'spin', input: { n: 3 } });
  assert.equal((await finished(next.data.id)).status, 'COMPLETED');
});

test('cancel of a job stuck in a builtin ends it CANCELLED, not TimeoutError', async () => {
  const created = await api('POST', '/jobs', {
    taskId: 'spin',
    input: { spin: true },
    timeoutMs: 120_000,
    maxRetries: 0,
  });
  for (;;) {
    const { data } = await api('GET', `/jobs/${created.data.id}`);
    if (data.status === 'PROCESSING') break;
    await sleep(20);
  }
  await sleep(300); // well inside the builtin now
  const cancel = await api('POST', `/jobs/${created.data.id}/cancel`, {});
  assert.equal(cancel.status, 200, JSON.stringify(cancel.data));
  assert.equal(cancel.data.job.status, 'PROCESSING', 'still running when the cancel was asked for');
  const job = await finished(created.data.id);
  assert.equal(job.status, 'CANCELLED');
  assert.equal(job.lastError?.type ?? 'CancelledError', 'CancelledError');
  const next = await api('POST', '/jobs', { taskId: 'spin', input: { n: 4 } });
  assert.equal((await finished(next.data.id)).status, 'COMPLETED');
});

test('cancel of a direct execution stuck in a builtin ends it CANCELLED', async () => {
  const running = execute({ input: { spin: true }, timeoutMs: 120_000 });
  let id: number | undefined;
  while (id === undefined) {
    const { data } = await api('GET', '/executions?status=RUNNING');
    id = (data as unknown as { id: number }[])[0]?.id;
    if (id === undefined) await sleep(20);
  }
  await sleep(300);
  const cancel = await api('POST', `/executions/${id}/cancel`, {});
  assert.equal(cancel.status, 200, JSON.stringify(cancel.data));
  const r = await running;
  assert.equal(r.data.status, 'CANCELLED');
  assert.equal(r.data.error.type, 'CancelledError');
  const next = await execute({ input: { n: 5 } });
  assert.equal(next.data.status, 'COMPLETED');
});

test('deeply nested input and output fail their own run; the server goes on', async () => {
  let v: unknown = 0;
  for (let d = 0; d < 6000; d++) v = [v];
  const deepIn = await fetch(`${s.url}/api/v1/tasks/spin/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `{"input":{"nested":${'['.repeat(6000)}0${']'.repeat(6000)}}}`,
  });
  // Refused or failed, whichever layer notices first; what matters is that the process lives on
  // (structured clone of this input used to overflow the stack in a microtask and end it).
  const inBody = (await deepIn.json()) as { data?: { status: string } };
  if (deepIn.status === 200) assert.equal(inBody.data?.status, 'FAILED');
  const deepOut = await execute({ input: { deep: 5000 } });
  assert.equal(deepOut.data.status, 'FAILED');
  assert.match(deepOut.data.error.message, /levels deep/);
  const job = await api('POST', '/jobs', { taskId: 'spin', input: { deep: 5000 }, maxRetries: 0 });
  const failed = await finished(job.data.id);
  assert.equal(failed.status, 'FAILED');
  assert.match(failed.lastError.message, /levels deep/);
  const next = await execute({ input: { n: 6 } });
  assert.equal(next.data.status, 'COMPLETED');
  const nextJob = await api('POST', '/jobs', { taskId: 'spin', input: { n: 7 } });
  assert.equal((await finished(nextJob.data.id)).status, 'COMPLETED');
});

test('three hanging test requests end with TimeoutError, then SIGTERM stops the server (exit 0)', async () => {
  const reports = await Promise.all([1, 2, 3].map(() => api('POST', '/tasks/spin/test', {})));
  for (const r of reports) {
    assert.equal(r.status, 200, JSON.stringify(r.data));
    const cases = Object.fromEntries(r.data.cases.map((c) => [c.name, c]));
    assert.equal(cases.spins?.status, 'failed');
    assert.match(cases.spins.message!, /TimeoutError: task exceeded its time limit of 1500 ms/);
    assert.equal(cases.works?.status, 'passed');
  }
  // Three more left running when the server is told to stop: it does not wait for them to spin out.
  const late = [1, 2, 3].map(() => api('POST', '/tasks/spin/test', {}).catch((e: Error) => e));
  await sleep(300);
  s.child.kill('SIGTERM');
  assert.equal(await s.exit, 0, s.output());
  await Promise.all(late);
  assert.match(s.output(), /server stopped/);
});
