// The error envelope over real HTTP: every error kind, unknown routes, oversized and malformed
// bodies, schema validation listing every field, rate limiting, and no internals leaking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { getJson, withServer } from './test-helpers.ts';
import { mapError, validationFields } from './errors.ts';

function assertEnvelope(
  body: Record<string, unknown>,
  status: number,
  code: string,
): { message: string; details?: Record<string, unknown> } {
  const err = body.error as {
    code: string;
    message: string;
    status: number;
    details?: Record<string, unknown>;
  };
  assert.ok(err, `expected an error envelope, got ${JSON.stringify(body)}`);
  assert.equal(err.status, status);
  assert.equal(err.code, code);
  assert.equal(typeof err.message, 'string');
  assert.deepEqual(Object.keys(body), ['error']);
  return err;
}

void test('every error kind maps to its status and code in the envelope', () =>
  withServer('sqlite', {}, async ({ url }) => {
    const cases: [string, number, string, RegExp][] = [
      ['api', 409, 'CONFLICT', /probe conflict/],
      ['not-found', 404, 'NOT_FOUND', /task "nope" not found/],
      ['conflict', 409, 'CONFLICT', /already exists/],
      ['list-query', 400, 'BAD_REQUEST', /cannot sort/],
      ['validation', 422, 'VALIDATION_ERROR', /invalid job request/],
      ['timeout', 504, 'TIMEOUT', /did not finish/],
    ];
    for (const [kind, status, code, msg] of cases) {
      const res = await getJson(`${url}/api/v1/probe/throw/${kind}`);
      assert.equal(res.status, status, kind);
      const err = assertEnvelope(res.body, status, code);
      assert.match(err.message, msg);
    }
    const api = await getJson(`${url}/api/v1/probe/throw/api`);
    assert.deepEqual((api.body.error as { details: unknown }).details, { which: 'probe' });
    const v = await getJson(`${url}/api/v1/probe/throw/validation`);
    assert.deepEqual((v.body.error as { details: unknown }).details, {
      fields: [
        { path: '$.n', message: 'must be number' },
        { path: '$.m', message: 'is required' },
      ],
    });
  }));

void test('an unexpected error is a generic 500: no stack, no internal message', () =>
  withServer('sqlite', {}, async ({ url }) => {
    const res = await fetch(`${url}/api/v1/probe/throw/boom`, { headers: { 'x-request-id': 'req-123' } });
    const text = await res.text();
    assert.equal(res.status, 500);
    assert.doesNotMatch(text, /secret internal detail|app\.js|at /);
    const err = assertEnvelope(JSON.parse(text) as Record<string, unknown>, 500, 'INTERNAL_ERROR');
    assert.match(err.message, /req-123/);
    assert.equal(res.headers.get('x-request-id'), 'req-123');
  }));

void test('unknown routes are a 404 envelope naming the method and path', () =>
  withServer('sqlite', {}, async ({ url }) => {
    for (const path of ['/nope', '/api/v1/nope?x=1']) {
      const res = await getJson(`${url}${path}`, { method: 'DELETE' });
      assert.equal(res.status, 404);
      const err = assertEnvelope(res.body, 404, 'NOT_FOUND');
      assert.equal(err.message, `no route DELETE ${path.split('?')[0]}`);
    }
  }));

void test('schema validation lists every failing field (400 VALIDATION_ERROR)', () =>
  withServer('sqlite', {}, async ({ url }) => {
    const res = await getJson(`${url}/api/v1/probe/validated`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 0, mode: 'warp', extra: true }),
    });
    assert.equal(res.status, 400);
    const err = assertEnvelope(res.body, 400, 'VALIDATION_ERROR');
    const fields = (err.details as { fields: { path: string; message: string }[] }).fields;
    const paths = fields.map((f) => f.path).sort();
    assert.deepEqual(paths, ['body.count', 'body.extra', 'body.mode', 'body.name']);
    assert.equal(fields.find((f) => f.path === 'body.name')?.message, 'is required');
    assert.match(fields.find((f) => f.path === 'body.mode')?.message ?? '', /must be one of "fast", "slow"/);
    assert.match(err.message, /body\.name is required/);
  }));

