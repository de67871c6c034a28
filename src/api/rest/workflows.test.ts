// /api/v1/workflows and /api/v1/workflow-runs over real HTTP, on both backends, with a worker node.
import assert from 'node:assert/strict';
import { startWorkers } from '../../app.ts';
import { forEachApi, type Api } from './test-helpers.ts';

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

async function waitEnded(api: Api, id: string) {
  for (let i = 0; i < 1000; i++) {
    const res = await api.call('GET', `/api/v1/workflow-runs/${id}`);
    if (['COMPLETED', 'FAILED', 'CANCELLED', 'RESOLVED_MANUALLY'].includes(res.body.data.run.status))
      return res.body.data;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${id} did not end`);
}

forEachApi(
  'workflows over REST: store, validate, start, status, list, transitions, graph, cancel, resolve',
  async (api) => {
    const bad = await api.call('POST', '/api/v1/workflows', {
      body: { definition: DIAMOND.replace('[left, right]', '[left, nowhere]') },
    });
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.equal(bad.body.error.code, 'VALIDATION_ERROR');
    assert.match(bad.body.error.message, /definition:9:56: step "join": depends on unknown step "nowhere"/);
    assert.match(bad.body.error.details.fields[0].path, /^definition:9:56 step "join"$/);

    const checked = await api.call('POST', '/api/v1/workflows/validate', {
      body: { definition: { name: 'x', version: '1.0.0', steps: [{ name: 'a', task: 'missing' }] } },
    });
    assert.equal(checked.status, 200);
    assert.deepEqual(checked.body.data.valid, false);
    assert.match(checked.body.data.problems[0].message, /task "missing" does not exist/);

    const stored = await api.call('POST', '/api/v1/workflows', { body: { definition: DIAMOND } });
    assert.equal(stored.status, 201);
    assert.equal(stored.body.data.version, '1.0.0');
    assert.equal(
      (await api.call('POST', '/api/v1/workflows', { body: { definition: DIAMOND } })).status,
      200,
    );
    const changed = await api.call('POST', '/api/v1/workflows', {
      body: { definition: DIAMOND.replace('num2: 1 }', 'num2: 2 }') },
    });
    assert.equal(changed.status, 409);

    const list = await api.call('GET', '/api/v1/workflows?name_like=su');
    assert.equal(list.headers.get('x-total-count'), '1');
    assert.equal(list.body.data[0].latestVersion, '1.0.0');
    const graph = await api.call('GET', '/api/v1/workflows/sums/graph?format=dot');
    assert.match(graph.body.data.graph, /s_left -> s_join;/);

    const refused = await api.call('POST', '/api/v1/workflow-runs', {
      body: { workflow: 'sums', input: { n: 'x' } },
    });
    assert.equal(refused.status, 422);
    assert.match(refused.body.error.message, /\$\.n must be number/);
    const badDestination = await api.call('POST', '/api/v1/workflow-runs', {
      body: { workflow: 'sums', input: { n: 1 }, outputDestinations: [{ type: 'webhook', url: 'ftp://x' }] },
    });
    assert.equal(badDestination.status, 422);
    assert.match(JSON.stringify(badDestination.body.error), /\$\.outputDestinations\[0\]\.url/);

    const node = await startWorkers(api.app, { log: () => {} });
    try {
      const started = await api.call('POST', '/api/v1/workflow-runs', {
        body: { workflow: 'sums', input: { n: 1 }, idempotencyKey: 'a' },
      });
      assert.equal(started.status, 201);
      const again = await api.call('POST', '/api/v1/workflow-runs', {
        body: { workflow: 'sums', input: { n: 1 }, idempotencyKey: 'a' },
      });
      assert.equal(again.status, 200);
      assert.equal(again.body.data.uuid, started.body.data.uuid);
      // Server-sent events follow the run to its end.
      const stream = await (
        await fetch(`${api.base}/api/v1/workflow-runs/${started.body.data.uuid}/events`)
      ).text();
      const events = [...stream.matchAll(/^event: status\ndata: (.*)$/gm)].map(
        (m) => JSON.parse(m[1]!) as { final: boolean; run: { status: string } },
      );
      assert.ok(events.length >= 1);
      assert.deepEqual(
        events.map((e) => e.final),
        [...events.slice(1).map(() => false), true],
      );
      assert.equal(events.at(-1)!.run.status, 'COMPLETED');
      const done = await waitEnded(api, started.body.data.uuid);
      assert.equal(done.run.status, 'COMPLETED');
      assert.deepEqual(done.run.output, { total: 2 + 10 + 2 + 100 });
      assert.deepEqual(
        done.steps.map((s: { name: string; status: string }) => [s.name, s.status]),
        [
          ['top', 'COMPLETED'],
          ['left', 'COMPLETED'],
          ['right', 'COMPLETED'],
          ['join', 'COMPLETED'],
        ],
      );
      const transitions = await api.call('GET', `/api/v1/workflow-runs/${done.run.id}/transitions`);
      assert.deepEqual(
        transitions.body.data
          .filter((t: { step: string | null }) => t.step === null)
          .map((t: { to: string }) => t.to),
        ['PENDING', 'RUNNING', 'COMPLETED'],
      );
      const metrics = await (await fetch(`${api.base}/metrics`)).text();
      assert.match(metrics, /^ratchet_workflow_runs\{state="COMPLETED"\} 1$/m);
      assert.match(metrics, /^ratchet_workflow_steps\{state="COMPLETED"\} 4$/m);
      assert.match(metrics, /^ratchet_workflow_step_orchestration_seconds_count [1-9]\d*$/m);
      const runGraph = await api.call('GET', `/api/v1/workflow-runs/${done.run.id}/graph`);
      assert.match(runGraph.body.data.graph, /join<br\/>addition<br\/>COMPLETED/);
    } finally {
      await node.stop(1000);
    }

    // Without workers: a run waits, a pending step can be resolved by hand, and the run cancelled.
    const waiting = await api.call('POST', '/api/v1/workflow-runs', {
      body: { workflow: 'sums', input: { n: 5 } },
    });
    const id = waiting.body.data.uuid as string;
    const conflict = await api.call('POST', `/api/v1/workflow-runs/${id}/steps/top/retry`);
    assert.equal(conflict.status, 409);
    assert.match(conflict.body.error.message, /is ENQUEUED and cannot become ENQUEUED/);
    const resolved = await api.call('POST', `/api/v1/workflow-runs/${id}/steps/left/resolve`, {
      body: { output: { sum: 7 } },
    });
    assert.equal(resolved.status, 200);
    assert.equal(resolved.body.data.steps[1].status, 'RESOLVED_MANUALLY');
    const cancelled = await api.call('POST', `/api/v1/workflow-runs/${id}/cancel`);
    assert.equal(cancelled.body.data.run.status, 'CANCELLED');
    assert.deepEqual(
      cancelled.body.data.steps.map((s: { status: string }) => s.status),
      ['CANCELLED', 'RESOLVED_MANUALLY', 'CANCELLED', 'CANCELLED'],
    );
    const runs = await api.call('GET', '/api/v1/workflow-runs?status=cancelled&_sort=id&_order=asc');
    assert.equal(runs.headers.get('x-total-count'), '1');
    assert.equal(runs.body.data[0].uuid, id);
    assert.equal((await api.call('GET', '/api/v1/workflow-runs/999')).status, 404);
    assert.equal((await api.call('GET', '/api/v1/workflow-runs?nope=1')).status, 400);
  },
);
