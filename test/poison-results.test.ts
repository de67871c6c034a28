// Poison results are isolated (issue 12, item 3), against a real `ratchet serve` on SQLite and on
// PostgreSQL. A run whose recorded HTTP traffic reached ~600 MB could not be stored ("Invalid string
// length"): the result writer retried it for ever, every other job of its batch and every later job
// stayed PROCESSING, and SIGTERM did not end the process.
//
// The smallest faithful reproduction on a 2-core test machine: execution.max_result_bytes lowered to
// 2 MB and 12 fetches of 1 MB from a local server (6× the cap, as 600 MB is ~9× the default 64 MB);
// the mechanism (cut the recorded bodies at store time) does not depend on the sizes. A record the
// database itself refuses is made real with a trigger that rejects it (a stand-in for a value the
// driver or server cannot take); the writer must fail that execution alone and never write it again.
// Finally every execution write is refused and the process must still exit on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startServe, waitReady, type ServeProcess } from '../src/cli/test-helpers/serve-process.ts';
import { cleanEnv } from '../src/cli/test-helpers/cli-process.ts';
import { openDatabase, type Dialect, type Store } from '../src/store/database.ts';
import { createTempDatabase } from '../src/store/test-helpers/backends.ts';

const SAMPLE = new URL('../sample/tasks/', import.meta.url).pathname;
const MB = 1024 * 1024;

function task(dir: string, name: string, main: string): void {
  mkdirSync(join(dir, 'tasks', name), { recursive: true });
  writeFileSync(join(dir, 'tasks', name, 'metadata.json'), JSON.stringify({ name, version: '1.0.0' }));
  writeFileSync(join(dir, 'tasks', name, 'main.js'), main);
}

async function api(base: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as { data: Record<string, unknown> };
  assert.ok(res.ok, JSON.stringify(json));
  return json.data;
}

async function finished(base: string, id: unknown): Promise<Record<string, unknown>> {
  for (;;) {
    const job = await api(base, `/jobs/${String(id)}`);
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status as string)) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function lastExecution(base: string, jobId: unknown): Promise<Record<string, unknown>> {
  const list = (await (await fetch(`${base}/api/v1/executions?jobId=${String(jobId)}`)).json()) as {
    data: { id: number }[];
  };
  return api(base, `/executions/${list.data[0]!.id}`);
}

/** A trigger that refuses execution writes (inserts and updates) matching `when` (SQL over the new row). */
async function refuse(store: Store, name: string, when: string): Promise<void> {
  if (store.dialect === 'sqlite') {
    for (const op of ['insert', 'update']) {
      await sql
        .raw(
          `create trigger ${name}_${op} before ${op} on executions when ${when} ` +
            `begin select raise(abort, 'record refused by ${name}'); end`,
        )
        .execute(store.db);
    }
  } else {
    await sql
      .raw(
        `create function ${name}() returns trigger language plpgsql as $$ begin ` +
          `raise exception 'record refused by ${name}'; end $$; ` +
          `create trigger ${name} before insert or update on executions for each row when (${when}) execute function ${name}()`,
      )
      .execute(store.db);
  }
}

