// An agent's session over HTTP (stateless 2026-07-28 protocol), with the official client on a
// fresh server: create an HTTP-calling task with schemas and mocked tests, validate it, run its
// tests, execute it against a local server, read logs and trace, break it, analyse the error, fix
// it as a new version, compare versions, schedule it and see the scheduled run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startWorkers } from '../../app.ts';
import { startScheduler } from '../../services/scheduling/loop.ts';
import { ok, withMcpHttp } from './test-helpers.ts';

const CODE = `(function (input) {
  const response = fetch(input.base + '/users/' + input.id);
  if (!response.ok) throw new HttpError(response.status, 'user ' + input.id + ' answered ' + response.status);
  const user = response.body;
  console.info('fetched ' + user.name);
  return { id: input.id, name: user.name.toUpperCase() };
})`;

const BROKEN = CODE.replace('user.name.toUpperCase()', 'user.profile.name.toUpperCase()');

test('agent scenario: create → validate → test → execute → logs/trace → break → analyse → fix → version → compare → schedule', async () => {
  const api = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name: `user-${req.url?.split('/').pop()}` }));
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const addr = api.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  try {
    await withMcpHttp(async ({ app, connect }) => {
      // The API is on loopback, which tasks may not reach unless its exact host:port is allowed.
      app.config.http.allowed_hosts = [new URL(base).host];
      // What ratchet serve runs besides the HTTP server: workers for jobs, the scheduler.
      const workers = await startWorkers(app);
      const scheduler = startScheduler(app);
      try {
        const c = await connect({ protocol: 'modern' });
        const call = async (name: string, args: Record<string, unknown>) =>
          ok(await c.callTool({ name, arguments: args }));
        await call('ratchet_create_task', {
          name: 'user-name',
          description: 'Fetches a user and returns the name in capitals',
          code: CODE,
          input_schema: {
            type: 'object',
            required: ['base', 'id'],
            properties: { base: { type: 'string' }, id: { type: 'integer' } },
          },
          output_schema: {
            type: 'object',
            required: ['id', 'name'],
            properties: { id: { type: 'integer' }, name: { type: 'string' } },
          },
          test_cases: [
            {
              name: 'mocked-user',
              input: { base: 'https://api.example.test', id: 7 },
              expected_output: { id: 7, name: 'ADA' },
              mock_http: {
                requests: [
                  {
                    method: 'GET',
                    url: 'https://api.example.test/users/7',
                    response: { status: 200, body: { name: 'ada' } },
                  },
                ],
              },
            },
          ],
        });
        const valid = await call('ratchet_validate_task', { task_id: 'user-name' });
        assert.equal(valid.valid, true, JSON.stringify(valid));
        const tests = await call('ratchet_run_task_tests', { task_id: 'user-name' });
        assert.equal(tests.passed, 1, JSON.stringify(tests));
        const run = await call('ratchet_execute_task', { task_id: 'user-name', input: { base, id: 3 } });
        assert.deepEqual(run.output, { id: 3, name: 'USER-3' });
        const logs = await call('ratchet_get_execution_logs', { execution_id: run.execution_id });
        assert.ok(logs.logs.some((l: { message: string }) => l.message === 'fetched user-3'));
        const trace = await call('ratchet_get_execution_trace', { execution_id: run.execution_id });
        assert.equal(trace.http_calls[0].url, `${base}/users/3`);
        assert.equal(trace.http_calls[0].status, 200);

        await call('ratchet_edit_task', { task_id: 'user-name', code: BROKEN, new_version: '1.1.0' });
        const broken = await call('ratchet_execute_task', { task_id: 'user-name', input: { base, id: 3 } });
        assert.equal(broken.status, 'FAILED');
        assert.equal(broken.task_version, '1.1.0');
        const why = await call('ratchet_analyze_execution_error', { execution_id: broken.execution_id });
        assert.equal(why.diagnosis.error_type, 'TypeError');
        assert.ok(
          why.diagnosis.code_context.some(
            (l: { failing: boolean; text: string }) => l.failing && l.text.includes('user.profile.name'),
          ),
          JSON.stringify(why.diagnosis),
        );
        assert.ok(why.diagnosis.suggestions.length > 0);

        await call('ratchet_create_task_version', { task_id: 'user-name', new_version: '1.2.0', code: CODE });
        const fixed = await call('ratchet_execute_task', { task_id: 'user-name', input: { base, id: 4 } });
        assert.deepEqual(fixed.output, { id: 4, name: 'USER-4' });
        const diff = await call('ratchet_compare_task_versions', {
          task_id: 'user-name',
          from_version: '1.1.0',
          to_version: '1.2.0',
        });
        assert.match(JSON.stringify(diff), /user\.profile\.name/);

        // Six-field cron: every second, so the scheduled run happens during the test.
        const { schedule } = await call('ratchet_schedule_task', {
          task_id: 'user-name',
          cron_expression: '* * * * * *',
          input: { base, id: 9 },
          name: 'user-9',
        });
        let seen: { status: string; execution_id: number } | undefined;
        let answer: unknown;
        for (let i = 0; i < 200 && !seen; i++) {
          const jobs = await call('ratchet_list_jobs', { schedule_id: schedule.schedule_id });
          if (jobs.jobs.length > 0) {
            // The schedule's first run (the list is newest first): a run queued every second can
            // wait behind the earlier ones on a loaded machine, the first is next in line.
            const status = await call('ratchet_get_job_status', {
              job_id: jobs.jobs[jobs.jobs.length - 1].job_id,
              wait_seconds: 30,
            });
            answer = status;
            seen = status.executions[0];
          } else await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(seen, 'the schedule queued a run');
        assert.equal(seen.status, 'COMPLETED', JSON.stringify(answer));
        const e = await call('ratchet_get_execution_status', { execution_id: seen.execution_id });
        assert.deepEqual(e.output, { id: 9, name: 'USER-9' });
        await call('ratchet_update_schedule', { schedule_id: 'user-9', enabled: false });
        await call('ratchet_delete_schedule', { schedule_id: 'user-9' });
      } finally {
        await scheduler.stop();
        await workers.stop(5000);
      }
    });
  } finally {
    api.close();
  }
});
