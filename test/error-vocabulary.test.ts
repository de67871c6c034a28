// One error vocabulary (services/error-codes.ts): a missing job, task or schedule reads the same
// through the built CLI, REST, GraphQL and MCP (the official client), with each face's own signal:
// exit code 1, HTTP 404 + NOT_FOUND, extensions.code NOT_FOUND, tool error NOT_FOUND.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, cleanEnv } from '../src/cli/test-helpers/cli-process.ts';
import { withMcpHttp } from '../src/api/mcp/test-helpers.ts';

interface Case {
  what: string;
  message: string;
  cli: string[];
  rest: string;
  graphql: string;
  tool: { name: string; arguments: Record<string, unknown> };
}

const CASES: Case[] = [
  {
    what: 'a job by id',
    message: 'no job 999',
    cli: ['job', 'show', '999'],
    rest: '/api/v1/jobs/999',
    graphql: '{ job(id: "999") { id } }',
    tool: { name: 'ratchet_get_job_status', arguments: { job_id: 999 } },
  },
  {
    what: 'a job by a reference that can never match',
    message: 'no job nope (give a numeric id or a UUID)',
    cli: ['job', 'show', 'nope'],
    rest: '/api/v1/jobs/nope',
    graphql: '{ job(id: "nope") { id } }',
    tool: { name: 'ratchet_get_job_status', arguments: { job_id: 'nope' } },
  },
  {
    what: 'a task',
    message: 'no task "nope" (give a numeric id, a UUID or a name)',
    cli: ['task', 'show', 'nope'],
    rest: '/api/v1/tasks/nope',
    graphql: '{ task(name: "nope") { id } }',
    tool: { name: 'ratchet_get_task_info', arguments: { task_id: 'nope' } },
  },
  {
    what: 'a schedule',
    message: 'no schedule "nope" (give a numeric id, a UUID or a name)',
    cli: ['schedule', 'trigger', 'nope'],
    rest: '/api/v1/schedules/nope',
    graphql: 'mutation { triggerSchedule(id: "nope") { job { id } } }',
    tool: { name: 'ratchet_delete_schedule', arguments: { schedule_id: 'nope' } },
  },
];

void test('not found reads the same on the CLI, REST, GraphQL and MCP', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ratchet-errors-'));
  try {
    await withMcpHttp(async ({ app, base, connect }) => {
      const config = path.join(dir, 'ratchet.yaml');
      await writeFile(config, `server:\n  database:\n    url: "${app.store.url}"\n`);
      const client = await connect();
      for (const c of CASES) {
        const cli = await runCli([...c.cli, '--config', config], { cwd: dir, env: cleanEnv() });
        assert.equal(cli.code, 1, `${c.what}: CLI exit code\n${cli.stderr}`);
        assert.equal(cli.stderr.trim(), `error: ${c.message}`, `${c.what}: CLI`);

        const res = await fetch(`${base}${c.rest}`);
        assert.equal(res.status, 404, `${c.what}: REST status`);
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.deepEqual([body.error.code, body.error.message], ['NOT_FOUND', c.message], `${c.what}: REST`);

        const gql = (await (
          await fetch(`${base}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: c.graphql }),
          })
        ).json()) as { errors?: { message: string; extensions: { code: string } }[] };
        const e = gql.errors?.[0];
        assert.deepEqual([e?.extensions.code, e?.message], ['NOT_FOUND', c.message], `${c.what}: GraphQL`);

        const tool = (await client.callTool(c.tool)) as {
          isError?: boolean;
          structuredContent?: { error?: { code: string; message: string } };
        };
        assert.equal(tool.isError, true, `${c.what}: MCP isError`);
        const err = tool.structuredContent?.error;
        assert.deepEqual([err?.code, err?.message], ['NOT_FOUND', c.message], `${c.what}: MCP`);
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
