// Retrying after a fix, through the official client: ratchet_retry_execution runs the latest
// ENABLED version by default (version pins one) and says which; and the queue does not retry an
// HttpError with a 4xx status (a 404 stays a 404) while a 429 is retried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@modelcontextprotocol/client';
import { startWorkers } from '../../app.ts';
import { setTaskVersionEnabled } from '../../store/repos/task-versions.ts';
import { savePackage } from '../../tasks/stored-versions.ts';
import { loadTaskFromFiles } from '../../tasks/load.ts';
import { ok, withMcpHttp } from './test-helpers.ts';

const BUGGY = '(function (input) {\n  return { name: input.user.name };\n})\n';
const FIXED = '(function (input) {\n  return { name: input.user ? input.user.name : "nobody" };\n})\n';
const FETCHER = `(function (input) {
  const response = fetch(input.url);
  if (!response.ok) throw new HttpError(response.status, input.url + ' answered ' + response.status);
  return { ok: true };
})
`;

function save(
  app: Parameters<Parameters<typeof withMcpHttp>[0]>[0]['app'],
  name: string,
  version: string,
  code: string,
) {
  return savePackage(
    app.store.db,
    loadTaskFromFiles(
      { 'metadata.json': JSON.stringify({ name, version }), 'main.js': code },
      { kind: 'store' },
    ),
    { changeSource: 'cli' },
  );
}

async function call(client: Client, name: string, args: Record<string, unknown>) {
  return ok(await client.callTool({ name, arguments: args }));
}

/** The job's final state and its attempts' versions, newest first. */
async function finished(client: Client, jobId: number) {
  const s = await call(client, 'ratchet_get_job_status', { job_id: jobId, wait_seconds: 30 });
  assert.equal(s.finished, true, JSON.stringify(s.job));
  return {
    status: s.job.status as string,
    versions: s.executions.map((e: { task_version: string }) => e.task_version),
  };
}

test('retry_execution runs the latest enabled version by default, a pinned one on request, and says which', async () => {
  await withMcpHttp(
    async ({ app, connect }) => {
      await save(app, 'greeter', '1.0.0', BUGGY);
      const workers = await startWorkers(app);
      try {
        const client = await connect();
        const sync = await call(client, 'ratchet_execute_task', { task_id: 'greeter', input: {} });
        assert.equal(sync.status, 'FAILED');
        const queued = await call(client, 'ratchet_create_job', {
          task_id: 'greeter',
          input: {},
          max_retries: 0,
        });
        assert.equal((await finished(client, queued.job.job_id)).status, 'FAILED');
        const jobExecution = (await call(client, 'ratchet_get_job_status', { job_id: queued.job.job_id }))
          .executions[0].execution_id as number;

        // The fix, then a newer version that is disabled: "latest enabled" is the fix.
        await save(app, 'greeter', '1.0.1', FIXED);
        const broken = await save(app, 'greeter', '1.0.2', BUGGY);
        await setTaskVersionEnabled(app.store.db, broken.version.id, false);

        const again = await call(client, 'ratchet_retry_execution', { execution_id: sync.execution_id });
        assert.deepEqual(
          [again.task_version, again.previous_version, again.requeued],
          ['1.0.1', '1.0.0', false],
        );
        assert.deepEqual(await finished(client, again.job.job_id), {
          status: 'COMPLETED',
          versions: ['1.0.1'],
        });

        // The job's own execution: its unpinned job is requeued and runs the fix.
        const requeued = await call(client, 'ratchet_retry_execution', { execution_id: jobExecution });
        assert.deepEqual([requeued.task_version, requeued.requeued], ['1.0.1', true]);
        assert.equal(requeued.job.job_id, queued.job.job_id);
        assert.deepEqual(await finished(client, queued.job.job_id), {
          status: 'COMPLETED',
          versions: ['1.0.1', '1.0.0'],
        });

        // Pinned: the version that failed runs again (and fails again).
        const pinned = await call(client, 'ratchet_retry_execution', {
          execution_id: sync.execution_id,
          version: '1.0.0',
        });
        assert.deepEqual([pinned.task_version, pinned.requeued], ['1.0.0', false]);
        assert.deepEqual(await finished(client, pinned.job.job_id), {
          status: 'FAILED',
          versions: ['1.0.0'],
        });

        const missing = await client.callTool({
          name: 'ratchet_retry_execution',
          arguments: { execution_id: sync.execution_id, version: '9.9.9' },
        });
        assert.equal(missing.isError, true);
        assert.match((missing.content as { text: string }[])[0]!.text, /has no version 9\.9\.9/);
        const tools = (await client.listTools()).tools;
        assert.match(
          tools.find((t) => t.name === 'ratchet_retry_execution')!.description!,
          /latest ENABLED version/,
        );
      } finally {
        await workers.stop(5000);
      }
    },
    // A retry queues a job with the default retry budget; none, so a failure is final at once.
    { server: { job_queue: { default_max_retries: 0 } }, mcp: { tools: { toolsets: ['all'] } } },
    [],
  );
});

test('the queue does not retry an HttpError with a 4xx status, but retries a 429', async () => {
  const hits: Record<string, number> = {};
  const server = createServer((req, res) => {
    hits[req.url!] = (hits[req.url!] ?? 0) + 1;
    res.writeHead(req.url === '/busy' ? 429 : 404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const hostPort = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await withMcpHttp(
      async ({ app, connect }) => {
        await save(app, 'fetcher', '1.0.0', FETCHER);
        const workers = await startWorkers(app);
        try {
          const client = await connect();
          const job = async (path: string) =>
            (
              await call(client, 'ratchet_create_job', {
                task_id: 'fetcher',
                input: { url: `http://${hostPort}${path}` },
                max_retries: 2,
              })
            ).job.job_id as number;
          const notFound = await finished(client, await job('/missing'));
          assert.deepEqual(notFound, { status: 'FAILED', versions: ['1.0.0'] });
          assert.equal(hits['/missing'], 1);
          const busy = await finished(client, await job('/busy'));
          assert.deepEqual(busy, { status: 'FAILED', versions: ['1.0.0', '1.0.0', '1.0.0'] });
          assert.equal(hits['/busy'], 3);
        } finally {
          await workers.stop(5000);
        }
      },
      {
        http: { allowed_hosts: [hostPort] },
        server: { job_queue: { default_retry_delay: 0, max_retry_delay: 0 } },
      },
      [],
    );
  } finally {
    await new Promise((r) => server.close(r));
  }
});
