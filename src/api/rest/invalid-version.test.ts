// A job pinned to a version text that is not semver is the caller's mistake: REST answers 400
// naming the version and MCP a BAD_REQUEST tool error (both used to be internal errors: 500 /
// INTERNAL_ERROR), and a lookup of such a version answers the same way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok, withMcpHttp } from '../mcp/test-helpers.ts';
import { forEachApi } from './test-helpers.ts';

forEachApi('POST /jobs with a non-semver version: 400 naming it, never 500', async (api) => {
  for (const version of ['latest-ish', '1.2', 'v1.0.0.0', '99999999999999999.0.0']) {
    const res = await api.call('POST', '/api/v1/jobs', {
      body: { taskId: 'addition', version, input: { num1: 1, num2: 2 } },
    });
    assert.equal(res.status, 400, `${version}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, 'BAD_REQUEST');
    assert.match(String(res.body.error.message), /version "[^"]+"/);
  }
  // A valid version still enqueues.
  const good = await api.call('POST', '/api/v1/jobs', {
    body: { taskId: 'addition', version: '1.0.0', input: { num1: 1, num2: 2 } },
  });
  assert.equal(good.status, 201, JSON.stringify(good.body));
});

test('MCP create_job with a non-semver version: a BAD_REQUEST tool error', async () => {
  await withMcpHttp(async ({ connect }) => {
    const client = await connect();
    const res = (await client.callTool({
      name: 'ratchet_create_job',
      arguments: { task_id: 'addition', version: 'not-a-version', input: { num1: 1, num2: 2 } },
    })) as { isError?: boolean; structuredContent?: { error?: { code?: string; message?: string } } };
    assert.equal(res.isError, true);
    const text = JSON.stringify(res);
    assert.match(text, /BAD_REQUEST/);
    assert.match(text, /version \\"not-a-version\\" is not a semantic version/);
    ok(
      await client.callTool({
        name: 'ratchet_create_job',
        arguments: { task_id: 'addition', version: '1.0.0', input: { num1: 1, num2: 2 } },
      }),
    );
  });
});
