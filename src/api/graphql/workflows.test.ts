// Workflows over GraphQL on both backends, with a real server, a worker node and the official
// graphql-ws client: validate and save definitions, start a run and follow it with
// workflowRunUpdated to its end, read the run with its steps and transitions, list runs as REST
// lists them, resolve, retry and cancel, and the roles REST uses (a viewer reads but cannot start).
import assert from 'node:assert/strict';
import { startWorkers } from '../../app.ts';
import { createKey } from '../../services/api-keys.ts';
import { collect, forEachApi, gql, wsClient } from './test-helpers.ts';

const DIAMOND = `name: sums
version: 1.0.0
input_schema: { type: object, required: [n], properties: { n: { type: number } } }
output: { total: steps.join.sum }
steps:
  - { name: top, task: addition, input: { num1: workflow.n, num2: 1 } }
  - { name: left, task: addition, dependencies: [top], input: { num1: steps.top.sum, num2: 10 } }
  - { name: right, task: addition, dependencies: [top], input: { num1: steps.top.sum, num2: 100 } }
  - { name: join, task: addition, dependencies: [left, right], input: { num1: steps.left.sum, num2: steps.right.sum } }
`;

const RUN_FIELDS = 'id uuid status output steps { name status attempts output jobId }';

interface RunEvent {
  workflowRunUpdated: { final: boolean; run: { status: string; steps: { status: string }[] } };
}

