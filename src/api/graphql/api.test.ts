// The GraphQL API over real HTTP on SQLite and PostgreSQL: the product brief's three examples
// verbatim, every query and mutation, and list parity with REST on the same data.
import assert from 'node:assert/strict';
import { forEachApi, gql, type Api } from './test-helpers.ts';

const BRIEF_TASKS = `query {
  tasks {
    items {
      uuid
      label
      version
      description
    }
  }
}`;

const briefExecute = (uuid: string): string => `mutation {
  executeTaskDirect(
    taskUuid: "${uuid}"
    input: "{\\"num1\\": 5, \\"num2\\": 10}"
  ) {
    success
    output
    executionId
  }
}`;

const BRIEF_JOBS = `query {
  jobs(status: PENDING) {
    items {
      id
      taskId
      status
      priority
      createdAt
    }
  }
}`;

async function ok(api: Api, query: string, variables?: Record<string, unknown>) {
  const r = await gql(api, query, variables);
  assert.equal(r.errors, undefined, `${query}\n→ ${JSON.stringify(r.errors)}`);
  assert.equal(r.status, 200);
  return r.data;
}

const LATER = 3_600_000;

async function briefExamples(api: Api): Promise<string> {
  const tasks = await ok(api, BRIEF_TASKS);
  assert.deepEqual(tasks.tasks.items, [
    {
      uuid: tasks.tasks.items[0].uuid,
      label: 'Addition',
      version: '1.0.0',
      description: 'Adds two numbers and also returns their product',
    },
  ]);
  const uuid = tasks.tasks.items[0].uuid as string;
  const run = await ok(api, briefExecute(uuid));
  assert.equal(run.executeTaskDirect.success, true);
  assert.deepEqual(run.executeTaskDirect.output, { sum: 15, product: 50 });
  assert.equal(typeof run.executeTaskDirect.executionId, 'number');
  // input as a JSON value works too.
  const json = await ok(
    api,
    `mutation { executeTaskDirect(taskId: "addition", input: { num1: 1, num2: 2 }) { success output status } }`,
  );
  assert.deepEqual(json.executeTaskDirect, {
    success: true,
    output: { sum: 3, product: 2 },
    status: 'COMPLETED',
  });
  // Two waiting jobs (due in an hour): PENDING finds them as QUEUED.
  for (const n of [1, 2]) {
    await ok(
      api,
      `mutation($i: JSON) { createJob(input: { taskId: "addition", input: $i, delayMs: ${LATER} }) { id } }`,
      {
        i: { num1: n, num2: n },
      },
    );
  }
  const jobs = await ok(api, BRIEF_JOBS);
  assert.equal(jobs.jobs.items.length, 2);
  for (const j of jobs.jobs.items) {
    assert.equal(j.status, 'QUEUED');
    assert.equal(j.priority, 'NORMAL');
    assert.equal(typeof j.id, 'number');
  }
  return uuid;
}

