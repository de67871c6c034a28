import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpRequestSpec, SyncFetch } from '../http/types.ts';
import { buildResponse, createMockFetch } from './mocks.ts';
import type { MockSpec } from './test-case.ts';

const mock = (url: string, body: unknown, extra: Partial<MockSpec> = {}): MockSpec => ({
  url,
  response: { status: 200, headers: {}, body },
  times: 'always',
  source: '$.mock_http.requests[0]',
  ...extra,
});
const req = (url: string, method = 'GET'): HttpRequestSpec => ({ method, url, headers: {} });
const bodyOf = (f: SyncFetch, url: string, method = 'GET'): string | undefined =>
  f(req(url, method), 1000).response?.body;

test('exact beats prefix beats substring, whatever the declaration order', () => {
  const { fetch } = createMockFetch([
    mock('api.example.com', 'substring'),
    mock('https://api.example.com/items', 'prefix'),
    mock('https://api.example.com/items/1', 'exact'),
  ]);
  assert.equal(bodyOf(fetch, 'https://api.example.com/items/1'), 'exact');
  assert.equal(bodyOf(fetch, 'https://api.example.com/items/2'), 'prefix');
  assert.equal(bodyOf(fetch, 'http://api.example.com/other'), 'substring');
});

test('exact matching ignores URL spelling differences that mean the same URL', () => {
  const { fetch } = createMockFetch([mock('https://API.example.com', 'x')]);
  assert.equal(bodyOf(fetch, 'https://api.example.com/'), 'x');
});

test('method must match when given; a mock without method answers any', () => {
  const { fetch } = createMockFetch([
    mock('https://a/', 'post', { method: 'POST' }),
    mock('https://b/', 'any'),
  ]);
  assert.equal(bodyOf(fetch, 'https://a/', 'post'), 'post');
  assert.equal(fetch(req('https://a/'), 1000).error?.type, 'NetworkError');
  assert.equal(bodyOf(fetch, 'https://b/', 'DELETE'), 'any');
});

test('once-only mocks answer in declaration order, then are used up; "always" and counts repeat', () => {
  const m = createMockFetch([
    mock('https://a/', 'first', { times: 1 }),
    mock('https://a/', 'second', { times: 1 }),
    mock('https://b/', 'b', { times: 2 }),
    mock('https://c/', 'c'),
    mock('https://never/', 'n'),
  ]);
  assert.equal(bodyOf(m.fetch, 'https://a/'), 'first');
  assert.equal(bodyOf(m.fetch, 'https://a/'), 'second');
  const third = m.fetch(req('https://a/'), 1000);
  assert.equal(
    third.error?.message,
    'no mock matches GET https://a/ (compared with: ANY https://a/ [used up], ANY https://a/ [used up], ANY https://b/, ANY https://c/, ANY https://never/)',
  );
  assert.equal(bodyOf(m.fetch, 'https://b/'), 'b');
  assert.equal(bodyOf(m.fetch, 'https://b/'), 'b');
  assert.equal(m.fetch(req('https://b/'), 1000).response, undefined);
  for (let i = 0; i < 5; i++) assert.equal(bodyOf(m.fetch, 'https://c/'), 'c');
  assert.deepEqual(
    m.unused().map((u) => u.url),
    ['https://never/'],
  );
  assert.equal(m.unmatched().length, 2);
});

test('an unmatched request is a NetworkError naming the mocks it was compared with', () => {
  const m = createMockFetch([
    mock('https://a/x', 1, { method: 'GET' }),
    mock('https://b/', 2, { method: 'POST' }),
  ]);
  const ex = m.fetch(req('https://c/y', 'put'), 1000);
  assert.deepEqual(ex.error, {
    type: 'NetworkError',
    message: 'no mock matches PUT https://c/y (compared with: GET https://a/x, POST https://b/)',
  });
  assert.match(createMockFetch([]).fetch(req('https://z/'), 1).error!.message, /no mocks declared/);
});

test('allow_network: unmatched requests go to the fallback, mocked ones do not', () => {
  const seen: string[] = [];
  const fallback: SyncFetch = (r) => {
    seen.push(r.url);
    return {
      request: r,
      response: buildResponse({ status: 204, headers: {} }, r.url),
      startedAt: '',
      durationMs: 1,
    };
  };
  const m = createMockFetch([mock('https://mocked/', 'm')], { fallback });
  assert.equal(bodyOf(m.fetch, 'https://mocked/'), 'm');
  assert.equal(m.fetch(req('https://real/'), 1000).response?.status, 204);
  assert.deepEqual(seen, ['https://real/']);
  assert.deepEqual(m.unmatched(), []);
});

test('responses: status, headers and body kinds honoured', () => {
  const json = buildResponse(
    { status: 404, headers: { 'x-id': '7' }, body: { error: 'nope' } },
    'https://a/',
  );
  assert.deepEqual(json, {
    status: 404,
    statusText: 'Not Found',
    headers: { 'x-id': '7', 'content-type': 'application/json' },
    body: '{"error":"nope"}',
    bodyEncoding: 'utf8',
    mimeType: 'application/json',
    url: 'https://a/',
  });
  const text = buildResponse({ status: 200, headers: {}, body: 'hello' }, 'u');
  assert.equal(text.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(text.body, 'hello');
  // A malformed JSON body is passed through as written; the declared type is kept.
  const broken = buildResponse(
    { status: 200, headers: { 'content-type': 'application/json' }, body: '{oops' },
    'u',
  );
  assert.equal(broken.body, '{oops');
  assert.equal(broken.mimeType, 'application/json');
  const bin = buildResponse({ status: 200, headers: {}, body: 'AAEC', bodyEncoding: 'base64' }, 'u');
  assert.deepEqual(
    [bin.body, bin.bodyEncoding, bin.mimeType],
    ['AAEC', 'base64', 'application/octet-stream'],
  );
  const empty = buildResponse({ status: 204, headers: {}, statusText: 'Empty' }, 'u');
  assert.deepEqual([empty.body, empty.statusText, empty.headers], ['', 'Empty', {}]);
});
