import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { closeHttpAgents, defaultHttpOptions, performRequest } from './client.ts';
import type { HttpClientOptions } from './client.ts';
import { echo, startHttpsServer, startServer } from './test-helpers/servers.ts';
import type { TestServer } from './test-helpers/servers.ts';
import type { HttpExchange, HttpResponseSpec } from './types.ts';

// Loopback is denied by default (the egress policy); before() opens exactly the test servers' ports.
const opts: HttpClientOptions = { ...defaultHttpOptions };
const allowing = (...servers: { port: number }[]): HttpClientOptions => ({
  ...opts,
  allowedHosts: [...opts.allowedHosts, ...servers.map((s) => `127.0.0.1:${s.port}`)],
});
const PNG_BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80]);

function ok(exchange: HttpExchange): HttpResponseSpec {
  assert.equal(exchange.error, undefined, `unexpected error: ${JSON.stringify(exchange.error)}`);
  assert.ok(exchange.response);
  return exchange.response;
}

function get(url: string, o: HttpClientOptions = opts, timeoutMs = 5000): Promise<HttpExchange> {
  return performRequest({ method: 'GET', url, headers: {} }, o, timeoutMs);
}

void describe('performRequest', () => {
  let server: TestServer;
  let hang: TestServer;
  before(async () => {
    server = await startServer({
      '/echo': echo,
      '/fail': (_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('boom'),
      '/custom-reason': (_req, res) => res.writeHead(418, 'Short And Stout').end(),
      '/binary': (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG_BYTES),
      '/untyped-text': (_req, res) => res.end('plain words ✓'),
      '/untyped-binary': (_req, res) => res.end(PNG_BYTES),
      '/big': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(5000)),
      '/big-chunked': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 10; i++) res.write('y'.repeat(1000));
        res.end();
      },
      '/multi': (_req, res) => {
        res.setHeader('X-Multi', ['a', 'b']);
        res.setHeader('Content-Type', 'application/vnd.api+json; charset=utf-8');
        res.end('{"ok":true}');
      },
      '/redirect': (req, res) => {
        const n = Number(new URL(req.url ?? '', 'http://x').searchParams.get('n'));
        const location = n > 0 ? `/redirect?n=${n - 1}` : '/echo?done=1';
        res.writeHead(302, { location }).end();
      },
      '/see-other': (_req, res) => res.writeHead(303, { location: '/echo' }).end(),
      '/temporary': (_req, res) => res.writeHead(307, { location: '/echo' }).end(),
      '/loop': (_req, res) => res.writeHead(301, { location: '/loop' }).end(),
      '/reset': (req) => req.socket.destroy(),
    });
    hang = await startServer({ '/never': () => undefined });
    opts.allowedHosts = [`127.0.0.1:${server.port}`, `127.0.0.1:${hang.port}`];
  });
  after(async () => {
    await server.close();
    await hang.close();
    await closeHttpAgents();
  });

  void test('GET sends headers, a default User-Agent, and returns JSON as utf8 text', async () => {
    const exchange = await performRequest(
      { method: 'GET', url: `${server.url}/echo?q=1`, headers: { 'X-Token': 'abc' } },
      opts,
      5000,
    );
    const res = ok(exchange);
    assert.equal(res.status, 200);
    assert.equal(res.statusText, 'OK');
    assert.equal(res.mimeType, 'application/json');
    assert.equal(res.bodyEncoding, 'utf8');
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    const seen = JSON.parse(res.body) as { method: string; url: string; headers: Record<string, string> };
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, '/echo?q=1');
    assert.equal(seen.headers['x-token'], 'abc');
    assert.equal(seen.headers['user-agent'], 'Ratchet/1.0');
    assert.ok(exchange.durationMs >= 0);
    assert.ok(!Number.isNaN(Date.parse(exchange.startedAt)));
  });

  void test("the request's own User-Agent wins", async () => {
    const res = ok(
      await performRequest(
        { method: 'GET', url: `${server.url}/echo`, headers: { 'user-agent': 'Mine/2' } },
        opts,
        5000,
      ),
    );
    assert.equal(
      (JSON.parse(res.body) as { headers: Record<string, string> }).headers['user-agent'],
      'Mine/2',
    );
  });

  void test('POST sends a JSON body and a form body raw', async () => {
    const json = ok(
      await performRequest(
        {
          method: 'POST',
          url: `${server.url}/echo`,
          headers: { 'content-type': 'application/json' },
          body: '{"a":1}',
        },
        opts,
        5000,
      ),
    );
    const seenJson = JSON.parse(json.body) as {
      method: string;
      body: string;
      headers: Record<string, string>;
    };
    assert.equal(seenJson.method, 'POST');
    assert.equal(seenJson.body, '{"a":1}');
    assert.equal(seenJson.headers['content-type'], 'application/json');
    const form = ok(
      await performRequest(
        {
          method: 'POST',
          url: `${server.url}/echo`,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'a=1&b=two+words',
        },
        opts,
        5000,
      ),
    );
    assert.equal((JSON.parse(form.body) as { body: string }).body, 'a=1&b=two+words');
  });

  void test('a base64 request body is sent as bytes', async () => {
    const res = ok(
      await performRequest(
        {
          method: 'PUT',
          url: `${server.url}/echo`,
          headers: {},
          body: Buffer.from('héllo').toString('base64'),
          bodyEncoding: 'base64',
        },
        opts,
        5000,
      ),
    );
    assert.equal((JSON.parse(res.body) as { body: string }).body, 'héllo');
  });

  void test('404 and 500 are responses, not errors', async () => {
    const missing = ok(await get(`${server.url}/nope`));
    assert.equal(missing.status, 404);
    assert.equal(missing.statusText, 'Not Found');
    assert.equal(missing.body, 'no route /nope');
    const failed = ok(await get(`${server.url}/fail`));
    assert.equal(failed.status, 500);
    assert.equal(failed.statusText, 'Internal Server Error');
    assert.equal(failed.body, 'boom');
  });

  void test("statusText is the server's reason phrase", async () => {
    assert.equal(ok(await get(`${server.url}/custom-reason`)).statusText, 'Short And Stout');
  });

  void test('repeated headers are joined and +json types are text', async () => {
    const res = ok(await get(`${server.url}/multi`));
    assert.equal(res.headers['x-multi'], 'a, b');
    assert.equal(res.mimeType, 'application/vnd.api+json');
    assert.equal(res.bodyEncoding, 'utf8');
    assert.equal(res.body, '{"ok":true}');
  });

  void test('binary bodies come back as base64; untyped bodies by UTF-8 validity', async () => {
    const png = ok(await get(`${server.url}/binary`));
    assert.equal(png.bodyEncoding, 'base64');
    assert.equal(png.mimeType, 'image/png');
    assert.deepEqual(Buffer.from(png.body, 'base64'), PNG_BYTES);
    const text = ok(await get(`${server.url}/untyped-text`));
    assert.equal(text.bodyEncoding, 'utf8');
    assert.equal(text.body, 'plain words ✓');
    const bytes = ok(await get(`${server.url}/untyped-binary`));
    assert.equal(bytes.bodyEncoding, 'base64');
    assert.deepEqual(Buffer.from(bytes.body, 'base64'), PNG_BYTES);
  });

  void test('a redirect chain is followed and url names the final hop', async () => {
    const res = ok(await get(`${server.url}/redirect?n=3`));
    assert.equal(res.status, 200);
    assert.equal(res.url, `${server.url}/echo?done=1`);
  });

  void test('303 turns POST into GET without body; 307 keeps method and body', async () => {
    const post = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'payload' };
    const seeOther = ok(await performRequest({ ...post, url: `${server.url}/see-other` }, opts, 5000));
    const seen303 = JSON.parse(seeOther.body) as {
      method: string;
      body: string;
      headers: Record<string, string>;
    };
    assert.equal(seen303.method, 'GET');
    assert.equal(seen303.body, '');
    assert.equal(seen303.headers['content-type'], undefined);
    const temporary = ok(await performRequest({ ...post, url: `${server.url}/temporary` }, opts, 5000));
    const seen307 = JSON.parse(temporary.body) as { method: string; body: string };
    assert.equal(seen307.method, 'POST');
    assert.equal(seen307.body, 'payload');
  });

  void test('too many redirects is a NetworkError naming the URL', async () => {
    const exchange = await get(`${server.url}/loop`);
    assert.equal(exchange.response, undefined);
    assert.equal(exchange.error?.type, 'NetworkError');
    assert.match(exchange.error.message, /too many redirects/);
    assert.ok(exchange.error.message.includes(`${server.url}/loop`));
    const limited = await get(`${server.url}/redirect?n=3`, { ...opts, maxRedirects: 2 });
    assert.match(limited.error?.message ?? '', /too many redirects \(more than 2/);
    const manual = ok(await get(`${server.url}/loop`, { ...opts, maxRedirects: 0 }));
    assert.equal(manual.status, 301);
  });

  void test('connection refused is a NetworkError naming URL and cause', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const exchange = await get(`http://127.0.0.1:${port}/x`, allowing({ port }));
    assert.equal(exchange.error?.type, 'NetworkError');
    assert.ok(exchange.error.message.includes(`http://127.0.0.1:${port}/x`));
    assert.match(exchange.error.message, /ECONNREFUSED/);
  });

  void test('a connection closed without an answer is a NetworkError', async () => {
    const exchange = await get(`${server.url}/reset`);
    assert.equal(exchange.error?.type, 'NetworkError');
    assert.match(exchange.error.message, new RegExp(`^request to ${server.url}/reset failed: .+`));
  });

  void test('a server that never answers ends in TimeoutError', async () => {
    const exchange = await get(`${hang.url}/never`, opts, 200);
    assert.equal(exchange.error?.type, 'TimeoutError');
    assert.equal(exchange.error.message, `request to ${hang.url}/never timed out after 200 ms`);
    const configured = await get(`${hang.url}/never`, { ...opts, timeoutMs: 150 }, 10_000);
    assert.equal(configured.error?.message, `request to ${hang.url}/never timed out after 150 ms`);
  });

  void test('bodies larger than maxResponseBytes fail naming the limit', async () => {
    const small = { ...opts, maxResponseBytes: 4096 };
    for (const path of ['/big', '/big-chunked']) {
      const exchange = await get(`${server.url}${path}`, small);
      assert.equal(exchange.error?.type, 'NetworkError', path);
      assert.match(exchange.error.message, /exceeds the limit of 4096 bytes/);
    }
    assert.equal(ok(await get(`${server.url}/big`, { ...opts, maxResponseBytes: 5000 })).body.length, 5000);
  });

  void test('policy: allow list, deny list, wildcards, and redirects into a denied host', async () => {
    const allowOther = { ...opts, allowedHosts: ['api.example.com'] };
    const blocked = await get(`${server.url}/echo`, allowOther);
    assert.equal(blocked.error?.type, 'PolicyError');
    // Not in the list, and loopback besides: the non-public address is the reason given.
    assert.match(blocked.error.message, /127\.0\.0\.1 is a loopback address/);
    ok(await get(`${server.url}/echo`, { ...opts, allowedHosts: ['127.0.0.1'] }));
    ok(await get(`${server.url}/echo`, { ...opts, allowedHosts: [`127.0.0.1:${server.port}`] }));
    const denied = await get(`${server.url}/echo`, {
      ...opts,
      allowedHosts: ['127.0.0.1'],
      deniedHosts: ['127.0.0.1'],
    });
    assert.equal(denied.error?.type, 'PolicyError');
    assert.match(denied.error.message, /denied by pattern "127.0.0.1"/);
    // localhost resolves to our server; *.localhost covers subdomains only, never the apex.
    const apex = await get(`http://localhost:${server.port}/echo`, {
      ...opts,
      allowedHosts: ['*.localhost'],
    });
    assert.equal(apex.error?.type, 'PolicyError');
    const sub = await get(`http://localhost:${server.port}/echo`, { ...opts, deniedHosts: ['*.localhost'] });
    assert.equal(ok(sub).status, 200);
  });

  void test('a redirect into a denied host is blocked on that hop', async () => {
    const bouncer = await startServer({
      '/out': (_req, res) => res.writeHead(302, { location: `http://localhost:${server.port}/echo` }).end(),
    });
    try {
      const exchange = await get(`${bouncer.url}/out`, { ...allowing(bouncer), deniedHosts: ['localhost'] });
      assert.equal(exchange.error?.type, 'PolicyError');
      assert.match(exchange.error.message, /redirected to http:\/\/localhost:\d+\/echo/);
      assert.match(exchange.error.message, /denied by pattern "localhost"/);
      ok(await get(`${bouncer.url}/out`, allowing(bouncer)));
    } finally {
      await bouncer.close();
    }
  });

  void test('TLS: a self-signed certificate fails unless verifySsl is false', async () => {
    const tls = await startHttpsServer({ '/echo': echo });
    try {
      const strict = await get(`${tls.url}/echo`, allowing(tls));
      assert.equal(strict.error?.type, 'NetworkError');
      assert.match(strict.error.message, /self[- ]signed/i);
      assert.equal(ok(await get(`${tls.url}/echo`, { ...allowing(tls), verifySsl: false })).status, 200);
    } finally {
      await tls.close();
    }
  });
});
