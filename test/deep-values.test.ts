// Deeply nested values against a real `ratchet serve` process (issue 12, items 1 and 4). An input
// nesting 6,000 levels sent to REST's direct execute, POST /api/v1/jobs and MCP's execute and
// create-job tools used to end the process (structured clone overflowed the stack inside a
// microtask), and as a job it was stored first, so the restarted server died again. Now every door
// refuses it with a clear error naming execution.max_json_depth, nothing is stored, the server keeps
// answering and the next job completes. A task returning 5,000 levels fails its own run with
// OutputLimitError, again and again, without leaking a slot of the synchronous-execution pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startServe, waitReady, type ServeProcess } from '../src/cli/test-helpers/serve-process.ts';
import { runCli } from '../src/cli/test-helpers/cli-process.ts';

const SAMPLE = new URL('../sample/tasks/', import.meta.url).pathname;
/** JSON text nesting `depth` arrays (built as text: JSON.stringify itself overflows at this depth). */
const nested = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
/** A data-filter input whose filter value nests 6,000 levels: valid for the task's input schema. */
const DEEP_INPUT = `{"data":[{"a":1}],"filter":{"field":"a","operator":"equals","value":${nested(6000)}}}`;

interface Envelope {
  data?: Record<string, unknown>;
  error?: { code: string; message: string; details?: { fields?: { path: string; message: string }[] } };
}

async function post(url: string, body: string): Promise<{ status: number; json: Envelope }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, json: (await res.json()) as Envelope };
}

async function waitForJob(base: string, id: unknown): Promise<Record<string, unknown>> {
  for (;;) {
    const res = await fetch(`${base}/api/v1/jobs/${String(id)}`);
    const job = ((await res.json()) as Envelope).data!;
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status as string)) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function assertNamesTheLimit(text: string): void {
  assert.match(text, /more than 256 levels deep; the limit is 256 \(execution\.max_json_depth\)/, text);
}

void test('a depth-6,000 input is refused by REST, the job API and MCP; the server answers and the next job completes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-deep-'));
  let s: ServeProcess | undefined = undefined;
  t.after(() => {
    s?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  cpSync(join(SAMPLE, 'data-filter'), join(dir, 'tasks', 'data-filter'), { recursive: true });
  cpSync(join(SAMPLE, 'addition'), join(dir, 'tasks', 'addition'), { recursive: true });
  writeFileSync(join(dir, 'ratchet.yaml'), 'server:\n  rate_limit:\n    enabled: false\n');
  s = await startServe(['--config', 'ratchet.yaml'], dir);
  await waitReady(s.url);
  const api = `${s.url}/api/v1`;

  const direct = await post(`${api}/tasks/data-filter/execute`, `{"input":${DEEP_INPUT}}`);
  assert.equal(direct.status, 422, JSON.stringify(direct.json));
  assert.equal(direct.json.error?.details?.fields?.[0]?.path, '$.input');
  assertNamesTheLimit(direct.json.error.details.fields[0].message);

  const job = await post(`${api}/jobs`, `{"taskId":"data-filter","input":${DEEP_INPUT}}`);
  assert.equal(job.status, 422, JSON.stringify(job.json));
  assertNamesTheLimit(job.json.error!.details!.fields![0]!.message);

  const schedule = await post(
    `${api}/schedules`,
    `{"taskId":"data-filter","cronExpression":"0 * * * *","input":${DEEP_INPUT}}`,
  );
  assert.equal(schedule.status, 422, JSON.stringify(schedule.json));
  assertNamesTheLimit(schedule.json.error!.details!.fields![0]!.message);

  // The CLI's enqueue refuses it as a usage error before it opens the database.
  const cli = await runCli(['job', 'enqueue', 'data-filter', '--input-json', DEEP_INPUT], { cwd: dir });
  assert.equal(cli.code, 2, cli.stderr);
  assert.match(cli.stderr, /--input-json: the input nests arrays\/objects more than 256 levels deep/);

  // The official MCP client; the deep values are spliced into the request text it sends, since
  // serialising such a value is exactly what overflows.
  const client = new Client({ name: 'deep-values-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), {
      fetch: (url, init) =>
        fetch(url, {
          ...init,
          body:
            typeof init?.body === 'string'
              ? init.body.replace('"@DEEP@"', DEEP_INPUT).replace('"@260@"', nested(260))
              : init?.body,
        }),
    }),
  );
  t.after(() => client.close());
  for (const name of ['ratchet_execute_task', 'ratchet_create_job']) {
    // 6,000 levels: refused before the SDK would serialise the message again.
    await assert.rejects(
      client.callTool({ name, arguments: { task_id: 'data-filter', input: '@DEEP@' } }),
      (err: Error) => {
        assert.match(err.message, /a task input may nest at most 256 levels \(execution\.max_json_depth\)/);
        return true;
      },
    );
    // 262 levels: the tool itself answers with a tool error.
    const r = (await client.callTool({
      name,
      arguments: {
        task_id: 'data-filter',
        input: { data: [], filter: { field: 'a', operator: 'equals', value: '@260@' } },
      },
    })) as { isError?: boolean; content: { type: string; text: string }[] };
    assert.equal(r.isError, true, `${name}: ${JSON.stringify(r)}`);
    assertNamesTheLimit(r.content[0]!.text);
  }

  const batch = (await client.callTool({
    name: 'ratchet_batch_execute',
    arguments: {
      requests: [
        {
          id: 'deep',
          task_id: 'data-filter',
          input: { data: [], filter: { field: 'a', operator: 'equals', value: '@260@' } },
        },
      ],
    },
  })) as { structuredContent: { results: { status: string; error: { message: string } }[] } };
  assert.equal(batch.structuredContent.results[0]!.status, 'REJECTED', JSON.stringify(batch));
  assertNamesTheLimit(batch.structuredContent.results[0]!.error.message);

  // Nothing was stored, the process is alive, and the queue still works.
  const list = (await (await fetch(`${api}/jobs`)).json()) as { data: unknown[] };
  assert.deepEqual(list.data, []);
  assert.equal((await fetch(`${s.url}/health`)).status, 200);
  const next = await post(
    `${api}/jobs`,
    '{"taskId":"data-filter","input":{"data":[{"a":1},{"a":2}],"filter":{"field":"a","operator":"equals","value":2}}}',
  );
  assert.equal(next.status, 201, JSON.stringify(next.json));
  const done = await waitForJob(s.url, next.json.data!.id);
  assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
  assert.equal(s.child.exitCode, null, s.output());
});

