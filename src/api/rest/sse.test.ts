// GET /executions/{id}/events over real HTTP: progress and status of a synchronous run (in-process
// bus), of a queued job run by a worker node (completion hook + database poll), an already
// finished execution (final status at once), and an unknown id (404 envelope, no stream).
import assert from 'node:assert/strict';
import { startWorkers } from '../../app.ts';
import { forEachApi, type Api } from './test-helpers.ts';

interface Sse {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

/** Reads the whole stream (it ends after the final status) and returns headers and events. */
async function readEvents(
  api: Api,
  executionId: number,
): Promise<{ res: Response; events: Sse[]; raw: string }> {
  const res = await fetch(`${api.base}/api/v1/executions/${executionId}/events`);
  const raw = await res.text();
  const events = raw
    .split('\n\n')
    .filter((block) => block.includes('event:'))
    .map((block) => {
      const field = (name: string) =>
        block
          .split('\n')
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2) ?? '';
      return {
        id: field('id'),
        event: field('event'),
        data: JSON.parse(field('data')) as Record<string, unknown>,
      };
    });
  return { res, events, raw };
}

// Four steps of ~150 ms, reporting progress after each.
const STEPPER =
  '(input) => { for (let i = 1; i <= 4; i++) { const t = Date.now(); while (Date.now() - t < 150) {} reportProgress(i / 4, "step " + i); } return { steps: 4 }; }';

async function runningExecution(api: Api, query: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const r = await api.call('GET', `/api/v1/executions?status=RUNNING${query}`);
    if (r.body.data[0]) return r.body.data[0].id as number;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no RUNNING execution appeared');
}

function checkStream(events: Sse[], raw: string): void {
  assert.match(raw, /^: stream of execution events/);
  assert.equal(events[0]!.event, 'status');
  assert.equal(events[0]!.data.status, 'RUNNING');
  const progress = events.filter((e) => e.event === 'progress');
  assert.ok(progress.length >= 1, `progress events expected in:\n${raw}`);
  const fractions = progress.map((e) => (e.data.progress as { fraction: number }).fraction);
  assert.deepEqual(fractions, [...fractions].sort(), 'progress only moves forward');
  const last = events.at(-1)!;
  assert.equal(last.event, 'status');
  assert.equal(last.data.final, true);
  assert.equal(last.data.status, 'COMPLETED');
  assert.deepEqual(last.data.output, { steps: 4 });
  assert.deepEqual(
    events.map((e) => Number(e.id)),
    events.map((_, i) => i + 1),
  );
}

forEachApi('SSE: a synchronous run streams status, progress, final status, then closes', async (api) => {
  await api.call('POST', '/api/v1/tasks', { body: { name: 'stepper', code: STEPPER } });
  const pending = api.call('POST', '/api/v1/tasks/stepper/execute', { body: {} });
  const id = await runningExecution(api, '&taskId=stepper');
  const { res, events, raw } = await readEvents(api, id);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
  assert.match(res.headers.get('cache-control')!, /no-cache/);
  checkStream(events, raw);
  const progress = events.filter((e) => e.event === 'progress');
  // The in-process bus delivers every report of a run on this node.
  assert.equal(progress.length >= 3, true, raw);
  assert.equal((await pending).body.data.status, 'COMPLETED');

  // Finished: the final status comes at once and the stream ends.
  const done = await readEvents(api, id);
  assert.equal(done.events.length, 1);
  assert.equal(done.events[0]!.data.final, true);
  assert.equal(done.events[0]!.data.status, 'COMPLETED');

  const missing = await api.call('GET', '/api/v1/executions/424242/events');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'NOT_FOUND');
});

forEachApi('SSE: a queued job run by a worker streams progress read from the store', async (api) => {
  await api.call('POST', '/api/v1/tasks', { body: { name: 'stepper', code: STEPPER } });
  const node = await startWorkers(api.app, { threads: 1, log: () => {} });
  try {
    const job = await api.call('POST', '/api/v1/jobs', { body: { taskId: 'stepper' } });
    const id = await runningExecution(api, `&jobId=${job.body.data.id}`);
    const { events, raw } = await readEvents(api, id);
    checkStream(events, raw);
  } finally {
    await node.stop(2000);
  }
});

forEachApi('SSE: a client that disconnects ends the watch without disturbing the run', async (api) => {
  await api.call('POST', '/api/v1/tasks', { body: { name: 'stepper', code: STEPPER } });
  const pending = api.call('POST', '/api/v1/tasks/stepper/execute', { body: {} });
  const id = await runningExecution(api, '');
  const ac = new AbortController();
  const res = await fetch(`${api.base}/api/v1/executions/${id}/events`, { signal: ac.signal });
  const reader = res.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  assert.match(first, /stream of execution events|event: status/);
  ac.abort();
  assert.equal((await pending).body.data.status, 'COMPLETED');
  // The server is still healthy after the abandoned stream.
  assert.equal((await api.call('GET', `/api/v1/executions/${id}`)).body.data.status, 'COMPLETED');
});
