// Waiting for a job through the official client: wait_seconds is capped below the client's default
// 60 s request timeout, and while it waits the server sends progress, so a client that resets its
// timeout on progress keeps waiting past a request timeout shorter than the wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok, withMcpHttp } from './test-helpers.ts';

test('get_job_status waits at most 50 s and sends progress while it waits', async () => {
  await withMcpHttp(
    async ({ connect }) => {
      const client = await connect();
      const tool = (await client.listTools()).tools.find((t) => t.name === 'ratchet_get_job_status')!;
      const waitSchema = (tool.inputSchema.properties as Record<string, { maximum?: number }>).wait_seconds!;
      assert.equal(waitSchema.maximum, 50);
      assert.match(tool.description!, /up to 50, below the usual 60 s client request timeout/);

      const tooLong = await client.callTool({
        name: 'ratchet_get_job_status',
        arguments: { job_id: 1, wait_seconds: 60 },
      });
      assert.equal(tooLong.isError, true);
      assert.match((tooLong.content as { text: string }[])[0]!.text, /\$\.wait_seconds: .*50/);

      // No worker runs and the job is due in an hour: the wait runs its full length.
      const queued = ok(
        await client.callTool({
          name: 'ratchet_create_job',
          arguments: { task_id: 'addition', input: { num1: 1, num2: 2 }, delay_seconds: 3600 },
        }),
      );
      const progress: { progress: number; message?: string }[] = [];
      // The request timeout (8 s) is shorter than the wait (12 s): only progress keeps it alive.
      const res = await client.callTool(
        { name: 'ratchet_get_job_status', arguments: { job_id: queued.job.job_id, wait_seconds: 12 } },
        { timeout: 8000, resetTimeoutOnProgress: true, onprogress: (p) => progress.push(p) },
      );
      const status = ok(res);
      assert.equal(status.finished, false);
      assert.equal(status.job.status, 'QUEUED');
      assert.ok(progress.length >= 2, JSON.stringify(progress));
      assert.match(
        progress[0]!.message!,
        new RegExp(`^job ${queued.job.job_id} is QUEUED; waited 0 s of 12 s$`),
      );
      for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.progress > progress[i - 1]!.progress);
    },
    { mcp: { tools: { toolsets: ['all'] } } },
  );
});
