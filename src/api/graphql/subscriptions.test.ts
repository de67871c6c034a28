// Subscriptions over a real WebSocket with the official graphql-ws client, on SQLite and
// PostgreSQL: a job's transitions, an execution's status, progress and logs while it runs, an
// unknown execution, and (PostgreSQL) a job finished by another node seen on this one, its log
// lines streamed live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRatchet, startWorkers } from '../../app.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { followRemoteLogs } from '../../services/live-logs.ts';
import { collect, forEachApi, gql, triggerUntilEvent, withApi, wsClient, type Api } from './test-helpers.ts';

// Four steps of ~150 ms, logging and reporting progress after each.
const STEPPER =
  '(input) => { for (let i = 1; i <= 4; i++) { const t = Date.now(); while (Date.now() - t < 150) {} console.log("step " + i); reportProgress(i / 4, "step " + i); } return { steps: 4 }; }';

interface JobEvent {
  jobUpdated: { job: { id: number; status: string }; previousStatus: string | null };
}
interface ExecEvent {
  executionUpdated: {
    type: string;
    status: string | null;
    final: boolean;
    progress: { fraction: number } | null;
    execution: { output: unknown; logs: { message?: string; args?: unknown[] }[] } | null;
    lines: { level: string; message: string }[] | null;
  };
}

const JOB_SUB = `subscription($f: JobFilter) { jobUpdated(filter: $f) { job { id status } previousStatus } }`;
const EXEC_SUB = `subscription($id: String!) { executionUpdated(id: $id) { type status final progress execution { output logs } lines { level message } } }`;

/** Lines that arrived live (LOG events) before the final event; asserts they all came before it. */
function liveLines(events: ExecEvent['executionUpdated'][]): string[] {
  const finalAt = events.findIndex((e) => e.final);
  assert.ok(
    events.slice(finalAt + 1).every((e) => e.type !== 'LOG'),
    'no log line after the final event',
  );
  return events
    .filter((e) => e.type === 'LOG')
    .flatMap((e) => e.lines!.map((l) => `${l.level}:${l.message}`));
}

async function createStepper(api: Api): Promise<void> {
  const r = await gql(
    api,
    `mutation($c: String!) { createTask(input: { name: "stepper", code: $c }) { id } }`,
    {
      c: STEPPER,
    },
  );
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
}

async function runningExecution(api: Api): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const r = await gql(api, `query { executions(status: RUNNING, taskId: "stepper") { items { id } } }`);
    const first = r.data?.executions.items[0] as { id: number } | undefined;
    if (first) return first.id;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('no RUNNING execution appeared');
}

async function jobTransitions(api: Api): Promise<void> {
  const node = await startWorkers(api.app, { threads: 1, log: () => {} });
  const client = wsClient(api);
  try {
    let jobId = -1;
    const sub = collect<JobEvent>(client, JOB_SUB, { f: { taskId: 'stepper' } }, (ev) =>
      ev.some((e) => e.jobUpdated.job.id === jobId && e.jobUpdated.job.status === 'COMPLETED'),
    );
    // Waiting jobs (due in an hour) until the subscription is live; then the one that runs.
    await triggerUntilEvent(sub.events, () =>
      gql(api, `mutation { createJob(input: { taskId: "stepper", delayMs: 3600000 }) { id } }`),
    );
    // Due in 500 ms: the job is QUEUED long enough for the feed to see it.
    const created = await gql(
      api,
      `mutation { createJob(input: { taskId: "stepper", delayMs: 500 }) { id } }`,
    );
    jobId = created.data.createJob.id as number;
    const events = (await sub.done).filter((e) => e.jobUpdated.job.id === jobId);
    const statuses = events.map((e) => e.jobUpdated.job.status);
    assert.deepEqual(statuses, ['QUEUED', 'PROCESSING', 'COMPLETED'], statuses.join(' → '));
    assert.equal(events.at(-1)!.jobUpdated.previousStatus, 'PROCESSING');
  } finally {
    await client.dispose();
    await node.stop(2000);
  }
}

async function executionProgress(api: Api): Promise<void> {
  const client = wsClient(api);
  try {
    const pending = gql(api, `mutation { executeTaskDirect(taskId: "stepper") { success } }`);
    const id = await runningExecution(api);
    const events = (await collect<ExecEvent>(client, EXEC_SUB, { id: String(id) }, () => false).done).map(
      (e) => e.executionUpdated,
    );
    assert.equal(events[0]!.type, 'STATUS');
    assert.equal(events[0]!.status, 'RUNNING');
    const fractions = events.filter((e) => e.type === 'PROGRESS').map((e) => e.progress!.fraction);
    assert.ok(fractions.length >= 2, JSON.stringify(events));
    assert.deepEqual(fractions, [...fractions].sort(), 'progress only moves forward');
    const last = events.at(-1)!;
    assert.equal(last.final, true);
    assert.equal(last.status, 'COMPLETED');
    assert.deepEqual(last.execution!.output, { steps: 4 });
    assert.match(JSON.stringify(last.execution!.logs), /step 1.*step 4/);
    // Lines written after the subscription began arrived while the task ran, in order.
    const lines = liveLines(events);
    assert.ok(lines.length >= 2, JSON.stringify(events));
    assert.deepEqual(lines, ['log:step 1', 'log:step 2', 'log:step 3', 'log:step 4'].slice(4 - lines.length));
    assert.equal((await pending).data.executeTaskDirect.success, true);

    // Unknown execution: a NOT_FOUND error on the subscription, and the socket still serves.
    await assert.rejects(
      collect<ExecEvent>(client, EXEC_SUB, { id: '424242' }, () => true).done,
      /NOT_FOUND/,
    );
    const done = await collect<ExecEvent>(client, EXEC_SUB, { id: String(id) }, () => false).done;
    assert.equal(done.length, 1, 'a finished execution sends its final status at once');
    assert.equal(done[0]!.executionUpdated.final, true);
  } finally {
    await client.dispose();
  }
}

