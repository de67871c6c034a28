// mcp.request_timeout through the official MCP client over Streamable HTTP: a call that would take
// longer (a 5 s job wait) is cancelled and answered with a TIMEOUT tool error naming the setting,
// and a quick call is unaffected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok, withMcpHttp } from './test-helpers.ts';

test('mcp.request_timeout answers a call that runs past it with TIMEOUT; quick calls are unaffected', async () => {
  await withMcpHttp(
    async ({ connect }) => {
      const client = await connect();
      const queued = ok(
        await client.callTool({
          name: 'ratchet_create_job',
          arguments: { task_id: 'addition', input: { num1: 1, num2: 2 }, delay_seconds: 3600 },
        }),
      );
      // No worker runs and the job is due in an hour: without the limit this waits the full 5 s.
      const res = (await client.callTool({
        name: 'ratchet_get_job_status',
        arguments: { job_id: queued.job.job_id, wait_seconds: 5 },
      })) as { isError?: boolean; structuredContent: { error: { code: string; message: string } } };
      assert.equal(res.isError, true);
      assert.equal(res.structuredContent.error.code, 'TIMEOUT');
      assert.match(
        res.structuredContent.error.message,
        /ratchet_get_job_status did not finish within 1 s \(mcp\.request_timeout\); the call was cancelled/,
      );
      const status = ok(
        await client.callTool({
          name: 'ratchet_get_job_status',
          arguments: { job_id: queued.job.job_id, wait_seconds: 0 },
        }),
      );
      assert.equal(status.job.status, 'QUEUED');
    },
    { mcp: { request_timeout: 1 } },
  );
});
