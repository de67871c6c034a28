// POST /api/v1/jobs/batch on a real server, both engines: 201 with every index queued, 422 naming
// each bad item by index with nothing stored, partial mode, idempotency keys, a body the route
// refuses, and a thousand jobs in one request.
import assert from 'node:assert/strict';
import { forEachApi } from './test-helpers.ts';

forEachApi('POST /jobs/batch queues many jobs of a task in one transaction', async (api) => {
  const bad = await api.call('POST', '/api/v1/jobs/batch', {
    body: {
      taskId: 'addition',
      jobs: [{ input: { num1: 1, num2: 2 } }, { input: { num1: 'x', num2: 2 } }, { input: { num1: 1 } }],
    },
  });
  assert.equal(bad.status, 422, JSON.stringify(bad.body));
  assert.match(String(bad.body.error.message), /2 of 3 jobs are invalid; none was queued/);
  const listed = await api.call('GET', '/api/v1/jobs');
  assert.equal(listed.body.data.length, 0, 'nothing was queued');

  const ok = await api.call('POST', '/api/v1/jobs/batch', {
    body: {
      taskId: 'addition',
      jobs: [
        { input: { num1: 1, num2: 2 }, priority: 'high', idempotencyKey: 'k1' },
        { input: { num1: 3, num2: 4 }, delayMs: 60_000 },
        { input: { num1: 5, num2: 6 }, idempotencyKey: 'k1' },
      ],
    },
  });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  const data = ok.body.data as { created: number; jobs: { index: number; id: number; created: boolean }[] };
  assert.equal(data.created, 2);
  assert.deepEqual(
    data.jobs.map((j) => [j.index, j.created]),
    [
      [0, true],
      [1, true],
      [2, false],
    ],
  );
  assert.equal(data.jobs[2]!.id, data.jobs[0]!.id);
  const first = await api.call('GET', `/api/v1/jobs/${data.jobs[0]!.id}`);
  assert.equal(first.body.data.priority, 'HIGH');

  const partial = await api.call('POST', '/api/v1/jobs/batch', {
    body: { taskId: 'addition', partial: true, jobs: [{ input: { num1: 1, num2: 1 } }, { input: {} }] },
  });
  assert.equal(partial.status, 201, JSON.stringify(partial.body));
  assert.deepEqual(
    partial.body.data.rejected.map((r: { index: number; violations: { path: string }[] }) => [
      r.index,
      r.violations.map((v) => v.path),
    ]),
    [[1, ['$.jobs[1].input.num1', '$.jobs[1].input.num2']]],
  );

  const unknownField = await api.call('POST', '/api/v1/jobs/batch', {
    body: { taskId: 'addition', jobs: [{ input: {}, colour: 'red' }] },
  });
  assert.equal(unknownField.status, 400, JSON.stringify(unknownField.body));
  const empty = await api.call('POST', '/api/v1/jobs/batch', { body: { taskId: 'addition', jobs: [] } });
  assert.equal(empty.status, 400);

  const many = Array.from({ length: 1000 }, (_, i) => ({ input: { num1: i, num2: 1 } }));
  const big = await api.call('POST', '/api/v1/jobs/batch', { body: { taskId: 'addition', jobs: many } });
  assert.equal(big.status, 201, JSON.stringify(big.body).slice(0, 500));
  assert.equal(big.body.data.created, 1000);
});