void test('a depth-5,000 output fails its run cleanly (direct and queued), and the next execute answers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-deep-out-'));
  let s: ServeProcess | undefined = undefined;
  t.after(() => {
    s?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  mkdirSync(join(dir, 'tasks', 'deep'), { recursive: true });
  writeFileSync(
    join(dir, 'tasks', 'deep', 'metadata.json'),
    JSON.stringify({ name: 'deep', version: '1.0.0', description: 'returns a deeply nested value' }),
  );
  writeFileSync(
    join(dir, 'tasks', 'deep', 'main.js'),
    'function main(input) { let v = 1; for (let i = 0; i < input.depth; i++) v = [v]; return v; }',
  );
  cpSync(join(SAMPLE, 'addition'), join(dir, 'tasks', 'addition'), { recursive: true });
  // One synchronous-execution thread: a leaked slot would make the third execute hang.
  writeFileSync(
    join(dir, 'ratchet.yaml'),
    'server:\n  rate_limit:\n    enabled: false\n  workers:\n    worker_count: 1\n',
  );
  s = await startServe(['--config', 'ratchet.yaml'], dir);
  await waitReady(s.url);
  const api = `${s.url}/api/v1`;

  for (let i = 0; i < 3; i++) {
    const r = await post(`${api}/tasks/deep/execute`, '{"input":{"depth":5000}}');
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.data!.status, 'FAILED');
    const error = r.json.data!.error as { type: string; message: string };
    assert.equal(error.type, 'OutputLimitError');
    assert.match(error.message, /the task's output nests arrays\/objects more than 256 levels deep/);
    assert.match(error.message, /execution\.max_json_depth/);
  }
  const ok = await post(`${api}/tasks/addition/execute`, '{"input":{"num1":2,"num2":3}}');
  assert.equal(ok.json.data!.status, 'COMPLETED', JSON.stringify(ok.json));
  assert.deepEqual(ok.json.data!.output, { sum: 5, product: 6 });

  // Queued: the job fails once (not retried: the task would return the same value), the next completes.
  const deep = await post(`${api}/jobs`, '{"taskId":"deep","input":{"depth":5000},"maxRetries":3}');
  const failed = await waitForJob(s.url, deep.json.data!.id);
  assert.equal(failed.status, 'FAILED', JSON.stringify(failed));
  assert.equal(failed.attempts, 1);
  const next = await post(`${api}/jobs`, '{"taskId":"addition","input":{"num1":1,"num2":1}}');
  assert.equal((await waitForJob(s.url, next.json.data!.id)).status, 'COMPLETED');
  assert.equal(s.child.exitCode, null, s.output());
});