/** A queued job's log lines reach an executionUpdated subscriber from the worker's thread. */
async function queuedJobLogs(api: Api): Promise<void> {
  const node = await startWorkers(api.app, { threads: 1, log: () => {} });
  const client = wsClient(api);
  try {
    await gql(api, `mutation { createJob(input: { taskId: "stepper" }) { id } }`);
    const id = await runningExecution(api);
    const events = (await collect<ExecEvent>(client, EXEC_SUB, { id: String(id) }, () => false).done).map(
      (e) => e.executionUpdated,
    );
    assert.equal(events.at(-1)!.status, 'COMPLETED');
    const lines = liveLines(events);
    assert.ok(lines.length >= 2, JSON.stringify(events));
    assert.deepEqual(lines, ['log:step 1', 'log:step 2', 'log:step 3', 'log:step 4'].slice(4 - lines.length));
  } finally {
    await client.dispose();
    await node.stop(2000);
  }
}

async function workerUpdates(api: Api): Promise<void> {
  const client = wsClient(api);
  const sub = collect<{ workerUpdated: { id: string; status: string; capacity: number } }>(
    client,
    'subscription { workerUpdated { id status capacity } }',
    undefined,
    // Workers stopped earlier in this test are listed too (OFFLINE); wait for the new one.
    (ev) => ev.some((e) => e.workerUpdated.status === 'ONLINE'),
  );
  const node = await startWorkers(api.app, { threads: 1, log: () => {} });
  try {
    const online = (await sub.done).find((e) => e.workerUpdated.status === 'ONLINE')!;
    assert.ok(online.workerUpdated.capacity >= 1);
  } finally {
    await client.dispose();
    await node.stop(2000);
  }
}

forEachApi('GraphQL subscriptions: job transitions, execution progress and logs, workers', async (api) => {
  await createStepper(api);
  await jobTransitions(api);
  await executionProgress(api);
  await queuedJobLogs(api);
  await workerUpdates(api);
});

void test('GraphQL subscription on node A sees a job that node B runs and finishes [postgres]', () =>
  withApi('postgres', async (api) => {
    await createStepper(api);
    // Node B: another application on the same database, with the only workers.
    const nodeB = await createRatchet(
      ConfigSchema.parse({ server: { database: { url: api.app.config.server.database.url } } }),
    );
    const workersB = await startWorkers(nodeB, { threads: 1, log: () => {} });
    const client = wsClient(api);
    try {
      let jobId = -1;
      const sub = collect<JobEvent>(client, JOB_SUB, { f: { taskId: 'stepper' } }, (ev) =>
        ev.some((e) => e.jobUpdated.job.id === jobId && e.jobUpdated.job.status === 'COMPLETED'),
      );
      await triggerUntilEvent(sub.events, () =>
        gql(api, `mutation { createJob(input: { taskId: "stepper", delayMs: 3600000 }) { id } }`),
      );
      const created = await gql(api, `mutation { createJob(input: { taskId: "stepper" }) { id } }`);
      jobId = created.data.createJob.id as number;
      const event = (await sub.done).at(-1)!;
      assert.equal(event.jobUpdated.job.id, jobId);
      assert.equal(event.jobUpdated.job.status, 'COMPLETED');

      // The lines a job writes on node B stream to a watcher on node A as they happen (NOTIFY on
      // ratchet_logs), not only with the final event. A's first watch starts its LISTEN: done
      // here first so no line is written before it listens.
      await followRemoteLogs(api.app);
      await gql(api, `mutation { createJob(input: { taskId: "stepper" }) { id } }`);
      const id = await runningExecution(api);
      const events = (await collect<ExecEvent>(client, EXEC_SUB, { id: String(id) }, () => false).done).map(
        (e) => e.executionUpdated,
      );
      const lines = liveLines(events);
      assert.ok(lines.length >= 2, JSON.stringify(events));
      assert.deepEqual(
        lines,
        ['log:step 1', 'log:step 2', 'log:step 3', 'log:step 4'].slice(4 - lines.length),
      );
    } finally {
      await client.dispose();
      await workersB.stop(2000);
      await nodeB.close();
    }
  }));
