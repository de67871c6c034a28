// The agent guide's MCP examples, called verbatim (their tool names and arguments) through the
// official client on a folder of tasks that was never synced by hand: over stdio (`ratchet
// mcp-serve` started in the project, which discovers its task folders) and over HTTP (paths only
// under mcp.allowed_roots). Where the guide's example names an execution id it cannot know
// (`"exec-uuid"`), the test sends the id of the execution its own earlier call created.
// Also: the guide's other names answer as unlisted aliases, toolsets grow at run time, and an edit
// on disk is seen by the next call. Build first (the stdio half drives dist/cli/main.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { spawnSync } from 'node:child_process';
import { createKey } from '../../services/api-keys.ts';
import { connectStdio, MAIN_JS, ok, withMcpHttp } from './test-helpers.ts';
import { guideProject, WEATHER_MAIN } from './guide-project-fixture.ts';
import { GUIDE_TOOL_NAMES } from './tool-names.ts';
import { FOLDED } from './tools/toolsets.ts';

type Result = {
  isError?: boolean;
  content?: { text?: string }[];
  structuredContent?: Record<string, unknown>;
};
const call = async (c: Client, name: string, args: Record<string, unknown>): Promise<Result> =>
  (await c.callTool({ name, arguments: args })) as Result;

/** The guide's MCP Development Workflow, steps 2–6, plus its trace and create_task examples. */
async function guideWorkflow(client: Client, name: (bare: string) => string, dir: string): Promise<void> {
  const info = ok(await call(client, name('get_task_info'), { task_id_or_path: 'sample/js-tasks/addition' }));
  assert.equal(info.task.name, 'addition');
  const checked = ok(
    await call(client, name('validate_task_input'), {
      task_id_or_path: 'weather-api/',
      input: { location: 'London', apiKey: 'test-key', units: 'metric' },
    }),
  );
  assert.equal(checked.valid, true);
  const run = ok(
    await call(client, name('execute_task'), {
      task_id_or_path: 'weather-api/',
      input: { location: 'London', apiKey: 'your-real-api-key', units: 'metric' },
    }),
  );
  assert.equal(run.status, 'FAILED');
  assert.equal(run.error.type, 'HttpError');
  const id = run.execution_uuid as string;
  assert.equal(ok(await call(client, name('get_execution_status'), { execution_id: id })).status, 'FAILED');
  const logs = ok(
    await call(client, name('get_execution_logs'), { execution_id: id, level: 'debug', limit: 50 }),
  );
  assert.ok(logs.logs.some((l: { message: string }) => l.message === 'looking up London'));
  const why = ok(
    await call(client, name('analyze_execution_error'), { execution_id: id, include_suggestions: true }),
  );
  assert.equal(why.failed, true);
  assert.ok(why.diagnosis.suggestions.length > 0);
  const trace = ok(await call(client, name('get_execution_trace'), { execution_id: id }));
  assert.ok(trace.timeline.length > 0);
  // The guide's create_task asks for generated code; the error says what to send instead.
  const created = await call(client, name('create_task'), {
    task_name: 'advanced-data-processor',
    specification: { purpose: 'Process complex data transformations with validation' },
    auto_generate_schemas: true,
    include_error_handling: true,
    create_test_suite: true,
  });
  assert.equal(created.isError, true);
  const text = created.content?.[0]?.text ?? '';
  assert.match(text, /\$\.specification: not supported: .*send the JavaScript as "code"/);
  assert.match(text, /\$\.auto_generate_schemas: not supported: .*"input_schema"/);
  assert.doesNotMatch(text, /\$\.task_name/);
  // An edit on disk is seen by the next call, without a sync and without a version bump.
  await writeFile(join(dir, 'weather-api', 'main.js'), WEATHER_MAIN.replace("!== 'test-key'", '=== ""'));
  const again = ok(
    await call(client, name('execute_task'), {
      task_id_or_path: 'weather-api/',
      input: { location: 'London', apiKey: 'your-real-api-key', units: 'metric' },
    }),
  );
  assert.equal(again.status, 'COMPLETED');
  assert.match(again.task_version, /^1\.0\.0-local-/);
}

