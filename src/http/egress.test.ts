// The egress policy end to end, against real servers on 127.0.0.1 and ::1 only: every spelling of
// loopback is refused before any byte reaches the server, names are judged by the address they
// resolve to, the connector refuses on its own (without the URL pre-check), and redirects are
// checked on every hop.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { closeHttpAgents, defaultHttpOptions, performRequest } from './client.ts';
import type { HttpClientOptions } from './client.ts';
import { EgressDeniedError, egressConnector } from './egress-connect.ts';
import { startServer } from './test-helpers/servers.ts';
import type { TestServer } from './test-helpers/servers.ts';
import type { HttpExchange } from './types.ts';

function get(
  url: string,
  allowedHosts: string[] = [],
  extra: Partial<HttpClientOptions> = {},
): Promise<HttpExchange> {
  return performRequest(
    { method: 'GET', url, headers: {} },
    { ...defaultHttpOptions, allowedHosts, ...extra },
    5000,
  );
}

void describe('egress policy against live loopback servers', () => {
  let target: TestServer;
  let hits = 0;
  let v6: { port: number; close(): Promise<void> } | undefined;
  let v6Hits = 0;
  before(async () => {
    target = await startServer({
      '/secret': (_req, res) => {
        hits++;
        res.end('secret');
      },
    });
    const server = createServer((_req, res) => {
      v6Hits++;
      res.end('v6');
    });
    // ::1 may be missing (IPv6 disabled); the IPv6 cases then are skipped, never sent elsewhere.
    v6 = await new Promise((resolve) => {
      server.once('error', () => resolve(undefined));
      server.listen(0, '::1', () =>
        resolve({
          port: (server.address() as AddressInfo).port,
          close: () => new Promise<void>((r) => server.close(() => r())),
        }),
      );
    });
  });
  after(async () => {
    await target.close();
    await v6?.close();
    await closeHttpAgents();
  });

  void test('every spelling of loopback is refused as a NetworkError-class policy error, nothing is sent', async () => {
    const port = target.port;
    const spellings = [
      '127.0.0.1',
      '127.1',
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '0x7f.1',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '0.0.0.0',
      '[::]',
      'localhost',
      'LocalHost',
    ];
    for (const host of spellings) {
      const exchange = await get(`http://${host}:${port}/secret`);
      assert.equal(exchange.error?.type, 'PolicyError', `${host}: ${JSON.stringify(exchange)}`);
      assert.match(
        exchange.error.message,
        /(loopback|unspecified) address, which tasks and webhooks may not reach by default/,
        host,
      );
      assert.match(exchange.error.message, new RegExp(`http\\.allowed_hosts: \\["[^"]+:${port}"\\]`), host);
    }
    assert.equal(hits, 0, 'the server must not have been reached');
    const named = await get(`http://localhost:${port}/secret`);
    assert.match(named.error?.message ?? '', /localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    assert.match(named.error?.message ?? '', new RegExp(`--allow-host localhost:${port}`));
  });

  void test('an entry for exactly host:port opens that server and nothing else', async () => {
    const exact = [`127.0.0.1:${target.port}`];
    assert.equal((await get(`${target.url}/secret`, exact)).response?.body, 'secret');
    // Other spellings of the same address reach it too: the check is on the address.
    assert.equal((await get(`http://127.1:${target.port}/secret`, exact)).response?.status, 200);
    assert.equal((await get(`http://[::ffff:7f00:1]:${target.port}/secret`, exact)).response?.status, 200);
    assert.equal(hits, 3);
    const otherPort = await get(`http://127.0.0.1:${target.port + 1}/`, exact);
    assert.equal(otherPort.error?.type, 'PolicyError');
    assert.match(otherPort.error.message, /loopback/);
  });

  void test('IPv6 loopback ::1 is refused, and opened by its entry', async (t) => {
    if (!v6) return t.skip('no IPv6 loopback on this machine');
    const url = `http://[::1]:${v6.port}/`;
    const refused = await get(url);
    assert.equal(refused.error?.type, 'PolicyError');
    assert.match(refused.error.message, /address ::1 is a loopback address.*\["\[::1\]:\d+"\]/);
    assert.equal(v6Hits, 0);
    assert.equal((await get(url, [`[::1]:${v6.port}`])).response?.body, 'v6');
    assert.equal((await get(url, ['::1/128'])).response?.body, 'v6');
  });

  void test('the connector refuses on its own, for literals and for names that resolve to loopback', async () => {
    const agent = new Agent({ connect: egressConnector({ allowedHosts: [], deniedHosts: [] }) });
    try {
      for (const url of [`${target.url}/secret`, `http://localhost:${target.port}/secret`]) {
        await assert.rejects(
          request(url, { dispatcher: agent }),
          (err: unknown) => err instanceof EgressDeniedError && /loopback address/.test(err.message),
          url,
        );
      }
      assert.equal(hits, 3, 'no request reached the server');
      const open = new Agent({
        connect: egressConnector({ allowedHosts: [`localhost:${target.port}`], deniedHosts: [] }),
      });
      const res = await request(`http://localhost:${target.port}/secret`, { dispatcher: open });
      assert.equal(await res.body.text(), 'secret');
      await open.close();
    } finally {
      await agent.close();
    }
  });

  void test('a redirect from an allowed local port to a denied one is refused on that hop', async () => {
    const bouncer = await startServer({
      '/to-ip': (_req, res) => res.writeHead(302, { location: `${target.url}/secret` }).end(),
      '/to-name': (_req, res) =>
        res.writeHead(307, { location: `http://localhost:${target.port}/secret` }).end(),
      '/to-decimal': (_req, res) =>
        res.writeHead(301, { location: `http://2130706433:${target.port}/secret` }).end(),
    });
    try {
      const before = hits;
      for (const path of ['/to-ip', '/to-name', '/to-decimal']) {
        const exchange = await get(`${bouncer.url}${path}`, [`127.0.0.1:${bouncer.port}`]);
        assert.equal(exchange.error?.type, 'PolicyError', path);
        assert.match(exchange.error.message, /\(redirected to http:\/\/[^ ]+\/secret\) blocked: /, path);
        // A name is refused before resolving when no entry can match it; an address once resolved.
        assert.match(exchange.error.message, /loopback address|not in the allowed hosts/, path);
        assert.match(exchange.error.message, new RegExp(`allowed_hosts: \\["[^"]+:${target.port}"\\]`), path);
      }
      assert.equal(hits, before, 'the redirect target was never reached');
      // Opening the target too lets the redirect through.
      const both = [`127.0.0.1:${bouncer.port}`, `127.0.0.1:${target.port}`];
      assert.equal((await get(`${bouncer.url}/to-name`, both)).response?.body, 'secret');
    } finally {
      await bouncer.close();
    }
  });

  void test("this process's own server port stays closed to a broad entry", async () => {
    const own = { ownPorts: [target.port] };
    for (const entries of [['127.0.0.1'], ['127.0.0.0/8'], ['localhost']]) {
      const url = entries[0] === 'localhost' ? `http://localhost:${target.port}/` : `${target.url}/secret`;
      const exchange = await get(url, entries, own);
      assert.equal(exchange.error?.type, 'PolicyError', entries[0]);
      assert.match(exchange.error.message, /own server port/, entries[0]);
    }
    const before = hits;
    assert.equal(
      (await get(`${target.url}/secret`, [`127.0.0.1:${target.port}`], own)).response?.status,
      200,
    );
    assert.equal(hits, before + 1);
  });
});
