// ratchet_validate_task is a `read` tool, so its run_tests must not reach the outside world: a case
// with allow_network runs offline there (and fails, saying why), while ratchet_run_task_tests
// really performs its request. A real HTTP server on 127.0.0.1 counts what arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { withDevApp } from './dev-test-helpers.ts';

test('validate_task runs the test cases offline; run_task_tests lets allow_network through', async () => {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/ping`;
  try {
    await withDevApp('sqlite', async ({ app, ok }) => {
      // allow_network lets a case make real requests, still under the egress policy: the server is
      // on loopback, so its exact host:port must be allowed.
      app.config.http.allowed_hosts = [new URL(url).host];
      await ok('ratchet_create_task', {
        name: 'pinger',
        code: '(function(input) {\n  var r = fetch(input.url);\n  return { status: r.status };\n})',
        test_cases: [{ name: 'live', input: { url }, expected_output: { status: 200 }, allow_network: true }],
      });
      const live = await ok('ratchet_run_task_tests', { task_id: 'pinger' });
      assert.equal(live.passed, 1, JSON.stringify(live.cases));
      assert.equal(hits, 1);

      const validated = await ok('ratchet_validate_task', { task_id: 'pinger', run_tests: true });
      assert.equal(hits, 1, 'validate_task reached the network');
      assert.equal(validated.valid, false);
      assert.equal(validated.tests.failed, 1);
      assert.match(validated.tests.cases[0].message, /no mock matches GET/);
      assert.match(validated.tests.cases[0].message, /sets allow_network, but it ran offline/);
    });
  } finally {
    await new Promise((r) => server.close(r));
  }
});
