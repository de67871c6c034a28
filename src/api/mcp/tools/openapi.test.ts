// ratchet_generate_task_from_openapi through the official MCP client over HTTP: the document as
// text and from a real HTTP server on 127.0.0.1, the stored task passing its generated tests, and
// the errors a caller can act on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ok, withMcpHttp } from '../test-helpers.ts';
import { ALL_TOOLS } from './index.ts';

const SPEC = readFileSync(
  new URL('../../../../test/fixtures/openapi/users-api.yaml', import.meta.url).pathname,
  'utf8',
);

function checked(res: unknown) {
  const body = ok(res);
  ALL_TOOLS.find((t) => t.name === 'ratchet_generate_task_from_openapi')!.output.parse(body);
  return body;
}

function errorText(res: unknown): string {
  const r = res as { isError?: boolean; content?: { text?: string }[] };
  assert.equal(r.isError, true, 'the call should fail');
  return r.content?.[0]?.text ?? '';
}

test('ratchet_generate_task_from_openapi: stores a task that passes its generated tests; URL, errors', async () => {
  let specHits = 0;
  const specServer = createServer((req, res) => {
    specHits++;
    res.writeHead(req.url === '/openapi.yaml' ? 200 : 404, { 'content-type': 'application/yaml' });
    res.end(req.url === '/openapi.yaml' ? SPEC : 'no');
  });
  await new Promise<void>((r) => specServer.listen(0, '127.0.0.1', r));
  const port = (specServer.address() as AddressInfo).port;
  try {
    await withMcpHttp(
      async ({ connect }) => {
        const client = await connect();
        const call = (args: Record<string, unknown>) =>
          client.callTool({ name: 'ratchet_generate_task_from_openapi', arguments: args });

        const made = checked(await call({ spec: SPEC, operation_id: 'getUser' }));
        assert.equal(made.name, 'get-user');
        assert.deepEqual([made.method, made.path], ['GET', '/users/{userId}']);
        assert.equal(made.task.name, 'get-user');
        assert.equal(made.version.version, '1.0.0');
        assert.deepEqual(made.version.tests, [
          'test-001.json',
          'test-002.json',
          'test-003.json',
          'test-004.json',
        ]);
        const output = JSON.parse(made.files['output.schema.json'] as string);
        assert.equal(output.$defs.Team.properties.subteams.items.$ref, '#/$defs/Team', 'recursion kept');

        const report = ok(
          await client.callTool({ name: 'ratchet_run_task_tests', arguments: { task_id: 'get-user' } }),
        );
        assert.deepEqual([report.passed, report.failed, report.success], [4, 0, true]);

        // From a URL the server may reach (http.allowed_hosts opens the spec server's port).
        const fromUrl = checked(
          await call({
            spec_url: `http://127.0.0.1:${port}/openapi.yaml`,
            operation_id: 'uploadAvatar',
            save: false,
          }),
        );
        assert.equal(fromUrl.task, null);
        assert.deepEqual(fromUrl.skipped, [
          'the cookie parameter "session" (only path, query and header parameters are sent)',
          'the request body (multipart/form-data) is not JSON, so the task does not send it',
        ]);
        assert.equal(specHits, 1);

        const unknown = errorText(await call({ spec: SPEC, operation_id: 'deleteUser' }));
        assert.match(
          unknown,
          /no operation has the operationId "deleteUser"; the operations are: getUser, createUser, exportUsers, uploadAvatar/,
        );
        const broken = errorText(
          await call({ spec: 'openapi: 3.1.0\npaths:\n  /a: [\n', operation_id: 'x' }),
        );
        assert.match(broken, /spec:4:1: invalid YAML/);
        const notOpenApi = errorText(await call({ spec: '{"name": "x"}', operation_id: 'x' }));
        assert.match(notOpenApi, /not an OpenAPI document/);
        const missing = errorText(
          await call({ spec_url: `http://127.0.0.1:${port}/nothing.yaml`, operation_id: 'getUser' }),
        );
        assert.match(missing, /answered 404/);
        // A host the policy does not open is refused before any request is made.
        const refused = errorText(
          await call({ spec_url: 'http://127.0.0.1:1/openapi.yaml', operation_id: 'getUser' }),
        );
        assert.match(refused, /blocked/);
        const again = errorText(await call({ spec: SPEC, operation_id: 'getUser' }));
        assert.match(again, /already exists/);
        const both = errorText(
          await call({ spec: SPEC, spec_url: 'http://x.example/', operation_id: 'getUser' }),
        );
        assert.match(both, /either as spec/);
      },
      { http: { allowed_hosts: [`127.0.0.1:${port}`] } },
      [],
    );
  } finally {
    await new Promise<void>((r) => specServer.close(() => r()));
  }
});
