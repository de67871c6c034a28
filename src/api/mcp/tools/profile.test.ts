// ratchet_get_execution_profile through the official MCP client over HTTP: a stored task run on an
// input with its test-case mock delayed (the fetch shows the delay, the trace orders the events),
// a past execution profiled by replaying it after its server is gone (the recorded fetch time
// shows again), and arguments that cannot be used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { savePackage } from '../../../tasks/stored-versions.ts';
import { loadTask } from '../../../tasks/load.ts';
import { ok, withMcpHttp } from '../test-helpers.ts';
import { ALL_TOOLS } from './index.ts';

const MOCKED_URL = 'https://api.example.test/n';

// The task's timer is 200 ms: at 20, a stall of the busy test machine between setTimeout and the
// host's wait (CI, 2 cores) left the timer already due, nothing was waited, and timer_wait_ms was 0.
async function taskFolder(root: string): Promise<string> {
  const dir = path.join(root, 'doubler');
  await mkdir(path.join(dir, 'tests'), { recursive: true });
  await writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ name: 'doubler', version: '1.0.0' }));
  await writeFile(
    path.join(dir, 'main.js'),
    `(function (input, context) {
  console.log('fetching ' + input.url);
  var r = fetch(input.url);
  context.reportProgress(0.5, 'fetched');
  return new Promise(function (resolve) {
    setTimeout(function () { resolve({ v: r.json().n * 2 }); }, 200);
  });
})`,
  );
  await writeFile(
    path.join(dir, 'tests', 'test-001.json'),
    JSON.stringify({
      input: { url: MOCKED_URL },
      expected_output: { v: 42 },
      mock_http: {
        requests: [{ method: 'GET', url: MOCKED_URL, response: { status: 200, body: { n: 21 } } }],
      },
    }),
  );
  return dir;
}

const tool = () => ALL_TOOLS.find((t) => t.name === 'ratchet_get_execution_profile')!;

test('ratchet_get_execution_profile: a delayed mock, a replayed execution, and unusable arguments', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'ratchet-mcp-profile-'));
  // Answers after 150 ms, so the recorded exchange of the live run took at least that long.
  const server = createServer((_req, res) => {
    setTimeout(() => res.setHeader('content-type', 'application/json').end('{"n":5}'), 150);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await withMcpHttp(
      async ({ app, connect }) => {
        await savePackage(app.store.db, await loadTask(await taskFolder(root)), { changeSource: 'cli' });
        const client = await connect();

        const mocked = ok(
          await client.callTool({
            name: 'ratchet_get_execution_profile',
            arguments: { task_id: 'doubler', input: { url: MOCKED_URL }, simulate_network_delay_ms: 200 },
          }),
        );
        tool().output.parse(mocked);
        assert.equal(mocked.status, 'COMPLETED');
        assert.deepEqual(mocked.output, { v: 42 });
        assert.equal(mocked.source, 'input');
        assert.match(mocked.http, /answered by the 1 mock\(s\) of the test cases, each after 200 ms/);
        const [fetched] = mocked.profile.fetches;
        assert.equal(fetched.method, 'GET');
        assert.equal(fetched.url, MOCKED_URL);
        assert.equal(fetched.status, 200);
        assert.ok(fetched.duration_ms >= 200, `the fetch took ${fetched.duration_ms} ms`);
        assert.ok(mocked.profile.fetch_ms >= 200);
        assert.ok(mocked.profile.timer_wait_ms > 0, 'the setTimeout wait is counted');
        assert.deepEqual(
          mocked.profile.phases.map((p: { phase: string }) => p.phase).filter((p: string) => p !== 'prepare'),
          ['instance', 'restore', 'load', 'input', 'run', 'output', 'output-validation'],
        );
        assert.ok(mocked.profile.memory.peak_heap_bytes >= mocked.profile.memory.heap_start_bytes);
        const kinds = mocked.trace.map((e: { kind: string }) => e.kind);
        assert.equal(kinds[0], 'start');
        assert.equal(kinds.at(-1), 'end');
        const order = ['log', 'http', 'progress'].map((k) => kinds.indexOf(k));
        assert.deepEqual(
          order,
          [...order].sort((a, b) => a - b),
          `log, then fetch, then progress: ${kinds.join(' ')}`,
        );
        assert.ok(
          mocked.trace.some(
            (e: { summary: string }) => e.summary === 'log: fetching https://api.example.test/n',
          ),
        );

        const ran = ok(
          await client.callTool({
            name: 'ratchet_execute_task',
            arguments: { task_id: 'doubler', input: { url: `http://${host}/n` } },
          }),
        );
        assert.deepEqual(ran.output, { v: 10 });
        await new Promise((resolve) => server.close(resolve));
        const replayed = ok(
          await client.callTool({
            name: 'ratchet_get_execution_profile',
            arguments: { execution_id: ran.execution_id },
          }),
        );
        tool().output.parse(replayed);
        assert.equal(replayed.source, `execution ${ran.execution_id}`);
        assert.deepEqual(replayed.output, { v: 10 });
        assert.deepEqual(replayed.replay_mismatches, []);
        assert.equal(replayed.profile.fetches[0].status, 200);
        assert.ok(replayed.profile.fetches[0].duration_ms >= 150, 'the recorded fetch time is waited again');

        for (const [args, message] of [
          [{ input: {} }, /give either task_id \(with input\) or execution_id/],
          [{ task_id: 'doubler', execution_id: 1 }, /give either task_id/],
          [
            { task_id: 'doubler', network: 'live', simulate_network_delay_ms: 5 },
            /does not apply to network \\"live\\"/,
          ],
          [{ execution_id: ran.execution_id, input: {} }, /drop input/],
          [{ task_id: 'nope' }, /nope/],
        ] as const) {
          const bad = await client.callTool({ name: 'ratchet_get_execution_profile', arguments: args });
          assert.equal(bad.isError, true, JSON.stringify(args));
          assert.match(JSON.stringify(bad.content), message);
        }
      },
      { http: { allowed_hosts: [host] } },
      [],
    );
  } finally {
    server.close();
    await rm(root, { recursive: true, force: true });
  }
});
