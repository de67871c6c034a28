// Every tool of ALL_TOOLS, through the official client over HTTP on a fresh server: its documented
// example succeeds (or fails exactly as designed), and wrong argument types are tool errors that
// name every bad field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkers } from '../../app.ts';
import { executeNow } from '../../services/direct-execution.ts';
import { savePackage } from '../../tasks/stored-versions.ts';
import { loadTask } from '../../tasks/load.ts';
import { toolJsonSchemas } from './framework.ts';
import { processTools } from './tools/processes.ts';
import { ALL_TOOLS } from './tools/index.ts';
import { FOLDED } from './tools/toolsets.ts';
import { queueState } from '../../services/queue-control.ts';
import { withMcpHttp } from './test-helpers.ts';

/** Examples whose tool is designed to refuse them on this fixture, with the error code. */
const DESIGNED_TO_FAIL: Record<string, string> = {
  // execution 1 already finished: nothing to cancel.
  ratchet_cancel_execution: 'CONFLICT',
  // its example scans a server folder (/srv/ratchet/tasks) that does not exist here.
  ratchet_discover_tasks: 'VALIDATION_ERROR',
  // Over HTTP without mcp.allowed_roots a project path is refused (processes.test.ts runs them).
  ...Object.fromEntries(
    processTools.filter((t) => 'project_path' in t.input.shape).map((t) => [t.name, 'VALIDATION_ERROR']),
  ),
};

async function brokenTask(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-broken-'));
  await writeFile(join(dir, 'metadata.json'), JSON.stringify({ name: 'broken', version: '1.0.0' }));
  await writeFile(
    join(dir, 'main.js'),
    '(function (input) {\n  const user = input.user;\n  return { name: user.name };\n})\n',
  );
  return dir;
}

test('every tool: its example call works on a prepared server', async () => {
  const dir = await brokenTask();
  await withMcpHttp(
    async ({ app, connect }) => {
      await savePackage(app.store.db, await loadTask(dir), { changeSource: 'cli' });
      const workers = await startWorkers(app);
      try {
        const failed = await executeNow(app, { task: 'broken', input: {} });
        assert.equal(failed.id, 1);
        assert.equal(failed.status, 'FAILED');
        const client = await connect();
        // With every toolset listed, every tool is listed except the folded ones (which answer
        // tools/call by name, like every example below).
        const listed = (await client.listTools()).tools.map((t) => t.name);
        assert.deepEqual(
          [...listed].sort(),
          ALL_TOOLS.map((t) => t.name)
            .filter((n) => !(n in FOLDED))
            .sort(),
        );
        const problems: string[] = [];
        for (const def of ALL_TOOLS) {
          const res = await client.callTool({
            name: def.name,
            arguments: def.example,
          });
          for (const key of answerKeys(res.structuredContent))
            problems.push(`${def.name}: answer key "${key}" is not snake_case`);
          const err = (res.structuredContent as { error?: { code: string } } | undefined)?.error;
          const want = DESIGNED_TO_FAIL[def.name];
          if (want !== undefined) {
            if (!res.isError || err?.code !== want)
              problems.push(`${def.name}: expected ${want}, got ${JSON.stringify(res.structuredContent)}`);
          } else if (res.isError) {
            problems.push(`${def.name}: ${(res.content as { text: string }[])[0]?.text}`);
          }
        }
        assert.deepEqual(problems, []);
        // The operations toolset acts on the same switch as REST and the console.
        const call = async (name: string, args: Record<string, unknown>) =>
          (await client.callTool({ name, arguments: args })).structuredContent as Record<string, unknown>;
        assert.equal((await call('ratchet_set_queue_paused', { paused: true })).changed, true);
        assert.equal((await call('ratchet_get_queue_state', {})).paused, true);
        assert.equal((await queueState(app)).paused, true);
        assert.equal((await call('ratchet_set_queue_paused', { paused: false })).paused, false);
      } finally {
        await workers.stop(5000);
      }
    },
    { mcp: { tools: { toolsets: ['all', 'processes', 'operations'] } } },
    ['addition', 'http-fetch'],
  );
  await rm(dir, { recursive: true, force: true });
});

/** Fields holding the caller's or a task's own data, whose keys are theirs, not ours. */
const DATA_FIELDS = new Set([
  'input',
  'output',
  'expected_output',
  'data',
  'metadata',
  'files',
  'input_schema',
  'output_schema',
  'content',
  'value',
  'values',
  'actual',
  'expected',
  'before',
  'after',
  'details',
  'params',
  'executions_by_status',
  'jobs_by_status',
  'by_status',
  'headers',
  'request',
  'response',
  'body',
  'variables',
  'recorded',
  'replayed',
  'example',
  'schema',
  'json',
  'test_case',
  'arguments',
]);

/** Keys of an answer that are not snake_case (outside DATA_FIELDS). */
function answerKeys(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) answerKeys(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!/^[a-z0-9_]+$/.test(k) && !/^[A-Z_]+$/.test(k)) out.add(k);
      if (!DATA_FIELDS.has(k)) answerKeys(v, out);
    }
  }
  return out;
}

function wrongValue(schema: { type?: unknown; anyOf?: unknown[] }): unknown {
  const types = new Set<string>();
  const collect = (s: { type?: unknown; anyOf?: unknown[] }) => {
    if (Array.isArray(s.type)) s.type.forEach((t) => types.add(String(t)));
    else if (typeof s.type === 'string') types.add(s.type);
    for (const a of s.anyOf ?? []) collect(a as { type?: unknown });
  };
  collect(schema);
  if (!types.has('boolean')) return true;
  return [1, 2];
}

test('every tool: wrong argument types are tool errors naming each field', async () => {
  await withMcpHttp(async ({ connect }) => {
    const client = await connect();
    const problems: string[] = [];
    for (const def of ALL_TOOLS) {
      const props =
        (toolJsonSchemas(def).input as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
      const args: Record<string, unknown> = { not_an_argument: 1 };
      // Fields that accept any JSON value (a task's input or output) have no wrong type.
      const typed = Object.entries(props).filter(([, s]) => s.type !== undefined || 'anyOf' in s);
      for (const [name, schema] of typed) args[name] = wrongValue(schema);
      const res = await client.callTool({ name: def.name, arguments: args });
      const text = (res.content as { text: string }[])[0]?.text ?? '';
      if (!res.isError) problems.push(`${def.name}: accepted ${JSON.stringify(args)}`);
      for (const name of [...typed.map(([n]) => n), 'not_an_argument']) {
        if (!text.includes(`$.${name}`)) problems.push(`${def.name}: error does not name ${name}: ${text}`);
      }
      const code = (res.structuredContent as { error?: { code?: string } } | undefined)?.error?.code;
      if (code !== 'INVALID_ARGUMENTS') problems.push(`${def.name}: code ${code}`);
    }
    assert.deepEqual(problems, []);
  });
});

test('argument errors say what was sent and what is expected', async () => {
  await withMcpHttp(async ({ connect }) => {
    const client = await connect();
    const res = await client.callTool({
      name: 'ratchet_execute_task',
      arguments: { task_id: 7, input: 'x', taskId: 'addition' },
    });
    assert.equal(res.isError, true);
    const text = (res.content as { text: string }[])[0]!.text;
    assert.match(text, /\$\.task_id: expected string, got 7/);
    assert.match(text, /\$\.input: expected an object \(or JSON text of one\), got "x"/);
    assert.match(text, /\$\.taskId: unknown argument \(did you mean "task_id"\?\); allowed: task_id, input/);
  });
});
