// The README's REST lines over real HTTP on 127.0.0.1: its job body `{"task_id": 1, "input_data":
// {...}}` queues a job (aliases of taskId and input, declared in the route's schema and so in the
// OpenAPI document), and `GET /api/v1/health` answers like `/health`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withApi } from './test-helpers.ts';

test('POST /api/v1/jobs takes the README body {"task_id": 1, "input_data": {...}}', async () => {
  await withApi('sqlite', async (api) => {
    // Exactly the README's curl body; task 1 is the sample addition task the helper stores.
    const raw = '{"task_id": 1, "input_data": {"num1": 5, "num2": 10}}';
    const made = await api.call('POST', '/api/v1/jobs', { raw });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.data.taskId, 1);
    assert.deepEqual(made.body.data.input, { num1: 5, num2: 10 });
    assert.equal(made.body.data.status, 'QUEUED');

    // The input still meets the task's input schema under its alias.
    const invalid = await api.call('POST', '/api/v1/jobs', {
      body: { task_id: 1, input_data: { num1: 'x' } },
    });
    assert.equal(invalid.status, 422, JSON.stringify(invalid.body));

    const both = await api.call('POST', '/api/v1/jobs', { body: { taskId: 1, task_id: 1 } });
    assert.equal(both.status, 400);
    assert.equal(both.body.error.message, 'give taskId or its alias task_id, not both');
    const inputs = await api.call('POST', '/api/v1/jobs', { body: { taskId: 1, input: {}, input_data: {} } });
    assert.equal(inputs.status, 400);
    assert.equal(inputs.body.error.message, 'give input or its alias input_data, not both');

    const neither = await api.call('POST', '/api/v1/jobs', { body: { input_data: {} } });
    assert.equal(neither.status, 400, JSON.stringify(neither.body));
    assert.match(JSON.stringify(neither.body.error), /taskId/);
    assert.match(JSON.stringify(neither.body.error), /task_id/);

    const spec = await api.call('GET', '/api-docs/openapi.json');
    const body = spec.body.paths['/api/v1/jobs'].post.requestBody.content['application/json'].schema;
    assert.ok(body.properties.task_id && body.properties.input_data, JSON.stringify(body));
    assert.deepEqual(body.anyOf, [{ required: ['taskId'] }, { required: ['task_id'] }]);
  });
});

test('GET /api/v1/health answers like /health (the README deployment checklist names both)', async () => {
  await withApi('sqlite', async (api) => {
    const plain = await api.call('GET', '/health');
    const prefixed = await api.call('GET', '/api/v1/health');
    assert.equal(prefixed.status, 200, JSON.stringify(prefixed.body));
    assert.equal(prefixed.body.status, 'ok');
    assert.equal(prefixed.body.version, plain.body.version);
    assert.deepEqual(Object.keys(prefixed.body).sort(), ['status', 'uptime', 'version']);
    const index = await api.call('GET', '/');
    assert.ok(
      index.body.endpoints.some(
        (e: { path: string; access: string }) => e.path === '/api/v1/health' && e.access === 'public',
      ),
      JSON.stringify(index.body.endpoints),
    );
  });
});