test('guide over stdio: mcp-serve in a project lists its folders and runs the guide verbatim', async () => {
  const dir = await guideProject();
  const { client } = await connectStdio(['mcp-serve'], { cwd: dir });
  try {
    const listed = ok(await call(client, 'ratchet_list_available_tasks', {}));
    assert.deepEqual(listed.tasks.map((t: { name: string }) => t.name).sort(), ['addition', 'weather-api']);
    await guideWorkflow(client, (bare) => `ratchet_${bare}`, dir);
    // The guide's other names answer (unlisted), as do folded tools; nothing else is invented.
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const [alias, target] of Object.entries(GUIDE_TOOL_NAMES)) {
      assert.ok(!names.includes(`ratchet_${alias}`), alias);
      const r = await call(client, `ratchet_${alias}`, { no_such_argument: 1 });
      assert.equal(r.isError, true);
      assert.match(r.content?.[0]?.text ?? '', new RegExp(`invalid arguments for ${target}`));
    }
    for (const folded of Object.keys(FOLDED)) {
      assert.ok(!names.includes(folded), folded);
      const r = await call(client, folded, { no_such_argument: 1 });
      assert.match(r.content?.[0]?.text ?? '', new RegExp(`invalid arguments for ${folded}`));
    }
    await assert.rejects(call(client, 'ratchet_execute_tsk', {}), /did you mean ratchet_execute_task/);
    // Toolsets: jobs are not listed by default, callable by name, and listed once enabled.
    assert.ok(!names.includes('ratchet_create_job'));
    assert.ok(names.includes('ratchet_enable_toolset'));
    const enabled = ok(await call(client, 'ratchet_enable_toolset', { toolset: 'jobs' }));
    assert.equal(enabled.listed, true);
    assert.ok(
      enabled.tools.some(
        (t: { name: string }) => t.name === 'ratchet_trigger_schedule' || t.name === 'ratchet_create_job',
      ),
    );
    assert.ok((await client.listTools()).tools.some((t) => t.name === 'ratchet_create_job'));
  } finally {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('guide over HTTP: bare names, task folders only under mcp.allowed_roots', async () => {
  const dir = await guideProject();
  try {
    await withMcpHttp(
      async ({ connect }) => {
        const client = await connect();
        await guideWorkflow(client, (bare) => bare, dir);
        for (const outside of ['/etc', '../', join(dir, '..')]) {
          const r = await call(client, 'get_task_info', { task_id_or_path: outside });
          assert.equal(r.isError, true, outside);
          assert.match(
            r.content?.[0]?.text ?? '',
            /\$\.task_id_or_path|outside mcp\.allowed_roots|no task folder/,
          );
        }
      },
      { mcp: { allowed_roots: [dir] } },
    );
    await withMcpHttp(async ({ connect }) => {
      const client = await connect();
      // A misspelt name gets the nearest one; an unknown key inside a batch item is named.
      const typo = await call(client, 'execute_task', {
        task_id: 'adition',
        input: '{"num1": 1, "num2": 2}',
      });
      assert.match(typo.content?.[0]?.text ?? '', /no task "adition".*did you mean "addition"\?/);
      const batch = await call(client, 'execute_task_batch', {
        requests: [{ id: 'a', task_id: 'addition', input: { num1: 1, num2: 2 }, inptu: {} }],
      });
      assert.equal(batch.isError, true);
      assert.match(
        batch.content?.[0]?.text ?? '',
        /\$\.requests\[0\]\.inptu: unknown key \(did you mean "input"\?\)/,
      );
      const sched = await call(client, 'trigger_schedule', { schedule_id: 'nightly-addition' });
      assert.match(sched.content?.[0]?.text ?? '', /no schedule "nightly-addition"/);
      // The guide's own spelling, ratchet.<name>, answers too.
      const dotted = ok(await call(client, 'ratchet.get_task_info', { task_id_or_path: 'addition' }));
      assert.equal(dotted.task.name, 'addition');
      // Errors name the arguments as the caller sent them.
      const wrong = await call(client, 'get_task_info', { task_id_or_path: 7 });
      assert.match(wrong.content?.[0]?.text ?? '', /\$\.task_id_or_path: expected string, got 7/);
      // JSON text as input is parsed, with a note saying to send an object.
      const text = await call(client, 'execute_task', {
        task_id: 'addition',
        input: '{"num1": 1, "num2": 2}',
      });
      assert.equal(ok(text).status, 'COMPLETED');
      assert.match(text.content?.[1]?.text ?? '', /input was sent as a JSON string/);
      const r = await call(client, 'get_task_info', { task_id_or_path: join(dir, 'weather-api') });
      assert.equal(r.isError, true);
      assert.match(r.content?.[0]?.text ?? '', /mcp\.allowed_roots, which is empty/);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('mcp-serve --toolsets: all lists every toolset at start; an unknown name is a usage error', async () => {
  const dir = await guideProject();
  try {
    const { client } = await connectStdio(['mcp-serve', '--toolsets', 'all'], { cwd: dir });
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      for (const n of ['ratchet_create_job', 'ratchet_trigger_schedule', 'ratchet_sync_registry'])
        assert.ok(names.includes(n), n);
    } finally {
      await client.close();
    }
    const bad = spawnSync(process.execPath, [MAIN_JS, 'mcp-serve', '--toolsets', 'tasks,nope'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--toolsets tasks,nope: unknown toolset nope; known: tasks, testing, execution/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a viewer may read a folder already stored, but not store new folder content', async () => {
  const dir = await guideProject();
  const keys: Record<string, string> = {};
  try {
    await withMcpHttp(
      async ({ connect }) => {
        const admin = await connect({ token: keys.admin });
        ok(await call(admin, 'get_task_info', { task_id_or_path: 'weather-api/' }));
        const viewer = await connect({ token: keys.viewer });
        ok(await call(viewer, 'get_task_info', { task_id_or_path: 'weather-api/' }));
        const fresh = await call(viewer, 'get_task_info', { task_id_or_path: 'sample/js-tasks/addition' });
        assert.equal(fresh.isError, true);
        assert.match(fresh.content?.[0]?.text ?? '', /needs write access/);
      },
      { server: { auth: { required: true } }, mcp: { allowed_roots: [dir] } },
      [],
      async (app) => {
        keys.admin = (await createKey(app.store.db, { name: 'a', role: 'admin' })).key;
        keys.viewer = (await createKey(app.store.db, { name: 'v', role: 'viewer' })).key;
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
