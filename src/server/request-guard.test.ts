// CSRF and DNS rebinding (issue 12 item 6), over real HTTP: a cross-site page cannot drive the
// default open loopback server, a rebinding page (foreign Host) gets nothing, and ordinary JSON
// clients, key holders and same-origin pages still work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { withApi, type Api } from '../api/rest/test-helpers.ts';
import { allowedHosts, hostOf } from './request-guard.ts';

interface Raw {
  status: number;
  body: { error?: { code: string; message: string; details?: { reason?: string } } } & Record<
    string,
    unknown
  >;
}

/** A request with exactly these headers (fetch() would not let us choose Host). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Raw> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function enabled(api: Api): Promise<boolean> {
  const res = await api.call('GET', '/api/v1/tasks/addition');
  assert.equal(res.status, 200);
  return res.body.data.enabled as boolean;
}

test('a cross-origin text/plain POST to a body-less route is refused and changes nothing', () =>
  withApi('sqlite', async (api) => {
    const host = new URL(api.base).host;
    const attack = await raw(
      api.base,
      'POST',
      '/api/v1/tasks/addition/disable',
      { host, origin: 'http://evil.example', 'content-type': 'text/plain' },
      'x',
    );
    assert.equal(attack.status, 403);
    assert.match(attack.body.error!.message, /http:\/\/evil\.example.*server\.cors\.origins/);
    // A form post without Origin (old browsers, privacy settings) is refused for its content type.
    const form = await raw(
      api.base,
      'POST',
      '/api/v1/tasks/addition/disable',
      { host, 'content-type': 'text/plain' },
      'x',
    );
    assert.equal(form.status, 403);
    assert.equal(form.body.error!.details!.reason, 'csrf');
    assert.match(form.body.error!.message, /Content-Type: application\/json.*X-Requested-With/);
    const bare = await raw(api.base, 'POST', '/api/v1/tasks/addition/disable', { host });
    assert.equal(bare.status, 403);
    assert.equal(await enabled(api), true);

    // What a script or same-origin page does still works.
    const json = await raw(
      api.base,
      'POST',
      '/api/v1/tasks/addition/disable',
      { host, 'content-type': 'application/json' },
      '{}',
    );
    assert.equal(json.status, 200, JSON.stringify(json.body));
    assert.equal(await enabled(api), false);
    const xrw = await raw(api.base, 'POST', '/api/v1/tasks/addition/enable', {
      host,
      origin: `http://${host}`,
      'x-requested-with': 'XMLHttpRequest',
    });
    assert.equal(xrw.status, 200);
    assert.equal(await enabled(api), true);
  }));

test('a foreign Host is refused on a loopback bind; loopback names are served', () =>
  withApi('sqlite', async (api) => {
    const port = new URL(api.base).port;
    const rebound = await raw(api.base, 'GET', '/api/v1/tasks', { host: `attacker.example:${port}` });
    assert.equal(rebound.status, 403);
    assert.equal(rebound.body.error!.details!.reason, 'host');
    assert.match(rebound.body.error!.message, /attacker\.example.*server\.allowed_hosts/);
    const keyCreate = await raw(
      api.base,
      'POST',
      '/api/v1/api-keys',
      { host: `attacker.example:${port}`, 'content-type': 'application/json' },
      JSON.stringify({ name: 'stolen', role: 'admin' }),
    );
    assert.equal(keyCreate.status, 403);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost'])
      assert.equal((await raw(api.base, 'GET', '/api/v1/tasks', { host })).status, 200, host);
  }));

test('server.allowed_hosts adds names; cors.origins admits a cross-origin page', () =>
  withApi(
    'sqlite',
    async (api) => {
      const port = new URL(api.base).port;
      assert.equal(
        (await raw(api.base, 'GET', '/api/v1/tasks', { host: `ratchet.internal:${port}` })).status,
        200,
      );
      const ok = await raw(
        api.base,
        'POST',
        '/api/v1/tasks/addition/disable',
        {
          host: `ratchet.internal:${port}`,
          origin: 'http://ui.internal',
          'content-type': 'application/json',
        },
        '{}',
      );
      assert.equal(ok.status, 200);
    },
    { server: { allowed_hosts: ['ratchet.internal'], cors: { origins: ['http://ui.internal'] } } },
  ));

test('allowed host names per bind address', () => {
  assert.deepEqual([...allowedHosts('127.0.0.1', [])!].sort(), ['127.0.0.1', '::1', 'localhost']);
  assert.deepEqual([...allowedHosts('10.1.2.3', ['Ratchet.Example.'])!].sort(), [
    '10.1.2.3',
    'ratchet.example',
  ]);
  assert.equal(allowedHosts('10.1.2.3', ['*']), undefined);
  const any = allowedHosts('0.0.0.0', [])!;
  assert.ok(any.has('127.0.0.1') && any.has('localhost'));
  assert.equal(hostOf('[::1]:8080'), '::1');
  assert.equal(hostOf('Example.COM:80'), 'example.com');
  assert.equal(hostOf('::1'), '::1');
});