async function parity(api: Api): Promise<void> {
  for (const [n, priority] of [
    [3, 'HIGH'],
    [4, 'LOW'],
    [5, 'CRITICAL'],
  ] as const) {
    await ok(
      api,
      `mutation { createJob(input: { taskId: "addition", input: { num1: ${n}, num2: 1 }, priority: ${priority}, delayMs: ${LATER} }) { id } }`,
    );
  }
  const cases: [string, string][] = [
    [
      'sort: { field: "priority", order: DESC }, pagination: { offset: 1, limit: 2 }',
      '_sort=priority&_order=desc&_start=1&_end=3',
    ],
    ['filter: [{ field: "priority", op: IN, value: ["HIGH", "LOW"] }]', 'priority_in=HIGH,LOW'],
    ['filter: [{ field: "id", op: GT, value: 2 }], sort: { field: "id" }', 'id_gt=2&_sort=id'],
    ['pagination: { page: 2, limit: 2 }', 'page=2&limit=2'],
    ['status: QUEUED, taskId: "addition"', 'status=QUEUED&taskId=addition'],
  ];
  for (const [args, qs] of cases) {
    const g = await ok(
      api,
      `query { jobs(${args}) { items { id priority } total pageInfo { hasNextPage } } }`,
    );
    const r = await api.call('GET', `/api/v1/jobs?${qs}`);
    assert.equal(r.status, 200, qs);
    assert.deepEqual(
      g.jobs.items.map((j: { id: number }) => j.id),
      r.body.data.map((j: { id: number }) => j.id),
      `${args} vs ?${qs}`,
    );
    assert.equal(g.jobs.total, r.body.meta.total, qs);
  }
  // Cursor paging walks the same rows as offsets.
  const first = await ok(
    api,
    `query { jobs(sort: { field: "id" }, pagination: { limit: 2 }) { items { id } pageInfo { endCursor hasNextPage } } }`,
  );
  assert.equal(first.jobs.pageInfo.hasNextPage, true);
  const next = await ok(
    api,
    `query($c: String) { jobs(sort: { field: "id" }, pagination: { limit: 2, after: $c }) { items { id } } }`,
    {
      c: first.jobs.pageInfo.endCursor,
    },
  );
  const rest = await api.call('GET', '/api/v1/jobs?_sort=id&_start=2&_end=4');
  assert.deepEqual(
    next.jobs.items.map((j: { id: number }) => j.id),
    rest.body.data.map((j: { id: number }) => j.id),
  );
  // An unknown field is refused naming the allowed ones, as in REST.
  const bad = await gql(api, `query { jobs(filter: [{ field: "secret", value: 1 }]) { total } }`);
  assert.equal(bad.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
  assert.match(bad.errors[0].message, /secret/);
}

async function everyQueryAndMutation(api: Api): Promise<void> {
  const created = await ok(
    api,
    `mutation($in: CreateTaskInput!) { createTask(input: $in) { id name version current { code version } } }`,
    { in: { name: 'doubler', code: '(input) => ({ twice: input.n * 2 })', description: 'doubles' } },
  );
  assert.equal(created.createTask.version, '1.0.0');
  const updated = await ok(
    api,
    `mutation { updateTask(id: "doubler", input: { description: "doubles n" }) { version description } }`,
  );
  assert.deepEqual(updated.updateTask, { version: '1.0.1', description: 'doubles n' });
  const versions = await ok(api, `query { versions(task: "doubler") { version changeSource } }`);
  assert.deepEqual(
    versions.versions.map((v: { version: string }) => v.version),
    ['1.0.1', '1.0.0'],
  );
  assert.equal(
    (await ok(api, `mutation { disableTask(id: "doubler") { enabled } }`)).disableTask.enabled,
    false,
  );
  const disabledRun = await gql(
    api,
    `mutation { executeTaskDirect(taskId: "doubler", input: { n: 2 }) { success } }`,
  );
  assert.ok(disabledRun.errors?.[0]?.extensions.code, JSON.stringify(disabledRun));
  assert.equal(
    (await ok(api, `mutation { enableTask(id: "doubler") { enabled } }`)).enableTask.enabled,
    true,
  );
  const one = await ok(
    api,
    `query { task(name: "doubler") { id uuid label current { version } versions { version } } }`,
  );
  assert.equal(one.task.current.version, '1.0.1');
  const byUuid = await ok(
    api,
    `query($u: String) { task(uuid: $u, version: "1.0.0") { current { version } } }`,
    {
      u: one.task.uuid,
    },
  );
  assert.equal(byUuid.task.current.version, '1.0.0');

  const run = await ok(
    api,
    `mutation { executeTaskDirect(taskId: "doubler", input: { n: 21 }) { executionId output } }`,
  );
  assert.deepEqual(run.executeTaskDirect.output, { twice: 42 });
  const exec = await ok(
    api,
    `query($id: String!) { execution(id: $id) { id status output logs task { name } } }`,
    { id: String(run.executeTaskDirect.executionId) },
  );
  assert.equal(exec.execution.status, 'COMPLETED');
  assert.equal(exec.execution.task.name, 'doubler');
  const execs = await ok(
    api,
    `query { executions(taskId: "doubler", status: COMPLETED) { total items { id } } }`,
  );
  assert.equal(execs.executions.total, 1);
  const finished = await gql(api, `mutation($id: String!) { cancelExecution(id: $id) { stopping } }`, {
    id: String(run.executeTaskDirect.executionId),
  });
  assert.equal(finished.errors?.[0]?.extensions.code, 'CONFLICT');

  const job = await ok(
    api,
    `mutation { createJob(input: { taskId: "doubler", input: { n: 1 }, delayMs: ${LATER} }) { id status task { name } } }`,
  );
  assert.equal(job.createJob.task.name, 'doubler');
  const id = String(job.createJob.id);
  const cancelled = await ok(
    api,
    `mutation($id: String!) { cancelJob(id: $id) { job { status } stopping } }`,
    { id },
  );
  assert.equal(cancelled.cancelJob.job.status, 'CANCELLED');
  const retried = await ok(api, `mutation($id: String!) { retryJob(id: $id) { status } }`, { id });
  assert.equal(retried.retryJob.status, 'QUEUED');
  assert.equal(
    (await ok(api, `query($id: String!) { job(id: $id) { id lastExecution { id } } }`, { id })).job
      .lastExecution,
    null,
  );
  const missing = await gql(api, `query { job(id: "999999") { id } }`);
  assert.equal(missing.errors?.[0]?.extensions.code, 'NOT_FOUND');

  const sched = await ok(
    api,
    `mutation { createSchedule(input: { taskId: "doubler", cronExpression: "0 3 * * *", name: "nightly", input: { n: 3 }, missedRunPolicy: RUN_ONCE }) { id name enabled missedRunPolicy task { name } } }`,
  );
  assert.equal(sched.createSchedule.missedRunPolicy, 'RUN_ONCE');
  assert.equal(sched.createSchedule.task.name, 'doubler');
  const upd = await ok(
    api,
    `mutation { updateSchedule(id: "nightly", input: { enabled: false }) { enabled } }`,
  );
  assert.equal(upd.updateSchedule.enabled, false);
  const trig = await ok(
    api,
    `mutation { triggerSchedule(id: "nightly") { job { id scheduleId } schedule { name } } }`,
  );
  assert.equal(trig.triggerSchedule.job.scheduleId, sched.createSchedule.id);
  const list = await ok(api, `query { schedules { total items { name } } }`);
  assert.deepEqual(list.schedules.items, [{ name: 'nightly' }]);
  const badCron = await gql(
    api,
    `mutation { createSchedule(input: { taskId: "doubler", cronExpression: "61 * * * *" }) { id } }`,
  );
  assert.equal(badCron.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
  assert.match(badCron.errors[0].message, /cronExpression/);
  assert.equal(
    (await ok(api, `mutation { deleteSchedule(id: "nightly") { name } }`)).deleteSchedule.name,
    'nightly',
  );

  assert.deepEqual((await ok(api, `mutation { syncRepositories { source ok } }`)).syncRepositories, []);
  const workers = await ok(api, `query { workers { total items { id status capacity } } }`);
  assert.equal(workers.workers.total, (await api.call('GET', '/api/v1/workers')).body.meta.total);
  const stats = await ok(api, `query { stats { tasks jobs executions workers } }`);
  const rest = await api.call('GET', '/api/v1/jobs/stats');
  assert.deepEqual(Object.keys(stats.stats.jobs).sort(), Object.keys(rest.body.data).sort());
  const health = await ok(api, `query { health { status problems database } }`);
  assert.equal(health.health.database.ok, true);
}

/** createJobs: all or none with every bad index named, partial, an idempotency key repeated in the batch. */
async function bulkJobs(api: Api): Promise<void> {
  const CREATE = `mutation($in: CreateJobsInput!) { createJobs(input: $in) { created jobs { index id uuid created } rejected { index violations { path message } } } }`;
  const jobs = [
    { input: { num1: 1, num2: 2 }, delayMs: LATER, idempotencyKey: 'bulk-a' },
    { input: { num1: 'x', num2: 2 }, delayMs: LATER },
    { input: { num1: 3, num2: 4 }, delayMs: LATER, priority: 'HIGH', idempotencyKey: 'bulk-a' },
  ];
  const refused = await gql(api, CREATE, { in: { taskId: 'addition', jobs } });
  assert.match(refused.errors?.[0]?.message ?? '', /1 of 3 jobs are invalid; none was queued/);
  assert.match(JSON.stringify(refused.errors?.[0]?.extensions), /\$\.jobs\[1\]\.input\.num1/);
  const partial = (await ok(api, CREATE, { in: { taskId: 'addition', jobs, partial: true } })).createJobs;
  assert.equal(partial.created, 1);
  assert.deepEqual(
    partial.jobs.map((j: { index: number; created: boolean }) => [j.index, j.created]),
    [
      [0, true],
      [2, false],
    ],
  );
  assert.equal(partial.jobs[0].id, partial.jobs[1].id, 'one key, one job');
  assert.equal(partial.rejected[0].index, 1);
  assert.match(partial.rejected[0].violations[0].path, /^\$\.jobs\[1\]\.input\.num1/);
}

/** The queue's switch and clean-up, through the same service as REST's /queue and /jobs/clear. */
async function queueAdmin(api: Api): Promise<void> {
  assert.equal((await ok(api, `query { queue { paused } }`)).queue.paused, false);
  const paused = (await ok(api, `mutation { pauseQueue { paused changed takesEffectWithinMs changedBy } }`))
    .pauseQueue;
  assert.deepEqual([paused.paused, paused.changed], [true, true]);
  assert.ok(paused.takesEffectWithinMs > 0);
  assert.equal((await api.call('GET', '/api/v1/queue')).body.data.paused, true, 'REST sees the same switch');
  assert.equal((await ok(api, `mutation { pauseQueue { changed } }`)).pauseQueue.changed, false);
  assert.equal((await ok(api, `mutation { resumeQueue { paused } }`)).resumeQueue.paused, false);
  const refused = await gql(api, `mutation { clearJobs(status: QUEUED) { removed } }`);
  assert.match(refused.errors?.[0]?.message ?? '', /QUEUED/);
  const cleared = (
    await ok(api, `mutation { clearJobs(status: FAILED, olderThan: "1d") { status removed finishedBefore } }`)
  ).clearJobs;
  assert.deepEqual([cleared.status, cleared.removed], ['FAILED', 0]);
  assert.ok(Date.parse(cleared.finishedBefore) < Date.now());

  const timeline = (
    await ok(
      api,
      `query { executionTimeline(minutes: 10, bucketSeconds: 60) { bucketSeconds buckets { at completed failed } durationMs { p50 } } }`,
    )
  ).executionTimeline;
  const rest = (await api.call('GET', '/api/v1/executions/timeline?minutes=10&bucketSeconds=60')).body.data;
  assert.equal(timeline.buckets.length, 10);
  assert.deepEqual(
    timeline.buckets.map((b: { completed: number }) => b.completed),
    rest.buckets.map((b: { completed: number }) => b.completed),
  );
  assert.ok(timeline.buckets.reduce((n: number, b: { completed: number }) => n + b.completed, 0) >= 1);
  const bad = await gql(api, `query { executionTimeline(minutes: 10, bucketSeconds: 7) { since } }`);
  assert.match(JSON.stringify(bad.errors), /bucketSeconds/);
}

forEachApi('GraphQL: the brief’s examples, every query and mutation, list parity with REST', async (api) => {
  await briefExamples(api);
  await parity(api);
  await everyQueryAndMutation(api);
  await bulkJobs(api);
  await queueAdmin(api);
});
