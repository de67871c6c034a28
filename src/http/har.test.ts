import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { closeHttpAgents, defaultHttpOptions, performRequest } from './client.ts';
import { exchangesToHar, harToExchanges } from './har.ts';
import { startServer } from './test-helpers/servers.ts';
import type { HarEntry, HarLog, HarRequest } from './har.ts';
import type { HttpExchange } from './types.ts';

const BINARY = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x89]).toString('base64');

const exchanges: HttpExchange[] = [
  {
    request: {
      method: 'GET',
      url: 'https://api.example.com/items?page=2&tag=a&tag=b',
      headers: { Accept: 'application/json', Cookie: 'sid=abc; theme=dark' },
    },
    response: {
      status: 200,
      statusText: 'OK',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'set-cookie': 'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/, b=2',
      },
      body: '{"items":[1,2]}',
      bodyEncoding: 'utf8',
      mimeType: 'application/json',
      url: 'https://api.example.com/v2/items?page=2&tag=a&tag=b',
    },
    startedAt: '2026-01-02T03:04:05.678Z',
    durationMs: 12.5,
  },
  {
    request: {
      method: 'POST',
      url: 'https://api.example.com/upload',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: BINARY,
      bodyEncoding: 'base64',
    },
    response: {
      status: 500,
      statusText: 'Internal Server Error',
      headers: { 'content-type': 'image/png' },
      body: BINARY,
      bodyEncoding: 'base64',
      mimeType: 'image/png',
      url: 'https://api.example.com/upload',
    },
    startedAt: '2026-01-02T03:04:06.000Z',
    durationMs: 3,
  },
  {
    request: { method: 'GET', url: 'https://down.example.com/', headers: {} },
    error: { type: 'NetworkError', message: 'request to https://down.example.com/ failed: ECONNREFUSED' },
    startedAt: '2026-01-02T03:04:07.000Z',
    durationMs: 1,
  },
];

void test('exchanges become a HAR 1.2 document', () => {
  const har = exchangesToHar(exchanges);
  const version = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  assert.equal(har.log.version, '1.2');
  assert.deepEqual(har.log.creator, { name: 'Ratchet', version });
  assert.equal(har.log.entries.length, 3);
  const [get, post, failed] = har.log.entries;
  assert.ok(get && post && failed);
  assert.equal(get.startedDateTime, '2026-01-02T03:04:05.678Z');
  assert.equal(get.time, 12.5);
  assert.deepEqual(get.request.queryString, [
    { name: 'page', value: '2' },
    { name: 'tag', value: 'a' },
    { name: 'tag', value: 'b' },
  ]);
  assert.deepEqual(get.request.cookies, [
    { name: 'sid', value: 'abc' },
    { name: 'theme', value: 'dark' },
  ]);
  assert.deepEqual(get.response.cookies, [
    { name: 'a', value: '1' },
    { name: 'b', value: '2' },
  ]);
  assert.equal(get.request.headersSize, -1);
  assert.equal(get.request.bodySize, 0);
  assert.equal(get.request.postData, undefined);
  assert.deepEqual(get.response.content, {
    size: 15,
    mimeType: 'application/json; charset=utf-8',
    text: '{"items":[1,2]}',
  });
  assert.deepEqual(get.cache, {});
  assert.deepEqual(get.timings, {
    blocked: -1,
    dns: -1,
    connect: -1,
    ssl: -1,
    send: 0,
    wait: 12.5,
    receive: 0,
  });
  assert.deepEqual(post.request.postData, {
    mimeType: 'application/octet-stream',
    text: BINARY,
    _encoding: 'base64',
  });
  assert.equal(post.request.bodySize, 6);
  assert.equal(post.response.content.encoding, 'base64');
  assert.equal(post.response.content.size, 6);
  assert.equal(failed.response.status, 0);
  assert.deepEqual(failed._error, exchanges[2]?.error);
  assert.deepEqual(exchangesToHar([], { name: 'X', version: '9' }).log.creator, { name: 'X', version: '9' });
});

void test('HAR round trip preserves requests, responses, bodies, encodings and errors', () => {
  const back = harToExchanges(JSON.parse(JSON.stringify(exchangesToHar(exchanges))));
  assert.deepEqual(back, exchanges);
});