void test('malformed and empty JSON bodies are 400 BAD_REQUEST naming the problem', () =>
  withServer('sqlite', {}, async ({ url }) => {
    const bad = await getJson(`${url}/api/v1/probe/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a": 1,',
    });
    assert.equal(bad.status, 400);
    assert.match(assertEnvelope(bad.body, 400, 'BAD_REQUEST').message, /not valid JSON: .*JSON/);
    const empty = await getJson(`${url}/api/v1/probe/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '',
    });
    assert.equal(empty.status, 400);
    assert.match(assertEnvelope(empty.body, 400, 'BAD_REQUEST').message, /empty/);
    const poison = await getJson(`${url}/api/v1/probe/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"__proto__": {"admin": true}}',
    });
    assert.equal(poison.status, 400);
    assertEnvelope(poison.body, 400, 'BAD_REQUEST');
  }));

void test('a body over server.body_limit_bytes is 413 with the limit in the message', () =>
  withServer('sqlite', { config: { server: { body_limit_bytes: 1024 } } }, async ({ url }) => {
    const ok = await getJson(`${url}/api/v1/probe/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ s: 'x'.repeat(500) }),
    });
    assert.equal(ok.status, 200);
    const res = await getJson(`${url}/api/v1/probe/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ s: 'x'.repeat(5000) }),
    });
    assert.equal(res.status, 413);
    assert.match(assertEnvelope(res.body, 413, 'BAD_REQUEST').message, /limit 1024 bytes/);
  }));

void test('exceeding the rate limit is 429 RATE_LIMITED with Retry-After and RateLimit headers', () =>
  withServer(
    'sqlite',
    { config: { server: { rate_limit: { requests_per_minute: 60, burst_size: 3 } } } },
    async ({ url }) => {
      const first = await fetch(`${url}/api/v1/probe/public`);
      await first.text();
      assert.equal(first.headers.get('ratelimit-limit'), '3');
      assert.equal(first.headers.get('ratelimit-remaining'), '2');
      assert.ok(Number(first.headers.get('ratelimit-reset')) > 0);
      await (await fetch(`${url}/api/v1/probe/public`)).text();
      await (await fetch(`${url}/api/v1/probe/public`)).text();
      const res = await getJson(`${url}/api/v1/probe/public`);
      assert.equal(res.status, 429);
      assert.match(
        assertEnvelope(res.body, 429, 'RATE_LIMITED').message,
        /rate limit exceeded: 3 requests per 3 s/,
      );
      const retry = Number(res.headers.get('retry-after'));
      assert.ok(retry >= 1 && retry <= 3, `Retry-After ${retry}`);
      assert.equal(res.headers.get('ratelimit-remaining'), '0');
      // Probes are never throttled, nor are the dashboard's static files.
      assert.equal((await fetch(`${url}/health`)).status, 200);
      const page = await fetch(`${url}/ui/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<html/i);
      // CORS exposes the headers to browsers when an origin is allowed (checked in the CORS test).
    },
  ));

void test('rate limiting can be disabled', () =>
  withServer(
    'sqlite',
    { config: { server: { rate_limit: { enabled: false, burst_size: 1 } } } },
    async ({ url }) => {
      for (let i = 0; i < 5; i++) assert.equal((await fetch(`${url}/api/v1/probe/public`)).status, 200);
    },
  ));

void test('CORS: allowed origins get the listed exposed headers; others get no CORS headers', () =>
  withServer(
    'sqlite',
    { config: { server: { cors: { origins: ['https://ui.example'] } } } },
    async ({ url }) => {
      const ok = await fetch(`${url}/api/v1/probe/public`, { headers: { origin: 'https://ui.example' } });
      assert.equal(ok.headers.get('access-control-allow-origin'), 'https://ui.example');
      const exposed = (ok.headers.get('access-control-expose-headers') ?? '').toLowerCase();
      for (const h of ['x-total-count', 'content-range', 'ratelimit-limit', 'retry-after', 'x-request-id'])
        assert.ok(exposed.includes(h), `${h} exposed in ${exposed}`);
      const other = await fetch(`${url}/api/v1/probe/public`, {
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(other.headers.get('access-control-allow-origin'), null);
      const pre = await fetch(`${url}/api/v1/probe/run/1`, {
        method: 'OPTIONS',
        headers: { origin: 'https://ui.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(pre.status, 204);
    },
  ));

void test('request ids: a sane x-request-id is echoed, otherwise one is generated', () =>
  withServer('sqlite', {}, async ({ url }) => {
    const given = await fetch(`${url}/health`, { headers: { 'x-request-id': 'abc-1' } });
    assert.equal(given.headers.get('x-request-id'), 'abc-1');
    const generated = await fetch(`${url}/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  }));

void test('mapError: Fastify client errors keep their status; unknown errors are unmapped', () => {
  const e = Object.assign(new Error('Unsupported Media Type'), {
    statusCode: 415,
    code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  });
  assert.deepEqual(mapError(e), { status: 415, code: 'BAD_REQUEST', message: 'Unsupported Media Type' });
  assert.equal(mapError(new TypeError('x')), undefined);
  assert.equal(mapError('a string'), undefined);
  assert.deepEqual(
    validationFields('querystring', [
      { instancePath: '/items/2/name', message: 'must be string', keyword: 'type' },
    ]),
    [{ path: 'querystring.items[2].name', message: 'must be string' }],
  );
});

void test('a route without config.access is refused when the server loads', async () => {
  const { routePolicy } = await import('./auth.ts');
  const s = Fastify();
  await s.register(routePolicy);
  assert.throws(() => s.get('/forgot', async () => 'x'), /route GET \/forgot declares no valid access level/);
  // Inside a plugin (how resource routes are added) the server fails to load.
  await assert.rejects(async () => {
    await s.register(
      async (p) => {
        p.post('/also-forgot', { config: { access: 'writ' as 'write' } }, async () => 'x');
      },
      { prefix: '/api' },
    );
    await s.ready();
  }, /route POST \/api\/also-forgot declares no valid access level/);
  await s.close().catch(() => undefined);
});