async function scenario(dialect: Dialect): Promise<void> {
  const big: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(MB));
  });
  await new Promise<void>((r) => big.listen(0, '127.0.0.1', r));
  const port = (big.address() as AddressInfo).port;
  const temp = await createTempDatabase(dialect);
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-poison-'));
  let s: ServeProcess | undefined;
  let store: Store | undefined;
  try {
    task(
      dir,
      'hoard',
      `function main(input) { let n = 0; for (let i = 0; i < 12; i++) n += fetch(input.url + '?i=' + i).body.length; return { fetched: n }; }`,
    );
    task(dir, 'poison', `function main() { return { marker: 'poison' }; }`);
    task(
      dir,
      'slow-poison',
      `async function main() { await new Promise((r) => setTimeout(r, 200)); return { marker: 'poison' }; }`,
    );
    cpSync(join(SAMPLE, 'addition'), join(dir, 'tasks', 'addition'), { recursive: true });
    writeFileSync(
      join(dir, 'ratchet.yaml'),
      [
        'server:',
        '  rate_limit: { enabled: false }',
        '  workers: { shutdown_grace_seconds: 1 }',
        'execution: { max_result_bytes: 2MB }',
        `http: { allowed_hosts: ["127.0.0.1:${port}"] }`,
        '',
      ].join('\n'),
    );
    s = await startServe(['--config', 'ratchet.yaml'], dir, cleanEnv({ RATCHET_DATABASE_URL: temp.url }));
    await waitReady(s.url);
    store = await openDatabase({ url: temp.url, maxConnections: 2 });
    await refuse(store, 'refuse_poison', `new.output like '%poison%'`);

    // One batch's worth: the hoarder, the poison and ten ordinary jobs, all due at once.
    const hoard = await api(s.url, '/jobs', {
      taskId: 'hoard',
      input: { url: `http://127.0.0.1:${port}/big` },
    });
    const poison = await api(s.url, '/jobs', { taskId: 'poison', maxRetries: 3 });
    const others = [];
    for (let i = 0; i < 10; i++)
      others.push(await api(s.url, '/jobs', { taskId: 'addition', input: { num1: i, num2: 1 } }));

    for (const o of others) assert.equal((await finished(s.url, o.id)).status, 'COMPLETED');

    // The poison failed alone, once, with an error that says why; its record was not written again.
    const p = await finished(s.url, poison.id);
    assert.equal(p.status, 'FAILED', JSON.stringify(p));
    assert.equal(p.attempts, 1);
    const pe = await lastExecution(s.url, poison.id);
    assert.equal(pe.status, 'FAILED');
    const perr = pe.error as { type: string; message: string };
    assert.equal(perr.type, 'ResultStoreError');
    assert.match(
      perr.message,
      /the database refused the execution's record \(.*record refused by refuse_poison/,
    );
    assert.equal(pe.output ?? null, null);

    // The hoarder's 12 MB of traffic was cut to fit 2 MB, with the marker; the run itself succeeded.
    const h = await finished(s.url, hoard.id);
    assert.equal(h.status, 'COMPLETED', JSON.stringify(h));
    const he = await lastExecution(s.url, hoard.id);
    assert.deepEqual(he.output, { fetched: 12 * MB });
    const row = await sql<{ n: number | string; http: string }>`
      select length(http) as n, http from executions where id = ${he.id}`.execute(store.db);
    assert.ok(Number(row.rows[0]!.n) <= 2 * MB, `stored HTTP record: ${row.rows[0]!.n} bytes`);
    assert.match(
      row.rows[0]!.http,
      /truncated by Ratchet: 1048576 characters; the execution record keeps at most 2097152 bytes \(execution\.max_result_bytes\)/,
    );
    const exchanges = JSON.parse(row.rows[0]!.http) as unknown[];
    assert.equal(exchanges.length, 12);

    // Direct execution: a short run (one INSERT) and a long one (a RUNNING row, then an UPDATE)
    // whose records are refused answer with the failure and leave no execution RUNNING.
    for (const name of ['poison', 'slow-poison']) {
      const direct = await api(s.url, `/tasks/${name}/execute`, { input: {} });
      assert.equal(direct.status, 'FAILED', JSON.stringify(direct));
      assert.equal((direct.error as { type: string }).type, 'ResultStoreError');
      const stored = await api(s.url, `/executions/${String(direct.executionId)}`);
      assert.equal(stored.status, 'FAILED');
    }
    const running = await sql<{ n: number | string }>`
      select count(*) as n from executions where status = 'RUNNING'`.execute(store.db);
    assert.equal(Number(running.rows[0]!.n), 0);

    // Every execution write refused from now on: the job's result can never be stored, and SIGTERM
    // must still end the process (it used to retry for ever against the closing store).
    await refuse(store, 'refuse_all', `new.status <> 'RUNNING' and new.job_id is not null`);
    const stuck = await api(s.url, '/jobs', { taskId: 'addition', input: { num1: 1, num2: 2 } });
    while (!/cannot store 1 job result\(s\) now; retrying/.test(s.output()))
      await new Promise((r) => setTimeout(r, 50));
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0, s.output());
    assert.match(s.output(), /1 job result\(s\) could not be stored before shutdown/);
    const left = await sql<{ status: string }>`select status from jobs where id = ${stuck.id}`.execute(
      store.db,
    );
    assert.equal(left.rows[0]!.status, 'PROCESSING'); // its lease expires and it runs again
  } finally {
    if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
    await store?.close();
    await temp.drop();
    big.closeAllConnections();
    await new Promise<void>((r) => big.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}

// The timeout only turns a wedged queue (the defect) into a failure instead of a hang.
for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(
    `poison results fail only their own execution; SIGTERM exits [${dialect}]`,
    { timeout: 180_000 },
    () => scenario(dialect),
  );
}