void test('a real exchange survives the round trip', async () => {
  const server = await startServer({
    '/data': (_req, res) => res.writeHead(201, { 'content-type': 'text/csv', 'x-n': '1' }).end('a,b\n1,2\n'),
  });
  try {
    const exchange = await performRequest(
      { method: 'PUT', url: `${server.url}/data?x=1`, headers: { 'content-type': 'text/plain' }, body: 'up' },
      { ...defaultHttpOptions, allowedHosts: [`127.0.0.1:${server.port}`] },
      5000,
    );
    assert.equal(exchange.response?.status, 201);
    assert.deepEqual(harToExchanges(JSON.parse(JSON.stringify(exchangesToHar([exchange])))), [exchange]);
  } finally {
    await server.close();
    await closeHttpAgents();
  }
});

void test('HARs from other tools: duplicate headers, pseudo-headers, form params, missing text', () => {
  const [exchange] = harToExchanges({
    log: {
      version: '1.2',
      entries: [
        {
          startedDateTime: '2026-01-01T00:00:00Z',
          time: -1,
          request: {
            method: 'POST',
            url: 'https://x.test/form',
            headers: [
              { name: ':authority', value: 'x.test' },
              { name: 'Accept', value: 'a' },
              { name: 'Accept', value: 'b' },
            ],
            postData: {
              mimeType: 'application/x-www-form-urlencoded',
              params: [{ name: 'q', value: 'a b' }],
            },
          },
          response: {
            status: 204,
            headers: [{ name: 'X-A', value: '1' }],
            content: { size: 0, mimeType: '' },
          },
        },
      ],
    },
  });
  assert.deepEqual(exchange?.request.headers, { Accept: 'a, b' });
  assert.equal(exchange?.request.body, 'q=a+b');
  assert.equal(exchange?.durationMs, 0);
  assert.deepEqual(exchange?.response, {
    status: 204,
    statusText: 'No Content',
    headers: { 'x-a': '1' },
    body: '',
    bodyEncoding: 'utf8',
    mimeType: '',
    url: 'https://x.test/form',
  });
});

void test('malformed HAR documents are rejected naming the entry and field', () => {
  const good = JSON.parse(JSON.stringify(exchangesToHar(exchanges))) as HarLog;
  const broken = (mutate: (entries: HarEntry[]) => void): unknown => {
    const copy = structuredClone(good);
    mutate(copy.log.entries);
    return copy;
  };
  assert.throws(() => harToExchanges(null), /invalid HAR: document must be an object/);
  assert.throws(() => harToExchanges({ log: {} }), /log\.entries must be an array/);
  assert.throws(
    () => harToExchanges({ log: { version: '2.0', entries: [] } }),
    /log\.version must be "1\.2"/,
  );
  assert.throws(
    () => harToExchanges(broken((e) => delete (e[1]!.request as Partial<HarRequest>).url)),
    /log\.entries\[1\]\.request\.url must be a string/,
  );
  assert.throws(
    () =>
      harToExchanges(
        broken((e) => (e[0]!.request.headers[1] = { name: 'x', value: 3 as unknown as string })),
      ),
    /log\.entries\[0\]\.request\.headers\[1\]\.value must be a string/,
  );
  assert.throws(
    () => harToExchanges(broken((e) => ((e[1]!.response as { status: unknown }).status = 'ok'))),
    /log\.entries\[1\]\.response\.status must be a number/,
  );
  assert.throws(
    () => harToExchanges(broken((e) => (e[0]!.response.content.encoding = 'gzip' as 'base64'))),
    /log\.entries\[0\]\.response\.content\.encoding must be "base64"/,
  );
  assert.throws(
    () => harToExchanges(broken((e) => (e[2]!._error!.type = 'Oops'))),
    /log\.entries\[2\]\._error\.type must be NetworkError/,
  );
  assert.throws(
    () => harToExchanges(broken((e) => (e[0]!.startedDateTime = 'yesterday'))),
    /log\.entries\[0\]\.startedDateTime is not an ISO date/,
  );
});