forEachApi(
  'workflows over GraphQL: definitions, runs, the run subscription, operations, roles',
  async (api) => {
    const viewer = {
      authorization: `Bearer ${(await createKey(api.app.store.db, { name: 'v', role: 'viewer' })).key}`,
    };
    const checked = await gql(
      api,
      'mutation($d: JSON!) { validateWorkflow(definition: $d) { valid problems { line step message } } }',
      {
        d: DIAMOND.replace('[left, right]', '[left, nowhere]'),
      },
    );
    assert.equal(checked.data.validateWorkflow.valid, false);
    assert.deepEqual(checked.data.validateWorkflow.problems[0].line, 9);
    assert.match(checked.data.validateWorkflow.problems[0].message, /depends on unknown step "nowhere"/);
    const bad = await gql(api, 'mutation { validateWorkflow(definition: 12) { valid } }');
    assert.equal(bad.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
    assert.match(bad.errors[0].message, /definition must be workflow\.yaml or workflow\.json text/);

    const SAVE =
      'mutation($d: JSON!) { saveWorkflow(definition: $d) { created version { name version graph(format: DOT) } } }';
    const refused = await gql(api, SAVE, { d: DIAMOND }, viewer);
    assert.equal(refused.errors?.[0]?.extensions.code, 'FORBIDDEN');
    const saved = await gql(api, SAVE, { d: DIAMOND });
    assert.equal(saved.data.saveWorkflow.created, true);
    assert.match(saved.data.saveWorkflow.version.graph, /s_left -> s_join;/);
    assert.equal((await gql(api, SAVE, { d: DIAMOND })).data.saveWorkflow.created, false);
    const changed = await gql(api, SAVE, { d: DIAMOND.replace('num2: 1 }', 'num2: 2 }') });
    assert.equal(changed.errors?.[0]?.extensions.code, 'CONFLICT');

    const defs = await gql(
      api,
      '{ workflows(filter: [{ field: "name", op: LIKE, value: "su" }]) { total items { name latestVersion versions { version } } } workflow(name: "sums") { version definition } }',
      undefined,
      viewer,
    );
    assert.equal(defs.data.workflows.total, 1);
    assert.deepEqual(defs.data.workflows.items[0], {
      name: 'sums',
      latestVersion: '1.0.0',
      versions: [{ version: '1.0.0' }],
    });
    assert.equal(defs.data.workflow.definition.steps.length, 4);

    const START = `mutation($i: JSON) { startWorkflow(workflow: "sums", input: $i, idempotencyKey: "a") { created run { ${RUN_FIELDS} } } }`;
    const notAllowed = await gql(api, START, { i: { n: 1 } }, viewer);
    assert.equal(notAllowed.errors?.[0]?.extensions.code, 'FORBIDDEN');
    const invalid = await gql(api, START, { i: '{"n": "x"}' });
    assert.equal(invalid.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
    assert.match(invalid.errors[0].message, /\$\.n must be number/);

    // Started before any worker runs, so the subscription sees every step move.
    const started = await gql(api, START, { i: '{"n": 1}' });
    const run = started.data.startWorkflow.run;
    assert.equal(started.data.startWorkflow.created, true);
    const again = await gql(api, START, { i: { n: 1 } });
    assert.equal(again.data.startWorkflow.created, false);
    assert.equal(again.data.startWorkflow.run.uuid, run.uuid);

    const client = wsClient(api, { authorization: viewer.authorization });
    const node = await startWorkers(api.app, { log: () => {} });
    try {
      const sub = collect<RunEvent>(
        client,
        'subscription($id: String!) { workflowRunUpdated(id: $id) { final run { status steps { status } } } }',
        { id: run.uuid },
        (events) => events.at(-1)!.workflowRunUpdated.final,
      );
      const events = await sub.done;
      assert.deepEqual(
        events.map((e) => e.workflowRunUpdated.final),
        [...events.slice(1).map(() => false), true],
      );
      const last = events.at(-1)!.workflowRunUpdated.run;
      assert.equal(last.status, 'COMPLETED');
      assert.deepEqual(
        last.steps.map((s) => s.status),
        ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED'],
      );
      const unknown = collect(
        client,
        'subscription { workflowRunUpdated(id: "999") { final } }',
        undefined,
        () => true,
      );
      await assert.rejects(unknown.done, /workflow run 999 does not exist.*NOT_FOUND/);
    } finally {
      await node.stop(1000);
      await client.dispose();
    }

    const one = await gql(
      api,
      `query($id: String!) { workflowRun(id: $id) { ${RUN_FIELDS} graph transitions { step from to actor } } }`,
      { id: String(run.id) },
      viewer,
    );
    const done = one.data.workflowRun;
    assert.deepEqual(done.output, { total: 2 + 10 + 2 + 100 });
    assert.deepEqual(
      done.steps.map((s: { name: string }) => s.name),
      ['top', 'left', 'right', 'join'],
    );
    assert.match(done.graph, /join<br\/>addition<br\/>COMPLETED/);
    assert.deepEqual(
      done.transitions
        .filter((t: { step: string | null }) => t.step === null)
        .map((t: { to: string }) => t.to),
      ['PENDING', 'RUNNING', 'COMPLETED'],
    );

    // Without workers: a pending step is resolved by hand, an enqueued one cannot be retried, and the
    // run is cancelled. Actions are recorded with the key's name.
    const waiting = (
      await gql(api, 'mutation { startWorkflow(workflow: "sums", input: {n: 5}) { run { uuid } } }')
    ).data.startWorkflow.run.uuid as string;
    const retry = await gql(api, `mutation { retryWorkflowStep(id: "${waiting}", step: "top") { status } }`);
    assert.equal(retry.errors?.[0]?.extensions.code, 'CONFLICT');
    assert.match(retry.errors[0].message, /is ENQUEUED and cannot become ENQUEUED/);
    const resolved = await gql(
      api,
      `mutation { resolveWorkflowStep(id: "${waiting}", step: "left", output: {sum: 7}) { steps { name status output } } }`,
    );
    assert.deepEqual(resolved.data.resolveWorkflowStep.steps[1], {
      name: 'left',
      status: 'RESOLVED_MANUALLY',
      output: { sum: 7 },
    });
    const cancelled = await gql(
      api,
      `mutation { cancelWorkflowRun(id: "${waiting}") { status steps { status } } }`,
    );
    assert.equal(cancelled.data.cancelWorkflowRun.status, 'CANCELLED');
    assert.deepEqual(
      cancelled.data.cancelWorkflowRun.steps.map((s: { status: string }) => s.status),
      ['CANCELLED', 'RESOLVED_MANUALLY', 'CANCELLED', 'CANCELLED'],
    );

    // The list contract matches REST's on the same data.
    const listed = await gql(
      api,
      '{ workflowRuns(status: CANCELLED, sort: { field: "id", order: ASC }) { total items { uuid } pageInfo { hasNextPage } } all: workflowRuns(pagination: { limit: 1 }) { total items { uuid } pageInfo { hasNextPage } } }',
    );
    assert.equal(listed.data.workflowRuns.total, 1);
    assert.equal(listed.data.workflowRuns.items[0].uuid, waiting);
    const rest = await api.call('GET', '/api/v1/workflow-runs?_start=0&_end=1');
    assert.equal(listed.data.all.total, Number(rest.headers.get('x-total-count')));
    assert.deepEqual(
      listed.data.all.items.map((r: { uuid: string }) => r.uuid),
      rest.body.data.map((r: { uuid: string }) => r.uuid),
    );
    assert.equal(listed.data.all.pageInfo.hasNextPage, true);
    const wrong = await gql(api, '{ workflowRuns(filter: [{ field: "nope", value: 1 }]) { total } }');
    assert.equal(wrong.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
    const missing = await gql(api, '{ workflowRun(id: "999") { id } }');
    assert.equal(missing.errors?.[0]?.extensions.code, 'NOT_FOUND');
  },
);
