// ratchet_create_jobs through the official MCP client over Streamable HTTP: a batch queued and run
// with each entry's options, an all-or-nothing refusal naming the bad index, and partial mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok, withMcpHttp } from '../test-helpers.ts';

test('ratchet_create_jobs queues a batch; a bad item refuses it or, partial, is reported', async () => {
  await withMcpHttp(async ({ connect }) => {
    const client = await connect();
    const refused = (await client.callTool({
      name: 'ratchet_create_jobs',
      arguments: {
        task_id: 'addition',
        jobs: [{ input: { num1: 1, num2: 2 } }, { input: { num1: 'one', num2: 2 } }],
      },
    })) as { isError?: boolean; content: { text: string }[] };
    assert.equal(refused.isError, true);
    assert.match(refused.content[0]!.text, /1 of 2 jobs are invalid; none was queued/);
    assert.match(refused.content[0]!.text, /\$\.jobs\[1\]\.input\.num1/);

    const queued = ok<{ created: number; jobs: { index: number; job_id: number }[] }>(
      await client.callTool({
        name: 'ratchet_create_jobs',
        arguments: {
          task_id: 'addition',
          jobs: [
            { input: { num1: 1, num2: 2 } },
            { input: { num1: 10, num2: 20 }, priority: 'HIGH', idempotency_key: 'ten' },
            { input: { num1: 0, num2: 0 }, idempotency_key: 'ten' },
          ],
        },
      }),
    );
    assert.equal(queued.created, 2);
    assert.equal(queued.jobs[2]!.job_id, queued.jobs[1]!.job_id);
    // No worker runs in this server: the jobs wait, with what each entry asked for.
    const status = ok<{ job: { status: string; priority: number; input: unknown } }>(
      await client.callTool({
        name: 'ratchet_get_job_status',
        arguments: { job_id: queued.jobs[1]!.job_id, wait_seconds: 0 },
      }),
    );
    assert.deepEqual(
      [status.job.status, status.job.priority, status.job.input],
      ['QUEUED', 10, { num1: 10, num2: 20 }],
    );

    const partial = ok<{ created: number; rejected: { index: number }[] }>(
      await client.callTool({
        name: 'ratchet_create_jobs',
        arguments: {
          task_id: 'addition',
          partial: true,
          jobs: [{ input: {} }, { input: { num1: 2, num2: 2 } }],
        },
      }),
    );
    assert.equal(partial.created, 1);
    assert.deepEqual(
      partial.rejected.map((r) => r.index),
      [0],
    );
  });
});
